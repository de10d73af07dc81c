/*-------------------------------------------------------------------------
 *
 * search.c
 *		datamesh.search(): products, domains and one's own relations by words.
 *
 * Products of every domain are found in the index datamesh.search_entry
 * (a GIN index over weighted tsvectors of names, tags and descriptions,
 * refreshed at the commit of every transaction that touches a product, see
 * contract_enforce.c); domains, and the private relations and columns of
 * the caller's own domains (membership of the owner role, evaluated when
 * the query runs), are read from the catalogs as they are.
 *
 * A query is split into words (runs of letters and digits, lower-cased, of
 * at least two characters), English stop words left out; each word
 * matches as a prefix, or its English stem (dictionary english_stem) as a
 * prefix, and every word must match.  Names weigh most, then tags, then
 * descriptions (ts_rank's weights A, B, C).  The query is planned once per
 * backend (SPI_keepplan): planning it costs more than running it.
 *
 * IDENTIFICATION
 *		src/search.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "tsearch/ts_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/formatting.h"

#include "contract_enforce.h"
#include "exec.h"
#include "search.h"

/* at most this many words of a query count, each of at most this length */
#define MAX_WORDS 32
#define MAX_WORD_BYTES 100

/* the search, planned once per backend */
static SPIPlanPtr search_plan = NULL;

/* $1: the query's tsquery text, all words; $2: any word */
static const char *const search_sql =
	"WITH q AS ( "
	"    SELECT pg_catalog.to_tsquery('simple', $1) AS q, pg_catalog.to_tsquery('simple', $2) AS q_any "
	"), mine AS ( "
	"    SELECT d.domain FROM datamesh.domains d WHERE pg_catalog.pg_has_role(d.owner::pg_catalog.oid, 'MEMBER') "
	"), private AS ( "
	"    SELECT r.kind, r.object, r.column_name, r.domain, r.name, r.description, r.tags, "
	"           pg_catalog.to_tsvector('simple', r.name) AS name_words, "
	"           pg_catalog.to_tsvector('simple', COALESCE(r.tags, '')) AS tag_words, "
	"           pg_catalog.to_tsvector('english', COALESCE(r.description, '')) AS description_words "
	"      FROM (SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' "
	"                                  WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' "
	"                                  ELSE 'foreign table' END AS kind, "
	"                   pg_catalog.format('%I.%I', n.nspname, c.relname) AS object, "
	"                   NULL::name AS column_name, y.domain, c.relname::text AS name, "
	"                   pg_catalog.obj_description(c.oid, 'pg_class') AS description, "
	"                   datamesh.tags_text(l.label) AS tags "
	"              FROM mine m "
	"              JOIN datamesh.layers y ON y.domain = m.domain AND y.layer <> 'data_products' "
	"              JOIN pg_catalog.pg_namespace n ON n.nspname = y.schema "
	"              JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
	"              LEFT JOIN pg_catalog.pg_seclabel l "
	"                     ON l.objoid = c.oid AND l.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	"                    AND l.objsubid = 0 AND l.provider = 'datamesh_tags' "
	"            UNION ALL "
	"            SELECT 'column', pg_catalog.format('%I.%I', n.nspname, c.relname), a.attname, y.domain, "
	"                   a.attname::text, pg_catalog.col_description(c.oid, a.attnum), "
	"                   datamesh.tags_text(l.label) "
	"              FROM mine m "
	"              JOIN datamesh.layers y ON y.domain = m.domain AND y.layer <> 'data_products' "
	"              JOIN pg_catalog.pg_namespace n ON n.nspname = y.schema "
	"              JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
	"              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
	"              LEFT JOIN pg_catalog.pg_seclabel l "
	"                     ON l.objoid = c.oid AND l.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	"                    AND l.objsubid = a.attnum AND l.provider = 'datamesh_tags') r "
	"), domains AS ( "
	"    SELECT 'domain'::text AS kind, d.domain AS object, NULL::name AS column_name, d.domain, "
	"           d.domain AS name, "
	"           d.description, datamesh.tags_text(d.tags::text) AS tags "
	"      FROM datamesh.domains d "
	"), found AS ( "
	"    SELECT e.kind, e.object, e.column_name, e.domain, e.name, e.description, e.tags, "
	"           e.name_words, e.tag_words, e.description_words, e.document "
	"      FROM datamesh.search_entry e, q "
	"     WHERE e.document @@ q.q "
	"    UNION ALL "
	"    SELECT p.*, pg_catalog.setweight(p.name_words, 'A') || pg_catalog.setweight(p.tag_words, 'B') || "
	"                pg_catalog.setweight(p.description_words, 'C') "
	"      FROM private p "
	"    UNION ALL "
	"    SELECT w.*, pg_catalog.setweight(w.name_words, 'A') || pg_catalog.setweight(w.tag_words, 'B') || "
	"                pg_catalog.setweight(w.description_words, 'C') "
	"      FROM (SELECT d.*, "
	"                   pg_catalog.to_tsvector('simple', d.name) AS name_words, "
	"                   pg_catalog.to_tsvector('simple', COALESCE(d.tags, '')) AS tag_words, "
	"                   pg_catalog.to_tsvector('english', COALESCE(d.description, '')) AS description_words "
	"              FROM domains d) w "
	") "
	"SELECT f.kind, f.object, f.domain, "
	"       pg_catalog.concat_ws('; ', "
	"           CASE WHEN f.name_words @@ q.q_any "
	"                THEN CASE WHEN f.column_name IS NULL THEN 'name: ' ELSE 'column: ' END || f.name END, "
	"           CASE WHEN f.tag_words @@ q.q_any THEN 'tags: ' || f.tags END, "
	"           CASE WHEN f.description_words @@ q.q_any "
	"                THEN 'description: ' || pg_catalog.left(f.description, 200) END) AS matched, "
	"       pg_catalog.ts_rank(f.document, q.q) AS rank "
	"  FROM found f, q "
	" WHERE f.document @@ q.q "
	"   AND (f.name_words @@ q.q_any OR f.tag_words @@ q.q_any OR f.description_words @@ q.q_any) "
	" ORDER BY rank DESC, f.object, f.column_name NULLS FIRST ";

