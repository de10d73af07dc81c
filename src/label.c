/*-------------------------------------------------------------------------
 *
 * label.c
 *		The "datamesh" security label provider.
 *
 * A datamesh label classifies a column as PII: 'pii:STRATEGY', with one of
 * the strategies of DM_PII_STRATEGIES.  Labels are the single source of
 * truth for classification, so pg_dump keeps it.  The provider accepts
 * labels on columns of tables, views, materialized views and foreign
 * tables only, and rejects a malformed label before anything is written.
 *
 * IDENTIFICATION
 *		src/label.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <limits.h>

#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "commands/seclabel.h"
#include "utils/lsyscache.h"

#include "label.h"

/* the largest p or s accepted in partial(p,s) */
#define DM_PARTIAL_MAX 1000

static void check_relabel(const ObjectAddress *object, const char *seclabel);

void
dm_label_register(void)
{
	register_label_provider(DM_LABEL_PROVIDER, check_relabel);
}

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

/*
 * Raises a clear error if the strategy cannot mask a column of typid.
 */
void
dm_pii_check_type(const DmPiiStrategy *strategy, const char *text,
				  Oid typid, const char *column)
{
	const char *types = NULL;

	if (dm_pii_type_supported(strategy, getBaseType(typid)))
		return;
	switch (strategy->kind)
	{
		case DM_PII_REDACT:
			break;
		case DM_PII_HASH:
			types = "text, varchar, char, integer, bigint, uuid and bytea";
			break;
		case DM_PII_EMAIL:
		case DM_PII_PARTIAL:
			types = "text, varchar and char";
			break;
		case DM_PII_YEAR:
		case DM_PII_MONTH:
			types = "date, timestamp and timestamptz";
			break;
		case DM_PII_BUCKET:
			types = "smallint, integer and bigint (with a whole width), numeric, real and double precision";
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("masking strategy \"%s\" cannot mask column \"%s\" of type %s",
					text, column, format_type_be(typid)),
			 errdetail("Strategy \"%s\" supports %s; a masked column keeps its type.",
					   text, types),
			 errhint("Choose another strategy, for example \"redact\", which supports every type.")));
}

/*
 * The provider hook: called before SECURITY LABEL FOR datamesh writes.
 */
static void
check_relabel(const ObjectAddress *object, const char *seclabel)
{
	DmPiiStrategy strategy;
	char		relkind;

	if (object->classId != RelationRelationId || object->objectSubId <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("datamesh security labels apply to columns only"),
				 errdetail("A datamesh label classifies a column as personal data."),
				 errhint("Label a column: SECURITY LABEL FOR datamesh ON COLUMN t.c IS 'pii:redact'.")));

	relkind = get_rel_relkind(object->objectId);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
		relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW &&
		relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("datamesh security labels apply to columns of tables, views, materialized views and foreign tables only")));

	if (seclabel == NULL)
		return;

	if (!dm_pii_parse_label(seclabel, &strategy))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid datamesh security label \"%s\"", seclabel),
				 errdetail("A datamesh label has the form pii:STRATEGY, where STRATEGY is one of: %s.",
						   DM_PII_STRATEGIES),
				 errhint("For example: SECURITY LABEL FOR datamesh ON COLUMN t.email IS 'pii:email'.")));
	dm_pii_check_type(&strategy, seclabel + 4,
					  get_atttype(object->objectId, object->objectSubId),
					  get_attname(object->objectId, object->objectSubId, false));
}
