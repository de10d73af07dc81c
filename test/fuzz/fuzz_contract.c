/*-------------------------------------------------------------------------
 *
 * fuzz_contract.c
 *		libFuzzer harness for the contract parser (src/json.c) and the rule
 *		engine (src/contract.c).
 *
 * Any byte string must be parsed without a crash, a leak, an out-of-bounds
 * access or undefined behaviour (ASan/UBSan), with and without
 * DM_JSON_PUBLISH.  Properties checked on every input:
 *
 *	- parsing is deterministic: a second parse gives the same verdict, and
 *	  the same error;
 *	- publishing is stricter: what parses with DM_JSON_PUBLISH parses
 *	  without it;
 *	- an error has a path starting with "$" and a message, both
 *	  NUL-terminated inside their buffers;
 *	- an accepted model keeps the parser's invariants (positions, paths,
 *	  bounds of the limits, -1 for what is absent);
 *	- a document diffed with itself has no breaking change, under every
 *	  mode; diffing it against a fixed valid contract, either way round,
 *	  never crashes.
 *
 * Everything the model and the engine allocate comes from an arena that is
 * emptied after each input (dm_contract_alloc), so memory does not grow
 * and LeakSanitizer sees jansson's own leaks only.
 *
 * IDENTIFICATION
 *		test/fuzz/fuzz_contract.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "json.h"

/* the allocations of the current input, freed after it */
typedef struct Arena
{
	void	  **items;			/* every block handed out */
	size_t		n;				/* blocks in use */
	size_t		cap;			/* room in items */
} Arena;

static Arena arena;

/* the fixed contract that every accepted input is also diffed against */
static const char reference_text[] =
"{\"apiVersion\":\"v3.1.0\",\"kind\":\"DataContract\",\"id\":\"sales.orders\","
"\"name\":\"orders\",\"version\":\"1.2.0\",\"status\":\"active\","
"\"domain\":\"sales\",\"description\":{\"purpose\":\"orders\"},"
"\"schema\":[{\"name\":\"orders\",\"physicalName\":\"sales_data_products.orders\","
"\"properties\":["
"{\"name\":\"order_id\",\"physicalType\":\"uuid\",\"logicalType\":\"string\","
"\"required\":true,\"unique\":true,\"primaryKey\":true,\"primaryKeyPosition\":1},"
"{\"name\":\"email\",\"physicalType\":\"text\",\"logicalType\":\"string\","
"\"logicalTypeOptions\":{\"maxLength\":200},"
"\"customProperties\":[{\"property\":\"pii\",\"value\":\"email\"}]},"
"{\"name\":\"amount\",\"physicalType\":\"numeric(12,2)\",\"logicalType\":\"number\","
"\"logicalTypeOptions\":{\"minimum\":0},"
"\"quality\":[{\"metric\":\"nullValues\",\"mustBe\":0}]},"
"{\"name\":\"state\",\"logicalType\":\"string\",\"quality\":[{\"metric\":"
"\"invalidValues\",\"mustBe\":0,\"arguments\":{\"validValues\":[\"new\",\"paid\"]}}]}],"
"\"quality\":[{\"id\":\"not_empty\",\"metric\":\"rowCount\",\"mustBeGreaterThan\":0}]}],"
"\"slaProperties\":[{\"property\":\"freshness\",\"value\":4,\"unit\":\"h\"}],"
"\"customProperties\":[{\"property\":\"compatibility\",\"value\":\"FORWARD\"},"
"{\"property\":\"deprecationNoticeDays\",\"value\":90}]}";

static DmContract reference;

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The allocation hook: zeroed memory, remembered for arena_reset().
 */
static void *
arena_alloc(size_t size)
{
	void	   *p = calloc(1, size > 0 ? size : 1);

	if (p == NULL)
		abort();
	if (arena.n == arena.cap)
	{
		size_t		cap = arena.cap * 2 + 256;
		void	  **items = realloc(arena.items, cap * sizeof(void *));

		if (items == NULL)
			abort();
		arena.items = items;
		arena.cap = cap;
	}
	arena.items[arena.n++] = p;
	return p;
}

/* free everything allocated since the last reset */
static void
arena_reset(void)
{
	while (arena.n > 0)
		free(arena.items[--arena.n]);
}

/* an error is well-formed: "$..." and a message, inside their buffers */
static void
check_error(const DmJsonError *err)
{
	if (memchr(err->path, '\0', sizeof(err->path)) == NULL ||
		memchr(err->message, '\0', sizeof(err->message)) == NULL ||
		err->path[0] != '$' || err->message[0] == '\0')
		abort();
}