PG_FUNCTION_INFO_V1(datamesh_search);
PG_FUNCTION_INFO_V1(datamesh_search_query);
PG_FUNCTION_INFO_V1(datamesh_search_flush);

static List *search_clauses(const char *query);
static char *join_clauses(List *clauses, bool any_word);

/*
 * The clauses of a query's tsquery, one per word: "('word':* | 'stem':*)".
 * NIL when the query has no word that is not a stop word.  Words are runs
 * of ASCII letters and digits and of bytes of multi-byte characters,
 * lower-cased first, of 2 to MAX_WORD_BYTES bytes, the first MAX_WORDS.
 */
static List *
search_clauses(const char *query)
{
	char	   *lower = str_tolower(query, strlen(query), DEFAULT_COLLATION_OID);
	Oid			dict = get_ts_dict_oid(list_make1(makeString("english_stem")), true);
	Oid			simple = get_ts_config_oid(list_make1(makeString("simple")), false);
	List	   *clauses = NIL;
	List	   *seen = NIL;
	const char *p = lower;

	while (*p && list_length(clauses) < MAX_WORDS)
	{
		const char *start;
		char	   *word;
		char	   *stem = NULL;
		ListCell   *lc;
		bool		dup = false;

		while (*p && !(isalnum((unsigned char) *p) || IS_HIGHBIT_SET(*p)))
			p++;
		start = p;
		while (*p && (isalnum((unsigned char) *p) || IS_HIGHBIT_SET(*p)))
			p++;
		/* a single letter or digit would match every word it starts */
		if (p - start < 2 || p - start > MAX_WORD_BYTES)
			continue;
		word = pnstrdup(start, p - start);
		/* what the text search parser takes for no word (a symbol: '€') */
		if (DatumGetTSVector(DirectFunctionCall2(to_tsvector_byid,
												 ObjectIdGetDatum(simple),
												 CStringGetTextDatum(word)))->size == 0)
			continue;
		foreach(lc, seen)
			if (strcmp(lfirst(lc), word) == 0)
				dup = true;
		if (dup)
			continue;
		seen = lappend(seen, word);

		if (OidIsValid(dict))
		{
			Datum		lexemes = DirectFunctionCall2(ts_lexize, ObjectIdGetDatum(dict),
													  CStringGetTextDatum(word));

			/* NULL: the dictionary does not know it; empty: a stop word */
			if (DatumGetPointer(lexemes) != NULL)
			{
				ArrayType  *arr = DatumGetArrayTypeP(lexemes);
				Datum	   *elems;
				bool	   *nulls;
				int			n;

				deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
				if (n == 0)
					continue;
				if (!nulls[0])
					stem = TextDatumGetCString(elems[0]);
			}
		}
		clauses = lappend(clauses, psprintf("(%s:* | %s:*)", quote_literal_cstr(word),
											quote_literal_cstr(stem ? stem : word)));
	}
	return clauses;
}

