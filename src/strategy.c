/*-------------------------------------------------------------------------
 *
 * strategy.c
 *		Parsing "pii:" labels and the types each masking strategy supports.
 *
 * Pure functions without catalog access or errors, so that the label
 * provider, publish_product and the fuzz harness in test/fuzz share them:
 * a malformed label is reported by the caller, never by raising here.
 *
 * IDENTIFICATION
 *		src/strategy.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_type.h"

#include "strategy.h"

/* the largest p or s accepted in partial(p,s) */
#define DM_PARTIAL_MAX 1000

/*
 * Reads a non-negative decimal integer at *p, at most max; advances *p.
 */
static bool
read_int(const char **p, int max, int *out)
{
	long		v = 0;

	if (!isdigit((unsigned char) **p))
		return false;
	while (isdigit((unsigned char) **p))
	{
		v = v * 10 + (**p - '0');
		if (v > max)
			return false;
		(*p)++;
	}
	*out = (int) v;
	return true;
}

static void
skip_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

/*
 * Parses a strategy ("email", "partial(2,3)", ...).  Returns false for
 * anything else; never raises an error.
 */
bool
dm_pii_parse_strategy(const char *text, DmPiiStrategy *out)
{
	const char *p;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return false;
	if (strcmp(text, "redact") == 0)
		out->kind = DM_PII_REDACT;
	else if (strcmp(text, "hash") == 0)
		out->kind = DM_PII_HASH;
	else if (strcmp(text, "email") == 0)
		out->kind = DM_PII_EMAIL;
	else if (strcmp(text, "year") == 0)
		out->kind = DM_PII_YEAR;
	else if (strcmp(text, "month") == 0)
		out->kind = DM_PII_MONTH;
	else if (strncmp(text, "partial(", 8) == 0)
	{
		out->kind = DM_PII_PARTIAL;
		p = text + 8;
		skip_spaces(&p);
		if (!read_int(&p, DM_PARTIAL_MAX, &out->prefix))
			return false;
		skip_spaces(&p);
		if (*p++ != ',')
			return false;
		skip_spaces(&p);
		if (!read_int(&p, DM_PARTIAL_MAX, &out->suffix))
			return false;
		skip_spaces(&p);
		if (strcmp(p, ")") != 0)
			return false;
	}
	else if (strncmp(text, "bucket(", 7) == 0)
	{
		const char *start;
		int			digits = 0;
		bool		nonzero = false;
		size_t		len;

		out->kind = DM_PII_BUCKET;
		p = text + 7;
		skip_spaces(&p);
		start = p;
		while (isdigit((unsigned char) *p))
		{
			nonzero |= (*p != '0');
			p++, digits++;
		}
		if (*p == '.')
		{
			p++;
			while (isdigit((unsigned char) *p))
			{
				nonzero |= (*p != '0');
				p++, digits++;
			}
		}
		len = p - start;
		if (digits == 0 || !nonzero || len >= sizeof(out->bucket))
			return false;
		memcpy(out->bucket, start, len);
		out->bucket[len] = '\0';
		skip_spaces(&p);
		if (strcmp(p, ")") != 0)
			return false;
	}
	else
		return false;
	return true;
}

/*
 * Parses a whole label, 'pii:STRATEGY'.
 */
bool
dm_pii_parse_label(const char *label, DmPiiStrategy *out)
{
	if (label == NULL || strncmp(label, "pii:", 4) != 0)
		return false;
	return dm_pii_parse_strategy(label + 4, out);
}

/* does a bucket width have a fractional part? */
static bool
bucket_is_whole(const DmPiiStrategy *strategy)
{
	const char *dot = strchr(strategy->bucket, '.');

	if (dot == NULL)
		return true;
	for (dot++; *dot; dot++)
		if (*dot != '0')
			return false;
	return true;
}

/*
 * Can the strategy mask a value of this (base) type while keeping it?
 */
bool
dm_pii_type_supported(const DmPiiStrategy *strategy, Oid basetype)
{
	switch (strategy->kind)
	{
		case DM_PII_REDACT:
			return true;
		case DM_PII_HASH:
			return basetype == TEXTOID || basetype == VARCHAROID ||
				basetype == BPCHAROID || basetype == INT4OID ||
				basetype == INT8OID || basetype == UUIDOID ||
				basetype == BYTEAOID;
		case DM_PII_EMAIL:
		case DM_PII_PARTIAL:
			return basetype == TEXTOID || basetype == VARCHAROID ||
				basetype == BPCHAROID;
		case DM_PII_YEAR:
		case DM_PII_MONTH:
			return basetype == DATEOID || basetype == TIMESTAMPOID ||
				basetype == TIMESTAMPTZOID;
		case DM_PII_BUCKET:
			if (basetype == INT2OID || basetype == INT4OID || basetype == INT8OID)
				return bucket_is_whole(strategy);
			return basetype == NUMERICOID || basetype == FLOAT4OID ||
				basetype == FLOAT8OID;
	}
	return false;
}