/* a quality rule as the parser leaves it */
static void
check_quality(const DmQuality *q)
{
	int			i;

	if (q->key == NULL || q->path == NULL || q->path[0] != '$' ||
		q->type == NULL || q->op < DM_QOP_NONE ||
		q->op > DM_QOP_NOT_BETWEEN || q->nvalid_values < 0)
		abort();
	if ((q->op == DM_QOP_BETWEEN || q->op == DM_QOP_NOT_BETWEEN) &&
		!(q->v1 <= q->v2))
		abort();
	for (i = 0; i < q->nvalid_values; i++)
		if (q->valid_values[i] == NULL)
			abort();
}

/* the invariants of an accepted model */
static void
check_model(const DmContract *c)
{
	int			i;
	int			j;

	if (c->id == NULL || c->version == NULL || c->status == NULL ||
		c->major < 0 || c->minor < 0 || c->patch < 0 ||
		c->nschemas < 0 || c->nschemas > DM_JSON_MAX_ARRAY ||
		c->nprops < 0 || c->nprops > DM_JSON_MAX_PROPERTIES ||
		(c->nprops > 0 && c->nschemas == 0) ||
		c->notice_days < -1 || c->is_actual)
		abort();
	for (i = 0; i < c->ntags; i++)
		if (c->tags[i] == NULL)
			abort();
	for (i = 0; i < c->nprops; i++)
	{
		const DmProperty *p = &c->props[i];

		if (p->name == NULL || p->path == NULL || p->position != i + 1 ||
			p->type.oid != 0 || p->type.typmod != -1 ||
			p->type.family != DM_TF_UNKNOWN || p->type.length != -1 ||
			p->min_length < -1 || p->max_length < -1 ||
			p->primary_key_position < 0 ||
			(p->has_valid_values && p->nvalid_values <= 0))
			abort();
		for (j = 0; j < p->nquality; j++)
			check_quality(&p->quality[j]);
		for (j = 0; j < p->nvalid_values; j++)
			if (p->valid_values[j] == NULL)
				abort();
	}
	for (i = 0; i < c->nquality; i++)
		check_quality(&c->quality[i]);
	for (i = 0; i < c->nslas; i++)
	{
		const DmSla *s = &c->slas[i];

		if (s->property == NULL || s->path == NULL ||
			!(s->seconds == -1.0 || s->seconds >= 0.0))
			abort();
	}
}

/*
 * Parse the fixed reference contract once, with the default allocation
 * hook (its memory stays reachable to the end), then route allocations to
 * the arena.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	DmJsonError err;

	(void) argc;
	(void) argv;
	if (!dm_json_parse_contract(reference_text, strlen(reference_text),
								DM_JSON_PUBLISH, &reference, &err))
	{
		fprintf(stderr, "reference contract rejected: %s: %s\n",
				err.path, err.message);
		abort();
	}
	dm_contract_alloc = arena_alloc;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that ASan sees any read past the end */
	char	   *text = malloc(size > 0 ? size : 1);
	DmContract	a;
	DmContract	b;
	DmContract	p;
	DmJsonError err_a;
	DmJsonError err_b;
	DmJsonError err_p;
	bool		ok_a;
	bool		ok_b;
	bool		ok_p;
	int			mode;

	if (text == NULL)
		abort();
	if (size > 0)
		memcpy(text, data, size);

	ok_a = dm_json_parse_contract(text, size, 0, &a, &err_a);
	ok_b = dm_json_parse_contract(text, size, 0, &b, &err_b);
	ok_p = dm_json_parse_contract(text, size, DM_JSON_PUBLISH, &p, &err_p);

	/* deterministic; publishing only adds requirements */
	if (ok_a != ok_b || (ok_p && !ok_a))
		abort();
	if (!ok_a)
	{
		check_error(&err_a);
		if (strcmp(err_a.path, err_b.path) != 0 ||
			strcmp(err_a.message, err_b.message) != 0)
			abort();
	}
	if (!ok_p)
		check_error(&err_p);

	if (ok_a)
	{
		check_model(&a);
		check_model(&b);
		if (ok_p)
			check_model(&p);
		for (mode = DM_COMPAT_FORWARD; mode <= DM_COMPAT_NONE; mode++)
		{
			DmChangeList same = {0};
			DmChangeList from_ref = {0};
			DmChangeList to_ref = {0};

			dm_contract_diff(&a, &b, (DmCompat) mode, "2026-01-01", &same);
			if (dm_contract_worst(&same) == DM_SEV_BREAKING)
				abort();
			if (ok_p)
			{
				dm_contract_diff(&a, &p, (DmCompat) mode, "2026-01-01", &same);
				if (dm_contract_worst(&same) == DM_SEV_BREAKING)
					abort();
			}
			dm_contract_diff(&reference, &a, (DmCompat) mode, "2026-01-01",
							 &from_ref);
			dm_contract_diff(&a, &reference, (DmCompat) mode, "2026-01-01",
							 &to_ref);
			(void) dm_contract_worst(&from_ref);
			(void) dm_contract_worst(&to_ref);
		}
	}

	free(text);
	arena_reset();
	return 0;
}