/* the clauses joined: all words must match, or with any_word one of them */
static char *
join_clauses(List *clauses, bool any_word)
{
	StringInfoData out;
	ListCell   *lc;

	if (clauses == NIL)
		return NULL;
	initStringInfo(&out);
	foreach(lc, clauses)
		appendStringInfo(&out, "%s%s", foreach_current_index(lc) > 0 ?
						 (any_word ? " | " : " & ") : "", (char *) lfirst(lc));
	return out.data;
}

/*
 * The tsquery text of a query, all words (or with any_word one of them);
 * NULL for a query without words.
 */
char *
dm_search_tsquery(const char *query, bool any_word)
{
	return join_clauses(search_clauses(query), any_word);
}

/*
 * datamesh.search_query(query text, any_word boolean DEFAULT false)
 *		RETURNS tsquery
 */
Datum
datamesh_search_query(PG_FUNCTION_ARGS)
{
	char	   *words = dm_search_tsquery(text_to_cstring(PG_GETARG_TEXT_PP(0)),
										  PG_GETARG_BOOL(1));

	if (words == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(DirectFunctionCall2(to_tsquery_byid,
										ObjectIdGetDatum(get_ts_config_oid(list_make1(makeString("simple")), false)),
										CStringGetTextDatum(words)));
}

/*
 * datamesh.search(query text)
 *		RETURNS TABLE (kind text, object text, domain text, matched text, rank real)
 *
 * Ordered by rank, best first.  A query without words (NULL, empty, only
 * stop words or punctuation) finds nothing.
 */
Datum
datamesh_search(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *clauses;
	char	   *all;
	char	   *any;
	Datum		values[2];
	uint64		i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	clauses = search_clauses(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (clauses == NIL)
		PG_RETURN_NULL();
	all = join_clauses(clauses, false);
	any = join_clauses(clauses, true);

	/* what this transaction changed, indexed now: it finds its own changes */
	dm_contract_flush_search();
	dm_spi_connect();
	if (search_plan == NULL)
	{
		Oid			types[2] = {TEXTOID, TEXTOID};
		SPIPlanPtr	plan = SPI_prepare_cursor(search_sql, 2, types,
											  CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed (%s) for datamesh.search",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed for datamesh.search");
		search_plan = plan;
	}
	values[0] = CStringGetTextDatum(all);
	values[1] = CStringGetTextDatum(any);
	if (SPI_execute_plan(search_plan, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "datamesh.search failed");
	for (i = 0; i < SPI_processed; i++)
	{
		Datum		row[5];
		bool		nulls[5];
		int			k;

		for (k = 0; k < 5; k++)
			row[k] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, k + 1, &nulls[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
	}
	SPI_finish();
	PG_RETURN_NULL();
}

/*
 * datamesh.search_flush() RETURNS void
 *
 * Indexes the products that the current transaction touched now rather
 * than at commit; verify() calls it first.
 */
Datum
datamesh_search_flush(PG_FUNCTION_ARGS)
{
	dm_contract_flush_search();
	PG_RETURN_VOID();
}
