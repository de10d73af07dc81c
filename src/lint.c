/*-------------------------------------------------------------------------
 *
 * lint.c
 *		datamesh.lint(): what governance should look at, domain by domain.
 *
 * Each finding names a domain, an object (its quoted qualified name), a
 * rule, a severity and a message that says what is wrong and what to do;
 * a message never holds a data value (counts only).  The rules:
 *
 *	product_description	(warning) a product view without a COMMENT
 *	product_contract	(warning) a product without a data contract
 *	product_contact		(warning) a product nobody is named to ask about: no
 *						'contact' tag on it or its domain, no support or
 *						team in its contract
 *	pii_name			(warning) a column of a private relation whose name
 *						looks like personal data (detect.c) and that is not
 *						classified, as classify.c decides it for products
 *	pii_values			(error) an unclassified text or JSON column whose
 *						sampled values mostly look like personal data
 *	intermediate_usage	(info) an intermediate read by fewer than two objects
 *	stale_product		(error) a product older than its contract's freshness
 *	grant_bypass		(error) a grant in a private schema to a role outside
 *						the domain's team, also through default privileges
 *	order_leak			(error) a product reading a relation partitioned or
 *						clustered by a classified column
 *
 * lint is SECURITY INVOKER and reads only: the catalog rules read catalogs
 * everyone may read; values are sampled as the caller, only from columns
 * he may SELECT, with TABLESAMPLE SYSTEM bounded by lint.h; the sampled
 * values stay in this file (only their counts leave it).  Sampling and
 * the classification of candidate columns (which locks what it walks,
 * like publish_product) each run in a subtransaction that is rolled back
 * at once, so lint holds no lock past the step that needed it; a relation
 * that cannot be sampled is reported, not fatal.
 *
 * IDENTIFICATION
 *		src/lint.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/detoast.h"
#include "access/relation.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "classify.h"
#include "contract_model.h"
#include "detect.h"
#include "exec.h"
#include "lint.h"
#include "strategy.h"

/* severities, in the order lint lists them */
#define SEV_ERROR	0
#define SEV_WARNING	1
#define SEV_INFO	2

/* a value longer than this (bytes, before trimming) is not detoasted */
#define LINT_MAX_TEXT	4096

/* room for a JSON key path, e.g. customer.emails[] */
#define LINT_PATH_LEN	128

/* one finding */
typedef struct Finding
{
	char	   *domain;
	char	   *object;			/* quoted qualified name */
	const char *rule;
	int			severity;		/* SEV_* */
	char	   *message;
} Finding;

/* sampled values of a column or of one key path, counted by kind */
typedef struct Tally
{
	int			values;			/* non-null values seen */
	int			counts[DM_DETECT_KINDS];	/* of them, per detector */
} Tally;

/* hash entry: the tally of one JSON key path */
typedef struct PathTally
{
	char		path[LINT_PATH_LEN];	/* hash key */
	Tally		tally;
} PathTally;

/* a classification asked for: a column's, as a product would mask it */
typedef struct ClassifyRequest
{
	Oid			relid;
	AttrNumber	attnum;
	Classified	result;
} ClassifyRequest;

/* a column of a private relation */
typedef struct LintColumn
{
	AttrNumber	attnum;
	char	   *name;
	Oid			type;			/* its type */
	Oid			basetype;		/* the base type of a domain, else type */
	bool		labelled;		/* carries a pii: label itself */
	const char *name_kind;		/* what its name suggests, or NULL */
	bool		sample;			/* its values are sampled */
	Tally		tally;			/* text columns */
	HTAB	   *paths;			/* json and jsonb: PathTally per key path */
	bool		overflow;		/* more key paths than LINT_MAX_PATHS */
	ClassifyRequest *classify;	/* asked when it is a candidate */
} LintColumn;

/* a relation of a private schema */
typedef struct LintRelation
{
	Oid			relid;
	char	   *name;			/* quoted qualified */
	char		relkind;
	bool		populated;		/* a materialized view: has data */
	List	   *columns;		/* LintColumn */
	int			sampled;		/* columns to sample */
	int			rows;			/* rows sampled */
	int			sample_error;	/* SQLSTATE of a failed sampling, or 0 */
} LintRelation;

/* a product, and what lint needs of it */
typedef struct LintProduct
{
	char	   *name;			/* quoted qualified */
	Oid			viewid;
	Oid			sourceid;		/* what it is published over, if found */
	List	   *keys;			/* OrderKey: upstream partition/cluster keys */
} LintProduct;

/* an upstream column that orders a product's rows */
typedef struct OrderKey
{
	Oid			relid;
	AttrNumber	attnum;
	bool		cluster;		/* clustered index; else partition key */
	Oid			indexid;
	ClassifyRequest *classify;
} OrderKey;

/* the state of one lint call */
typedef struct LintRun
{
	List	   *findings;
	const DmDomain *domain;
	Oid			userid;
	MemoryContext cxt;			/* where results live (SPI's procedure context) */
	MemoryContext rowcxt;		/* reset per sampled row */
	List	   *requests;		/* ClassifyRequest, of the current domain */
	char	   *last_error;		/* message of the last error run_released caught */
} LintRun;

/* the state of a JSON walk over one document */
typedef struct JsonWalk
{
	LintRun    *run;
	LintColumn *col;
	int			depth;
	char		segs[32][48];	/* per level: key, "[]", or "" */
	bool		array[32];
} JsonWalk;

PG_FUNCTION_INFO_V1(datamesh_lint);
PG_FUNCTION_INFO_V1(datamesh_detect_pii);

typedef void (*LintStep) (LintRun *run, void *arg);

static void check_source_order(LintRun *run, void *arg);
static int	run_released(LintRun *run, LintStep step, void *arg, bool catch_errors);
static void add_finding(LintRun *run, const char *object, const char *rule,
						int severity, char *message);
static ClassifyRequest *request_classification(LintRun *run, Oid relid,
											   AttrNumber attnum);
static void classify_requests(LintRun *run, void *arg);
static void lint_domain(LintRun *run, const DmDomain *domain);


/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------
 */

/*
 * Runs step in a subtransaction that is always rolled back, so that the
 * locks it took are released at once (it writes nothing).  Memory it
 * allocates in the current context survives.  An error is thrown on,
 * unless catch_errors: then its SQLSTATE is returned (0 without error);
 * a cancel is always thrown on.
 */
static int
run_released(LintRun *run, LintStep step, void *arg, bool catch_errors)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	int			sqlerrcode = 0;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		step(run, arg);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (!catch_errors || edata->sqlerrcode == ERRCODE_QUERY_CANCELED ||
			edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN)
			PG_RE_THROW();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		sqlerrcode = edata->sqlerrcode;
		run->last_error = edata->message ? pstrdup(edata->message) : NULL;
		FreeErrorData(edata);
	}
	PG_END_TRY();
	return sqlerrcode;
}

static void
add_finding(LintRun *run, const char *object, const char *rule, int severity,
			char *message)
{
	MemoryContext old = MemoryContextSwitchTo(run->cxt);
	Finding    *f = palloc(sizeof(Finding));

	f->domain = pstrdup(run->domain->key);
	f->object = pstrdup(object);
	f->rule = rule;
	f->severity = severity;
	f->message = pstrdup(message);
	run->findings = lappend(run->findings, f);
	MemoryContextSwitchTo(old);
}

/* asks for the classification of a column (done by classify_requests) */
static ClassifyRequest *
request_classification(LintRun *run, Oid relid, AttrNumber attnum)
{
	ClassifyRequest *r = MemoryContextAllocZero(run->cxt, sizeof(ClassifyRequest));

	r->relid = relid;
	r->attnum = attnum;
	run->requests = lappend(run->requests, r);
	return r;
}

/*
 * Classifies the requested columns (a step of run_released: the locks
 * that classification takes go with the subtransaction).
 */
static void
classify_requests(LintRun *run, void *arg)
{
	ListCell   *lc;

	foreach(lc, run->requests)
	{
		ClassifyRequest *r = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		if (get_rel_relkind(r->relid) == '\0')
			continue;			/* dropped meanwhile */
		dm_classify_column(r->relid, r->attnum, &r->result);
	}
}

/* an oid[] of the given OIDs */
static Datum
oid_array(Oid *oids, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * (n > 0 ? n : 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = ObjectIdGetDatum(oids[i]);
	return PointerGetDatum(construct_array(d, n, OIDOID, sizeof(Oid), true,
										   TYPALIGN_INT));
}

/* runs a read-only query with parameters; SPI_tuptable holds the result */
static void
lint_query(const char *sql, int nargs, Oid *types, Datum *values)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL,
										   true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "datamesh.lint query failed: %s", SPI_result_code_string(rc));
}

/* a text column of the current SPI row, palloc'd, or NULL */
static char *
col_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

/* a duration in words, the two largest units: "2 hours 5 minutes" */
static char *
duration_text(double seconds)
{
	static const struct
	{
		const char *name;
		double		seconds;
	}			units[] = {
		{"day", 86400}, {"hour", 3600}, {"minute", 60}, {"second", 1}
	};
	StringInfoData buf;
	int			i;
	int			shown = 0;

	initStringInfo(&buf);
	if (seconds < 1)
		return "less than a second";
	for (i = 0; i < lengthof(units) && shown < 2; i++)
	{
		double		n = floor(seconds / units[i].seconds);

		if (n < 1)
		{
			if (shown > 0)
				break;
			continue;
		}
		appendStringInfo(&buf, "%s%.0f %s%s", shown > 0 ? " " : "", n,
						 units[i].name, n == 1 ? "" : "s");
		seconds -= n * units[i].seconds;
		shown++;
	}
	return buf.data;
}

/*
 * The strategy lint suggests for a column of type typid: for e-mail
 * addresses "email", for dates of birth "year", else "hash" (joins keep
 * working) where the type allows it, else "redact".
 */
static const char *
suggest_strategy(Oid basetype, bool email, bool birth)
{
	const char *const prefs[] = {
		email ? "email" : NULL, birth ? "year" : NULL, "hash", "redact"
	};
	int			i;

	for (i = 0; i < lengthof(prefs); i++)
	{
		DmPiiStrategy st;

		if (prefs[i] != NULL && dm_pii_parse_strategy(prefs[i], &st) &&
			dm_pii_type_supported(&st, basetype))
			return prefs[i];
	}
	return "redact";
}

/* SELECT datamesh.set_pii('rel', 'col', 'strategy'); */
static char *
set_pii_call(const char *rel, const char *col, const char *strategy)
{
	return psprintf("SELECT datamesh.set_pii(%s, %s, %s);",
					quote_literal_cstr(rel), quote_literal_cstr(col),
					quote_literal_cstr(strategy));
}

/* ------------------------------------------------------------------------
 * Sampling
 * ------------------------------------------------------------------------
 */

/* is the type one whose values lint samples?  json: 1, text: 2, else 0 */
static int
sampled_type(Oid basetype)
{
	HeapTuple	tuple;
	bool		citext = false;

	switch (basetype)
	{
		case JSONOID:
		case JSONBOID:
			return 1;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
			return 2;
		default:
			break;
	}
	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(basetype));
	if (HeapTupleIsValid(tuple))
	{
		Form_pg_type typ = (Form_pg_type) GETSTRUCT(tuple);

		citext = strcmp(NameStr(typ->typname), "citext") == 0 &&
			typ->typlen == -1 && typ->typcategory == TYPCATEGORY_STRING;
		ReleaseSysCache(tuple);
	}
	return citext ? 2 : 0;
}

static void
tally_value(Tally *t, const char *s, size_t len)
{
	t->values++;
	t->counts[dm_detect_value(s, len)]++;
}

/* a key as shown in a path: plain short keys only, "*" for others */
static void
path_key(const char *key, size_t len, char *out, size_t outlen)
{
	size_t		i;
	bool		plain = len > 0 && len < outlen && len <= 40;

	for (i = 0; plain && i < len; i++)
	{
		char		c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-'))
			plain = false;
	}
	/* a key that is itself personal data (objects keyed by phone number) */
	if (plain && dm_detect_value(key, len) != DM_DETECT_NONE)
		plain = false;
	/* a key with a digit is likely an identifier: data, not a name */
	for (i = 0; plain && i < len; i++)
		if (key[i] >= '0' && key[i] <= '9')
			plain = false;
	if (plain)
	{
		memcpy(out, key, len);
		out[len] = '\0';
	}
	else
		strlcpy(out, "*", outlen);
}

/* counts a scalar of a JSON document at the walk's current path */
static void
json_scalar(JsonWalk *w, const char *s, size_t len)
{
	char		path[LINT_PATH_LEN];
	size_t		n = 0;
	int			i;
	PathTally  *entry;
	bool		found;

	memset(path, 0, sizeof(path));
	for (i = 0; i < w->depth && i < lengthof(w->segs); i++)
	{
		const char *seg = w->segs[i];
		size_t		slen = strlen(seg);

		if (slen == 0)
			continue;
		if (!w->array[i] && n > 0 && n + 1 < sizeof(path))
			path[n++] = '.';
		if (n + slen >= sizeof(path) - 4)
		{
			strlcpy(path + n, "...", sizeof(path) - n);
			n = strlen(path);
			break;
		}
		memcpy(path + n, seg, slen);
		n += slen;
	}
	if (w->depth > lengthof(w->segs))
		strlcpy(path + n, n + 4 < sizeof(path) ? "..." : "", sizeof(path) - n);

	entry = hash_search(w->col->paths, path, HASH_FIND, NULL);
	if (entry == NULL)
	{
		if (hash_get_num_entries(w->col->paths) >= LINT_MAX_PATHS)
		{
			w->col->overflow = true;
			return;
		}
		entry = hash_search(w->col->paths, path, HASH_ENTER, &found);
		memset(&entry->tally, 0, sizeof(entry->tally));
	}
	tally_value(&entry->tally, s, len);
}

static void
walk_push(JsonWalk *w, bool array)
{
	if (w->depth < lengthof(w->segs))
	{
		w->segs[w->depth][0] = '\0';
		w->array[w->depth] = array;
		if (array)
			strlcpy(w->segs[w->depth], "[]", sizeof(w->segs[0]));
	}
	w->depth++;
}

/* the string and number leaves of a jsonb document */
static void
walk_jsonb(JsonWalk *w, Jsonb *jb)
{
	JsonbIterator *it = JsonbIteratorInit(&jb->root);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_ARRAY:
				walk_push(w, true);
				/* a scalar document is a one-element raw array: no segment */
				if (v.val.array.rawScalar && w->depth <= lengthof(w->segs))
					w->segs[w->depth - 1][0] = '\0';
				break;
			case WJB_BEGIN_OBJECT:
				walk_push(w, false);
				break;
			case WJB_END_ARRAY:
			case WJB_END_OBJECT:
				w->depth--;
				break;
			case WJB_KEY:
				if (w->depth > 0 && w->depth <= lengthof(w->segs))
					path_key(v.val.string.val, v.val.string.len,
							 w->segs[w->depth - 1], sizeof(w->segs[0]));
				break;
			case WJB_VALUE:
			case WJB_ELEM:
				if (v.type == jbvString)
					json_scalar(w, v.val.string.val, v.val.string.len);
				else if (v.type == jbvNumeric)
				{
					char	   *num = DatumGetCString(DirectFunctionCall1(numeric_out,
																		  NumericGetDatum(v.val.numeric)));

					json_scalar(w, num, strlen(num));
				}
				break;
			default:
				break;
		}
	}
}

/* semantic actions of pg_parse_json for a json (text) document */
static void
js_object_start(void *state)
{
	walk_push((JsonWalk *) state, false);
}

static void
js_array_start(void *state)
{
	walk_push((JsonWalk *) state, true);
}

static void
js_end(void *state)
{
	((JsonWalk *) state)->depth--;
}

static void
js_field(void *state, char *fname, bool isnull)
{
	JsonWalk   *w = state;

	if (w->depth > 0 && w->depth <= lengthof(w->segs))
		path_key(fname, strlen(fname), w->segs[w->depth - 1], sizeof(w->segs[0]));
}

static void
js_scalar(void *state, char *token, JsonTokenType tokentype)
{
	if (tokentype == JSON_TOKEN_STRING || tokentype == JSON_TOKEN_NUMBER)
		json_scalar((JsonWalk *) state, token, strlen(token));
}

static void
walk_json(JsonWalk *w, text *t)
{
	JsonLexContext *lex;
	JsonSemAction sem;

	memset(&sem, 0, sizeof(sem));
	sem.semstate = w;
	sem.object_start = js_object_start;
	sem.object_end = js_end;
	sem.array_start = js_array_start;
	sem.array_end = js_end;
	sem.object_field_start = js_field;
	sem.scalar = js_scalar;
	lex = makeJsonLexContextCstringLen(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
									   GetDatabaseEncoding(), true);
	/* a document that does not parse counts as far as it got */
	(void) pg_parse_json(lex, &sem);
}

/* counts one sampled value of a column */
static void
sample_value(LintRun *run, LintColumn *col, Datum d)
{
	JsonWalk	w;

	if (col->basetype == NAMEOID)
	{
		const char *s = NameStr(*DatumGetName(d));

		tally_value(&col->tally, s, strnlen(s, NAMEDATALEN));
		return;
	}
	if (col->paths == NULL)
	{
		text	   *t;

		/* too long to be any of the kinds: counted, not detoasted */
		if (toast_raw_datum_size(d) > LINT_MAX_TEXT + VARHDRSZ)
		{
			col->tally.values++;
			col->tally.counts[DM_DETECT_NONE]++;
			return;
		}
		t = DatumGetTextPP(d);
		tally_value(&col->tally, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		return;
	}
	if (toast_raw_datum_size(d) > LINT_MAX_JSON + VARHDRSZ)
		return;
	memset(&w, 0, sizeof(w));
	w.run = run;
	w.col = col;
	if (col->basetype == JSONBOID)
		walk_jsonb(&w, DatumGetJsonbP(d));
	else
		walk_json(&w, DatumGetTextPP(d));
}

/* the pages of a relation with storage, and its pg_class row counts */
static void
relation_size(Oid relid, BlockNumber *blocks, double *tuples, double *pages)
{
	Relation	rel = relation_open(relid, AccessShareLock);

	if (RELKIND_HAS_STORAGE(rel->rd_rel->relkind))
	{
		*blocks += RelationGetNumberOfBlocks(rel);
		if (rel->rd_rel->reltuples > 0 && rel->rd_rel->relpages > 0)
		{
			*tuples += rel->rd_rel->reltuples;
			*pages += rel->rd_rel->relpages;
		}
	}
	relation_close(rel, NoLock);
}

/*
 * Samples the sampled columns of a relation as the caller (a step of
 * run_released): at most LINT_SAMPLE_ROWS rows, from about as many pages
 * as hold them (by pg_class's rows per page; 20 if never analysed),
 * never more than LINT_SAMPLE_PAGES expected.
 */
static void
sample_relation(LintRun *run, void *arg)
{
	LintRelation *rel = arg;
	BlockNumber blocks = 0;
	double		tuples = 0;
	double		pages = 0;
	double		per_page;
	double		target;
	StringInfoData sql;
	ListCell   *lc;
	LintColumn **cols;
	int			ncols = 0;
	SPIPlanPtr	plan;
	Portal		portal;

	if (rel->relkind == RELKIND_PARTITIONED_TABLE)
	{
		List	   *members = find_all_inheritors(rel->relid, AccessShareLock, NULL);

		foreach(lc, members)
			relation_size(lfirst_oid(lc), &blocks, &tuples, &pages);
	}
	else
		relation_size(rel->relid, &blocks, &tuples, &pages);
	per_page = (pages > 0 && tuples > 0) ? tuples / pages : 20.0;
	target = ceil(1.5 * LINT_SAMPLE_ROWS / Max(per_page, 1.0));
	target = Min(Max(target, 1.0), (double) LINT_SAMPLE_PAGES);

	cols = palloc(sizeof(LintColumn *) * list_length(rel->columns));
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	foreach(lc, rel->columns)
	{
		LintColumn *col = lfirst(lc);

		if (!col->sample)
			continue;
		appendStringInfo(&sql, "%s%s", ncols > 0 ? ", " : "",
						 quote_identifier(col->name));
		cols[ncols++] = col;
	}
	appendStringInfo(&sql, " FROM %s%s", rel->relkind == RELKIND_PARTITIONED_TABLE ? "" : "ONLY ",
					 rel->name);
	if (blocks > target)
		appendStringInfo(&sql, " TABLESAMPLE SYSTEM (%.9f) REPEATABLE (0)",
						 100.0 * target / blocks);
	appendStringInfo(&sql, " LIMIT %d", LINT_SAMPLE_ROWS);

	plan = SPI_prepare(sql.data, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	for (;;)
	{
		uint64		i;

		SPI_cursor_fetch(portal, true, 100);
		if (SPI_processed == 0)
			break;
		for (i = 0; i < SPI_processed; i++)
		{
			MemoryContext old = MemoryContextSwitchTo(run->rowcxt);
			int			c;

			CHECK_FOR_INTERRUPTS();
			for (c = 0; c < ncols; c++)
			{
				bool		isnull;
				Datum		d = SPI_getbinval(SPI_tuptable->vals[i],
											  SPI_tuptable->tupdesc, c + 1, &isnull);

				/* detoasted copies go with the row; tallies are in run->cxt */
				if (!isnull)
					sample_value(run, cols[c], d);
			}
			MemoryContextSwitchTo(old);
			MemoryContextReset(run->rowcxt);
			rel->rows++;
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	SPI_freeplan(plan);
	elog(DEBUG1, "datamesh.lint sampled %d rows of %s (%u pages, at most %.0f expected)",
		 rel->rows, rel->name, blocks, Min((double) blocks, target));
}

/* ------------------------------------------------------------------------
 * Rules over private relations: pii_name, pii_values
 * ------------------------------------------------------------------------
 */

/* the most frequent kind of a tally, if it is the majority lint flags */
static DmDetectKind
flagged_kind(const Tally *t, int *count)
{
	int			k;
	int			best = DM_DETECT_NONE;

	for (k = DM_DETECT_NONE + 1; k < DM_DETECT_KINDS; k++)
		if (best == DM_DETECT_NONE || t->counts[k] > t->counts[best])
			best = k;
	*count = t->counts[best];
	/* at least half of the non-null sampled values, and at least one */
	if (*count >= 1 && 2 * *count >= t->values)
		return (DmDetectKind) best;
	return DM_DETECT_NONE;
}

/* compares PathTally pointers by path */
static int
path_cmp(const void *a, const void *b)
{
	return strcmp((*(PathTally *const *) a)->path, (*(PathTally *const *) b)->path);
}

/* the flagged key paths of a json column, sorted; *n of them */
static PathTally **
flagged_paths(LintColumn *col, int *n)
{
	HASH_SEQ_STATUS seq;
	PathTally  *e;
	PathTally **out;
	int			count;

	*n = 0;
	out = palloc(sizeof(PathTally *) * (hash_get_num_entries(col->paths) + 1));
	hash_seq_init(&seq, col->paths);
	while ((e = hash_seq_search(&seq)) != NULL)
		if (flagged_kind(&e->tally, &count) != DM_DETECT_NONE)
			out[(*n)++] = e;
	qsort(out, *n, sizeof(PathTally *), path_cmp);
	return out;
}

/* is a column a candidate: named or valued like personal data? */
static bool
is_candidate(LintColumn *col)
{
	int			count;
	int			n;

	if (col->labelled)
		return false;
	if (col->name_kind != NULL)
		return true;
	if (!col->sample)
		return false;
	if (col->paths == NULL)
		return flagged_kind(&col->tally, &count) != DM_DETECT_NONE;
	(void) flagged_paths(col, &n);
	return n > 0;
}

/*
 * The relations of the private schemas a value or name rule looks at,
 * with their columns.  Partitions are left out (the partitioned table
 * speaks for them: it is what is sampled and what products read, and
 * classification reads the labels of the whole tree).
 */
static List *
private_relations(LintRun *run)
{
	const DmDomain *d = run->domain;
	Oid			schemas[4];
	int			nschemas = 0;
	DmLayer		layers[] = {DM_LAYER_RAW, DM_LAYER_RAW_EXTERNAL,
	DM_LAYER_INTERMEDIATES, DM_LAYER_INFORMATION_OBJECTS};
	Oid			types[1] = {OIDARRAYOID};
	Datum		values[1];
	List	   *rels = NIL;
	LintRelation *rel = NULL;
	uint64		i;
	int			k;

	for (k = 0; k < lengthof(layers); k++)
		if (OidIsValid(d->schemas[layers[k]]))
			schemas[nschemas++] = d->schemas[layers[k]];
	values[0] = oid_array(schemas, nschemas);
	lint_query("SELECT c.oid, c.relkind, c.relispopulated, a.attnum, a.attname, a.atttypid,"
			   "       EXISTS (SELECT FROM pg_catalog.pg_seclabel l"
			   "                WHERE l.objoid = c.oid"
			   "                  AND l.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "                  AND l.objsubid = a.attnum AND l.provider = 'datamesh'"
			   "                  AND l.label LIKE 'pii:%')"
			   "  FROM pg_catalog.pg_class c"
			   "  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
			   " WHERE c.relnamespace = ANY ($1)"
			   "   AND c.relkind IN ('r', 'p', 'f', 'm', 'v')"
			   "   AND NOT c.relispartition"
			   "   AND a.attnum > 0 AND NOT a.attisdropped"
			   " ORDER BY c.oid, a.attnum",
			   1, types, values);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Oid			relid = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		LintColumn *col;
		int			kind;

		if (rel == NULL || rel->relid != relid)
		{
			rel = palloc0(sizeof(LintRelation));
			rel->relid = relid;
			rel->name = dm_qualified_name(relid);
			rel->relkind = DatumGetChar(SPI_getbinval(tup, desc, 2, &isnull));
			rel->populated = DatumGetBool(SPI_getbinval(tup, desc, 3, &isnull));
			rels = lappend(rels, rel);
		}
		col = palloc0(sizeof(LintColumn));
		col->attnum = DatumGetInt16(SPI_getbinval(tup, desc, 4, &isnull));
		col->name = col_text(i, 5);
		col->type = DatumGetObjectId(SPI_getbinval(tup, desc, 6, &isnull));
		col->basetype = getBaseType(col->type);
		col->labelled = DatumGetBool(SPI_getbinval(tup, desc, 7, &isnull));
		col->name_kind = dm_detect_name(col->name, strlen(col->name));
		kind = sampled_type(col->basetype);
		/* values: of tables and populated materialized views, as the caller */
		if (!col->labelled && kind != 0 &&
			(rel->relkind == RELKIND_RELATION ||
			 rel->relkind == RELKIND_PARTITIONED_TABLE ||
			 (rel->relkind == RELKIND_MATVIEW && rel->populated)) &&
			pg_namespace_aclcheck(get_rel_namespace(relid), run->userid,
								  ACL_USAGE) == ACLCHECK_OK &&
			(pg_class_aclcheck(relid, run->userid, ACL_SELECT) == ACLCHECK_OK ||
			 pg_attribute_aclcheck(relid, col->attnum, run->userid,
								   ACL_SELECT) == ACLCHECK_OK))
		{
			col->sample = true;
			rel->sampled++;
			if (kind == 1)
			{
				HASHCTL		ctl;

				memset(&ctl, 0, sizeof(ctl));
				ctl.keysize = LINT_PATH_LEN;
				ctl.entrysize = sizeof(PathTally);
				ctl.hcxt = run->cxt;
				col->paths = hash_create("datamesh lint key paths", 16, &ctl,
										 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
			}
		}
		rel->columns = lappend(rel->columns, col);
	}
	return rels;
}

/* the findings of one column, once classified */
static void
column_findings(LintRun *run, LintRelation *rel, LintColumn *col)
{
	int			count;
	DmDetectKind kind;

	if (col->labelled || col->classify == NULL || col->classify->result.classified)
		return;
	if (col->name_kind != NULL)
		add_finding(run, rel->name, "pii_name", SEV_WARNING,
					psprintf("Column \"%s\" looks like personal data by its name (%s) and is not classified. Classify it: %s",
							 col->name, col->name_kind,
							 set_pii_call(rel->name, col->name,
										  suggest_strategy(col->basetype,
														   strcmp(col->name_kind, "e-mail address") == 0,
														   strcmp(col->name_kind, "date or place of birth") == 0))));
	if (!col->sample)
		return;
	if (col->paths == NULL)
	{
		kind = flagged_kind(&col->tally, &count);
		if (kind != DM_DETECT_NONE)
			add_finding(run, rel->name, "pii_values", SEV_ERROR,
						psprintf("Column \"%s\" holds %s: %d of %d sampled values. Classify it: %s",
								 col->name, dm_detect_kind_plural(kind), count,
								 col->tally.values,
								 set_pii_call(rel->name, col->name,
											  suggest_strategy(col->basetype,
															   kind == DM_DETECT_EMAIL,
															   false))));
	}
	else
	{
		PathTally **paths;
		int			n;
		int			i;

		int			named = 0;
		int			unnamed = 0;
		int			unnamed_count = 0;
		int			unnamed_values = 0;
		DmDetectKind unnamed_kind = DM_DETECT_NONE;

		paths = flagged_paths(col, &n);
		for (i = 0; i < n; i++)
		{
			kind = flagged_kind(&paths[i]->tally, &count);

			/*
			 * A key met once in the sample may itself be data (objects keyed
			 * by a customer's name): it is not named.  Nor is any key after
			 * the first LINT_NAMED_PATHS of a column.
			 */
			if (paths[i]->path[0] != '\0' &&
				(paths[i]->tally.values < 2 || named >= LINT_NAMED_PATHS))
			{
				unnamed++;
				unnamed_count += count;
				unnamed_values += paths[i]->tally.values;
				if (unnamed_kind == DM_DETECT_NONE)
					unnamed_kind = kind;
				continue;
			}
			named++;
			add_finding(run, rel->name, "pii_values", SEV_ERROR,
						psprintf("Column \"%s\" holds %s %s: %d of %d sampled values. Classify the column: %s Or move that key into a column of its own and classify it.",
								 col->name, dm_detect_kind_plural(kind),
								 paths[i]->path[0] == '\0' ? "as the whole document" :
								 psprintf("at key \"%s\"", paths[i]->path),
								 count, paths[i]->tally.values,
								 set_pii_call(rel->name, col->name, "redact")));
		}
		if (unnamed > 0)
			add_finding(run, rel->name, "pii_values", SEV_ERROR,
						psprintf("Column \"%s\" holds %s at %d more key path%s (not named: a key met once may itself be data): %d of %d sampled values there. Classify the column: %s",
								 col->name, dm_detect_kind_plural(unnamed_kind), unnamed,
								 unnamed == 1 ? "" : "s",
								 unnamed_count, unnamed_values,
								 set_pii_call(rel->name, col->name, "redact")));
	}
}

/* ------------------------------------------------------------------------
 * Rules over products: product_description, product_contact, product_contract,
 * stale_product, order_leak
 * ------------------------------------------------------------------------
 */

/* what stale_product needs of a contract */
typedef struct FreshnessSlo
{
	Jsonb	   *document;
	double		seconds;		/* the smallest freshness SLO; -1: none */
} FreshnessSlo;

/* parses a stored contract for its freshness SLO (a run_released step) */
static void
read_freshness_slo(LintRun *run, void *arg)
{
	FreshnessSlo *slo = arg;
	DmContract *c = dm_contract_parse(slo->document, DM_CONTRACT_STORED);
	int			i;

	for (i = 0; i < c->nslas; i++)
		if (c->slas[i].property != NULL &&
			pg_strcasecmp(c->slas[i].property, "freshness") == 0 &&
			c->slas[i].seconds >= 0 &&
			(slo->seconds < 0 || c->slas[i].seconds < slo->seconds))
			slo->seconds = c->slas[i].seconds;
}

/* stale_product for one product whose freshness is known */
static void
check_stale(LintRun *run, const char *product, TimestampTz freshness)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	FreshnessSlo slo;
	char	   *version;
	double		age;

	values[0] = CStringGetTextDatum(product);
	lint_query("SELECT k.document, k.version FROM datamesh.contract k"
			   " WHERE k.product = $1 AND k.status <> 'retired'"
			   " ORDER BY k.major DESC, k.minor DESC, k.patch DESC LIMIT 1",
			   1, types, values);
	if (SPI_processed == 0)
		return;
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		slo.document = DatumGetJsonbPCopy(d);
		version = col_text(0, 2);
	}
	slo.seconds = -1;
	/* a stored contract that no longer parses is verify()'s to report */
	if (run_released(run, read_freshness_slo, &slo, true) != 0 || slo.seconds < 0)
		return;
	age = (double) (GetCurrentTransactionStartTimestamp() - freshness) / USECS_PER_SEC;
	if (age <= slo.seconds)
		return;
	add_finding(run, product, "stale_product", SEV_ERROR,
				psprintf("The newest data upstream of the product is %s old; the freshness SLO of its contract version %s allows %s. Load new data into the raw tables it reads (datamesh.freshness() is their newest _added_at), or publish a contract version with an SLO the product can keep.",
						 duration_text(age), version, duration_text(slo.seconds)));
}

/*
 * The relations a product reads, through views, materialized views and
 * SQL-standard function bodies they call, with inheritance children and
 * partitions; not into other domains' products (they order their own
 * rows).  Then the columns of those that order rows: partition keys
 * (plain or read by a key expression) and keys of a clustered index.
 */
static void
product_order_keys(LintRun *run, LintProduct *p, Datum product_schemas)
{
	Oid			types[2] = {OIDOID, OIDARRAYOID};
	Datum		values[2];
	uint64		i;

	values[0] = ObjectIdGetDatum(p->viewid);
	values[1] = product_schemas;
	lint_query("WITH RECURSIVE up(relid) AS ("
			   "    SELECT $1"
			   "  UNION"
			   "    SELECT e.relid"
			   "      FROM up"
			   "      JOIN pg_catalog.pg_class c ON c.oid = up.relid"
			   "     CROSS JOIN LATERAL ("
			   "        SELECT d.refobjid"
			   "          FROM pg_catalog.pg_rewrite r"
			   "          JOIN pg_catalog.pg_depend d"
			   "            ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
			   "           AND d.objid = r.oid"
			   "         WHERE r.ev_class = up.relid"
			   "           AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "           AND d.refobjid <> up.relid"
			   "        UNION ALL"
			   "        SELECT f.refobjid"
			   "          FROM pg_catalog.pg_rewrite r"
			   "          JOIN pg_catalog.pg_depend d"
			   "            ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
			   "           AND d.objid = r.oid"
			   "           AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
			   "          JOIN pg_catalog.pg_depend f"
			   "            ON f.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
			   "           AND f.objid = d.refobjid"
			   "           AND f.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "         WHERE r.ev_class = up.relid"
			   "        UNION ALL"
			   "        SELECT i.inhrelid FROM pg_catalog.pg_inherits i"
			   "         WHERE i.inhparent = up.relid"
			   "     ) e(relid)"
			   "     WHERE up.relid = $1 OR c.relnamespace <> ALL ($2)"
			   "), keys AS ("
			   "    SELECT pt.partrelid AS relid, k.attnum, false AS cluster, 0::pg_catalog.oid AS idx"
			   "      FROM pg_catalog.pg_partitioned_table pt,"
			   "           pg_catalog.unnest(pt.partattrs::pg_catalog.int2[]) k(attnum)"
			   "     WHERE pt.partrelid IN (SELECT relid FROM up) AND k.attnum > 0"
			   "    UNION"
			   "    SELECT d.objid, d.objsubid, false, 0"
			   "      FROM pg_catalog.pg_depend d"
			   "     WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "       AND d.objid IN (SELECT relid FROM up)"
			   "       AND d.objsubid > 0"
			   "       AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "       AND d.refobjid = d.objid AND d.refobjsubid = 0 AND d.deptype = 'i'"
			   "       AND EXISTS (SELECT FROM pg_catalog.pg_partitioned_table pt"
			   "                    WHERE pt.partrelid = d.objid)"
			   "    UNION"
			   "    SELECT i.indrelid, k.attnum, true, i.indexrelid"
			   "      FROM pg_catalog.pg_index i,"
			   "           pg_catalog.unnest(i.indkey::pg_catalog.int2[]) k(attnum)"
			   "     WHERE i.indisclustered AND i.indrelid IN (SELECT relid FROM up)"
			   "       AND k.attnum > 0"
			   "    UNION"
			   "    SELECT i.indrelid, d.refobjsubid, true, i.indexrelid"
			   "      FROM pg_catalog.pg_index i"
			   "      JOIN pg_catalog.pg_depend d"
			   "        ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "       AND d.objid = i.indexrelid"
			   "       AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "       AND d.refobjid = i.indrelid AND d.refobjsubid > 0"
			   "     WHERE i.indisclustered AND i.indexprs IS NOT NULL"
			   "       AND i.indrelid IN (SELECT relid FROM up)"
			   ")"
			   "SELECT relid, attnum, cluster, idx FROM keys ORDER BY relid, cluster, idx, attnum",
			   2, types, values);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		OrderKey   *k = palloc0(sizeof(OrderKey));

		k->relid = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		k->attnum = DatumGetInt16(SPI_getbinval(tup, desc, 2, &isnull));
		k->cluster = DatumGetBool(SPI_getbinval(tup, desc, 3, &isnull));
		k->indexid = DatumGetObjectId(SPI_getbinval(tup, desc, 4, &isnull));
		p->keys = lappend(p->keys, k);
	}
	for (i = 0; i < (uint64) list_length(p->keys); i++)
	{
		OrderKey   *k = list_nth(p->keys, (int) i);

		k->classify = request_classification(run, k->relid, k->attnum);
	}
}

/* order_leak for one product, once its keys are classified */
static void
order_findings(LintRun *run, LintProduct *p)
{
	ListCell   *lc;
	int			found = 0;

	foreach(lc, p->keys)
	{
		OrderKey   *k = lfirst(lc);
		char	   *rel;
		char	   *col;

		if (!k->classify->result.classified)
			continue;
		rel = dm_qualified_name(k->relid);
		col = get_attname(k->relid, k->attnum, true);
		if (rel == NULL || col == NULL)
			continue;
		if (k->cluster)
			add_finding(run, p->name, "order_leak", SEV_ERROR,
						psprintf("The product reads %s, which is clustered on index %s over the classified column \"%s\": its rows come out in the order of the clear values. Run ALTER TABLE %s SET WITHOUT CLUSTER and put the rows in an order of unclassified columns (CLUSTER %s USING an index on them).",
								 rel, quote_identifier(get_rel_name(k->indexid)), col, rel, rel));
		else
			add_finding(run, p->name, "order_leak", SEV_ERROR,
						psprintf("The product reads %s, which is partitioned by the classified column \"%s\": its rows come out grouped by partition, in the order of the clear values. Partition the data by unclassified columns (a new table), or publish a view that does not read it.",
								 rel, col));
		found++;
	}

	/*
	 * What the catalog query above cannot see (a view column's own label
	 * over a key column, a key over the whole row): the check that
	 * publish_product runs, whose refusal here means the product could not
	 * be published as it stands.
	 */
	if (found == 0 && OidIsValid(p->sourceid) &&
		run_released(run, check_source_order, p, true) == ERRCODE_INSUFFICIENT_PRIVILEGE &&
		run->last_error != NULL && strstr(run->last_error, "its rows come from") != NULL)
		add_finding(run, p->name, "order_leak", SEV_ERROR,
					psprintf("Publishing it now would fail: %s. Its rows come out in the order of clear values; partition or cluster that table by unclassified columns (CLUSTER ... USING an index on them rewrites it in that order).",
							 run->last_error));
}

/* the order checks of publish_product on a product's source (a run_released step) */
static void
check_source_order(LintRun *run, void *arg)
{
	dm_classify_check_keys(((LintProduct *) arg)->sourceid);
}

/* the products of the domain, with the rules that need no classification */
static List *
product_rules(LintRun *run)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	List	   *products = NIL;
	List	   *pschemas = dm_catalog_product_schemas();
	Oid		   *schema_oids = palloc(sizeof(Oid) * (list_length(pschemas) + 1));
	Datum		schema_array;
	int			nschemas = 0;
	ListCell   *lc;
	uint64		i;
	uint64		n;
	SPITupleTable *tuptable;

	foreach(lc, pschemas)
		schema_oids[nschemas++] = lfirst_oid(lc);
	schema_array = oid_array(schema_oids, nschemas);

	values[0] = CStringGetTextDatum(run->domain->key);
	lint_query("SELECT p.product, c.oid,"
			   "       p.description IS NULL OR pg_catalog.btrim(p.description) = '',"
			   "       p.contract_status, p.freshness,"
			   "       EXISTS (SELECT FROM datamesh.tags t"
			   "                WHERE t.tag = 'contact' AND t.column_name IS NULL"
			   "                  AND pg_catalog.btrim(t.value) <> ''"
			   "                  AND ((t.kind = 'product' AND t.object = p.product)"
			   "                    OR (t.kind = 'domain' AND t.object = p.domain)))"
			   "       OR EXISTS (SELECT FROM datamesh.contract k"
			   "                   WHERE k.product = p.product AND k.status <> 'retired'"
			   "                     AND (k.document ? 'support' OR k.document ? 'team')),"
			   "       (SELECT sc.oid FROM pg_catalog.pg_class sc"
			   "          JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace"
			   "         WHERE pg_catalog.format('%I.%I', sn.nspname, sc.relname) = p.source)"
			   "  FROM datamesh.products p"
			   "  JOIN pg_catalog.pg_namespace n ON n.nspname = p.domain || '_data_products'"
			   "  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
			   "   AND pg_catalog.format('%I.%I', n.nspname, c.relname) = p.product"
			   " WHERE p.domain = $1"
			   " ORDER BY p.product",
			   1, types, values);
	tuptable = SPI_tuptable;
	n = SPI_processed;
	for (i = 0; i < n; i++)
	{
		HeapTuple	tup = tuptable->vals[i];
		TupleDesc	desc = tuptable->tupdesc;
		bool		isnull;
		LintProduct *p = palloc0(sizeof(LintProduct));
		bool		nodesc;
		bool		contact;
		bool		contact_null;
		char	   *status;
		Datum		fresh;

		p->name = SPI_getvalue(tup, desc, 1);
		p->viewid = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		p->sourceid = DatumGetObjectId(SPI_getbinval(tup, desc, 7, &isnull));
		if (isnull)
			p->sourceid = InvalidOid;
		nodesc = DatumGetBool(SPI_getbinval(tup, desc, 3, &isnull));
		status = SPI_getvalue(tup, desc, 4);
		contact = DatumGetBool(SPI_getbinval(tup, desc, 6, &contact_null));
		fresh = SPI_getbinval(tup, desc, 5, &isnull);

		if (nodesc)
			add_finding(run, p->name, "product_description", SEV_WARNING,
						psprintf("The product has no description, so search cannot find it by its purpose and readers cannot tell what it holds. Describe it: SELECT datamesh.describe(%s, 'what it holds, for whom, how fresh');",
								 quote_literal_cstr(p->name)));
		if (!contact)
			add_finding(run, p->name, "product_contact", SEV_WARNING,
						psprintf("Nobody is named to ask about the product. Name a contact for the domain, SELECT datamesh.set_domain_tag(%s, 'contact', 'team@example.com'); or for the product, with datamesh.set_tag(); or give its contract a support channel or a team.",
								 quote_literal_cstr(run->domain->key)));
		if (status == NULL || strcmp(status, "none") == 0)
			add_finding(run, p->name, "product_contract", SEV_WARNING,
						psprintf("The product has no data contract: its readers have no promise of its schema, quality or freshness. Publish one: SELECT datamesh.publish_contract(%s, '{\"apiVersion\": \"v3.1.0\", \"kind\": \"DataContract\", ...}');",
								 quote_literal_cstr(p->name)));
		else if (!isnull)
			check_stale(run, p->name, DatumGetTimestampTz(fresh));
		products = lappend(products, p);
	}
	/* order keys last: check_stale and this reuse SPI_tuptable */
	foreach(lc, products)
		product_order_keys(run, lfirst(lc), schema_array);
	return products;
}

/* ------------------------------------------------------------------------
 * intermediate_usage, grant_bypass: catalog queries
 * ------------------------------------------------------------------------
 */

static void
intermediate_rule(LintRun *run)
{
	Oid			nsp = run->domain->schemas[DM_LAYER_INTERMEDIATES];
	Oid			types[1] = {OIDOID};
	Datum		values[1];
	const char *io_schema;
	uint64		i;

	if (!OidIsValid(nsp))
		return;
	io_schema = quote_identifier(dm_schema_name(run->domain->key,
												DM_LAYER_INFORMATION_OBJECTS));
	values[0] = ObjectIdGetDatum(nsp);
	lint_query("SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), r.readers, r.reader"
			   "  FROM pg_catalog.pg_class c"
			   "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
			   " CROSS JOIN LATERAL ("
			   "    SELECT pg_catalog.count(*) AS readers, pg_catalog.min(u.name) AS reader"
			   "      FROM (SELECT pg_catalog.format('%I.%I', rn.nspname, rc.relname) AS name"
			   "              FROM pg_catalog.pg_depend d"
			   "              JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid"
			   "              JOIN pg_catalog.pg_class rc ON rc.oid = rw.ev_class"
			   "              JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
			   "             WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
			   "               AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "               AND d.refobjid = c.oid AND rw.ev_class <> c.oid"
			   "            UNION"
			   "            SELECT pg_catalog.format('%I.%I(%s)', pn.nspname, p.proname,"
			   "                                     pg_catalog.pg_get_function_identity_arguments(p.oid))"
			   "              FROM pg_catalog.pg_depend d"
			   "              JOIN pg_catalog.pg_proc p ON p.oid = d.objid"
			   "              JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
			   "             WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
			   "               AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "               AND d.refobjid = c.oid) u) r"
			   " WHERE c.relnamespace = $1"
			   "   AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
			   "   AND NOT c.relispartition"
			   "   AND r.readers < 2",
			   1, types, values);
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *object = col_text(i, 1);
		char	   *readers = col_text(i, 2);
		char	   *reader = col_text(i, 3);
		char	   *who;

		if (strcmp(readers, "0") == 0)
			who = "no object";
		else
			who = psprintf("one object, %s", reader);
		add_finding(run, object, "intermediate_usage", SEV_INFO,
					psprintf("The intermediate is read by %s. datamesh-architecture.com: intermediates are only useful \"through their multiple usages\"; move it into its consumer (a sub-query or CTE there), or into %s if it is a curated object of the domain.",
							 who, io_schema));
	}
}

/*
 * Privileges in the private schemas held by roles outside the team
 * (PUBLIC included): on the schemas, relations, columns, functions and
 * types, and default privileges of those schemas.  PostgreSQL's own
 * defaults (EXECUTE on a function, USAGE on a type, to PUBLIC) are no
 * bypass: without USAGE on the private schema they reach nothing, and
 * rule 4 does not refuse them either.
 */
static void
grant_rule(LintRun *run)
{
	const DmDomain *d = run->domain;
	Oid			schemas[DM_LAYER_COUNT];
	int			nschemas = 0;
	Oid			types[2] = {OIDARRAYOID, OIDOID};
	Datum		values[2];
	const char *owner;
	int			k;
	uint64		i;

	/* a domain whose owner role is gone is verify()'s to report */
	owner = GetUserNameFromId(d->owner, true);
	if (owner == NULL)
		return;
	owner = quote_identifier(owner);
	for (k = 0; k < DM_LAYER_COUNT; k++)
		if (dm_layer_is_private((DmLayer) k) && OidIsValid(d->schemas[k]))
			schemas[nschemas++] = d->schemas[k];
	values[0] = oid_array(schemas, nschemas);
	values[1] = ObjectIdGetDatum(d->owner);
	lint_query("WITH acl(object, what, revoke_on, col, grantee, privilege, defaults) AS ("
			   "    SELECT pg_catalog.format('%I', n.nspname), 'schema',"
			   "           pg_catalog.format('SCHEMA %I', n.nspname), NULL::text,"
			   "           a.grantee, a.privilege_type, NULL::text"
			   "      FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a"
			   "     WHERE n.oid = ANY ($1)"
			   "  UNION ALL"
			   "    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname),"
			   "           CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view'"
			   "                WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'"
			   "                ELSE 'table' END,"
			   "           pg_catalog.format('%s %I.%I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,"
			   "                             n.nspname, c.relname),"
			   "           NULL, a.grantee, a.privilege_type, NULL"
			   "      FROM pg_catalog.pg_class c"
			   "      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,"
			   "           pg_catalog.aclexplode(c.relacl) a"
			   "     WHERE c.relnamespace = ANY ($1)"
			   "  UNION ALL"
			   "    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), 'column',"
			   "           pg_catalog.format('TABLE %I.%I', n.nspname, c.relname),"
			   "           at.attname::text, a.grantee, a.privilege_type, NULL"
			   "      FROM pg_catalog.pg_class c"
			   "      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
			   "      JOIN pg_catalog.pg_attribute at ON at.attrelid = c.oid"
			   "           AND at.attnum > 0 AND NOT at.attisdropped,"
			   "           pg_catalog.aclexplode(at.attacl) a"
			   "     WHERE c.relnamespace = ANY ($1)"
			   "  UNION ALL"
			   "    SELECT pg_catalog.format('%I.%I(%s)', n.nspname, p.proname,"
			   "                             pg_catalog.pg_get_function_identity_arguments(p.oid)),"
			   "           CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,"
			   "           pg_catalog.format('%s %I.%I(%s)',"
			   "                             CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,"
			   "                             n.nspname, p.proname,"
			   "                             pg_catalog.pg_get_function_identity_arguments(p.oid)),"
			   "           NULL, a.grantee, a.privilege_type, NULL"
			   "      FROM pg_catalog.pg_proc p"
			   "      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace,"
			   "           pg_catalog.aclexplode(p.proacl) a"
			   "     WHERE p.pronamespace = ANY ($1)"
			   "       AND (a.grantee, a.privilege_type) NOT IN"
			   "           (SELECT g.grantee, g.privilege_type"
			   "              FROM pg_catalog.aclexplode(pg_catalog.acldefault('f', p.proowner)) g)"
			   "  UNION ALL"
			   "    SELECT pg_catalog.format('%I.%I', n.nspname, t.typname),"
			   "           CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END,"
			   "           pg_catalog.format('%s %I.%I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,"
			   "                             n.nspname, t.typname),"
			   "           NULL, a.grantee, a.privilege_type, NULL"
			   "      FROM pg_catalog.pg_type t"
			   "      JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace,"
			   "           pg_catalog.aclexplode(t.typacl) a"
			   "     WHERE t.typnamespace = ANY ($1)"
			   "       AND (a.grantee, a.privilege_type) NOT IN"
			   "           (SELECT g.grantee, g.privilege_type"
			   "              FROM pg_catalog.aclexplode(pg_catalog.acldefault('T', t.typowner)) g)"
			   "  UNION ALL"
			   "    SELECT pg_catalog.format('%I', n.nspname),"
			   "           CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'"
			   "                WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' ELSE 'schemas' END,"
			   "           CASE da.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES'"
			   "                WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END,"
			   "           NULL, a.grantee, a.privilege_type,"
			   "           pg_catalog.format('FOR ROLE %I IN SCHEMA %I',"
			   "                             pg_catalog.pg_get_userbyid(da.defaclrole), n.nspname)"
			   "      FROM pg_catalog.pg_default_acl da"
			   "      JOIN pg_catalog.pg_namespace n ON n.oid = da.defaclnamespace,"
			   "           pg_catalog.aclexplode(da.defaclacl) a"
			   "     WHERE da.defaclnamespace = ANY ($1)"
			   ")"
			   "SELECT object, what, revoke_on, col,"
			   "       CASE WHEN grantee = 0 THEN 'PUBLIC'"
			   "            ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(grantee)) END,"
			   "       pg_catalog.string_agg(privilege, ', ' ORDER BY privilege), defaults"
			   "  FROM acl"
			   " WHERE grantee = 0 OR NOT pg_catalog.pg_has_role(grantee, $2, 'MEMBER')"
			   " GROUP BY object, what, revoke_on, col, grantee, defaults"
			   " ORDER BY object, col, 5, defaults",
			   2, types, values);
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *object = col_text(i, 1);
		char	   *what = col_text(i, 2);
		char	   *revoke_on = col_text(i, 3);
		char	   *col = col_text(i, 4);
		char	   *grantee = col_text(i, 5);
		char	   *privileges = col_text(i, 6);
		char	   *defaults = col_text(i, 7);
		char	   *fix;
		char	   *fact;

		if (defaults != NULL)
		{
			fact = psprintf("Default privileges in private schema %s give %s %s on new %s",
							object, grantee, privileges, what);
			fix = psprintf("ALTER DEFAULT PRIVILEGES %s REVOKE ALL ON %s FROM %s;",
						   defaults, revoke_on, grantee);
		}
		else if (col != NULL)
		{
			fact = psprintf("%s holds %s on column \"%s\" of private relation %s",
							grantee, privileges, col, object);
			fix = psprintf("REVOKE ALL (%s) ON %s FROM %s;",
						   quote_identifier(col), revoke_on, grantee);
		}
		else
		{
			fact = psprintf("%s holds %s on private %s %s",
							grantee, privileges, what, object);
			fix = psprintf("REVOKE ALL ON %s FROM %s;", revoke_on, grantee);
		}
		add_finding(run, object, "grant_bypass", SEV_ERROR,
					psprintf("%s: rule 4 lets only members of the domain's owner role %s in; other teams read data products. Revoke it: %s",
							 fact, owner, fix));
	}
}

/* ------------------------------------------------------------------------
 * One domain, and the SQL-callable functions
 * ------------------------------------------------------------------------
 */

static void
sample_step(LintRun *run, void *arg)
{
	sample_relation(run, arg);
}

static void
lint_domain(LintRun *run, const DmDomain *domain)
{
	List	   *rels;
	List	   *products;
	ListCell   *lc;
	ListCell   *lc2;

	run->domain = domain;
	run->requests = NIL;

	/* catalog rules */
	intermediate_rule(run);
	grant_rule(run);
	products = product_rules(run);

	/* private relations: sample, then classify what looks personal */
	rels = private_relations(run);
	foreach(lc, rels)
	{
		LintRelation *rel = lfirst(lc);

		if (rel->sampled > 0)
			rel->sample_error = run_released(run, sample_step, rel, true);
		if (rel->sample_error != 0)
		{
			add_finding(run, rel->name, "pii_values", SEV_WARNING,
						psprintf("Its values could not be sampled (SQLSTATE %s), so none of its columns was checked by value. Run datamesh.lint() again, or look at the relation's row security policies and permissions.",
								 unpack_sql_state(rel->sample_error)));
			/* its counts are partial: no verdict from them */
			foreach(lc2, rel->columns)
				((LintColumn *) lfirst(lc2))->sample = false;
		}
		foreach(lc2, rel->columns)
		{
			LintColumn *col = lfirst(lc2);

			if (is_candidate(col))
				col->classify = request_classification(run, rel->relid, col->attnum);
		}
	}
	if (run->requests != NIL)
		(void) run_released(run, classify_requests, NULL, false);

	foreach(lc, rels)
	{
		LintRelation *rel = lfirst(lc);

		foreach(lc2, rel->columns)
			column_findings(run, rel, lfirst(lc2));
	}
	foreach(lc, products)
		order_findings(run, lfirst(lc));
}

/* orders findings: domain, severity, object, rule, message */
static int
finding_cmp(const ListCell *a, const ListCell *b)
{
	const Finding *x = lfirst(a);
	const Finding *y = lfirst(b);
	int			c;

	if ((c = strcmp(x->domain, y->domain)) != 0)
		return c;
	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if ((c = strcmp(x->object, y->object)) != 0)
		return c;
	if ((c = strcmp(x->rule, y->rule)) != 0)
		return c;
	return strcmp(x->message, y->message);
}

/*
 * datamesh.lint(domain text DEFAULT NULL)
 *		returns table (domain text, object text, rule text, severity text,
 *					   message text)
 *
 * The findings of one domain, or of every domain for NULL.
 */
Datum
datamesh_lint(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	static const char *const severities[] = {"error", "warning", "info"};
	LintRun		run;
	List	   *keys = NIL;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	memset(&run, 0, sizeof(run));
	run.userid = GetUserId();

	if (!PG_ARGISNULL(0))
	{
		char	   *key = text_to_cstring(PG_GETARG_TEXT_PP(0));

		if (!dm_catalog_find(key, NULL))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("domain \"%s\" does not exist", key),
					 errhint("The view datamesh.domains lists the domains.")));
		keys = list_make1(key);
	}

	dm_spi_connect();
	run.cxt = CurrentMemoryContext;
	run.rowcxt = AllocSetContextCreate(run.cxt, "datamesh lint row",
									   ALLOCSET_DEFAULT_SIZES);
	if (keys == NIL)
	{
		uint64		i;

		lint_query("SELECT domain FROM datamesh.domains ORDER BY domain", 0, NULL, NULL);
		for (i = 0; i < SPI_processed; i++)
			keys = lappend(keys, col_text(i, 1));
	}

	dm_classify_begin();
	PG_TRY();
	{
		foreach(lc, keys)
		{
			DmDomain   *domain = palloc(sizeof(DmDomain));

			CHECK_FOR_INTERRUPTS();
			/* a domain dropped since it was listed has nothing to lint */
			if (!dm_catalog_find(lfirst(lc), domain))
				continue;
			lint_domain(&run, domain);
		}
	}
	PG_FINALLY();
	{
		dm_classify_end();
	}
	PG_END_TRY();

	list_sort(run.findings, finding_cmp);
	foreach(lc, run.findings)
	{
		Finding    *f = lfirst(lc);
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(f->domain);
		values[1] = CStringGetTextDatum(f->object);
		values[2] = CStringGetTextDatum(f->rule);
		values[3] = CStringGetTextDatum(severities[f->severity]);
		values[4] = CStringGetTextDatum(f->message);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * datamesh.detect_pii(value text) returns text
 *
 * What lint's value detectors say of one value: email, phone, iban, card,
 * ip, or NULL.
 */
Datum
datamesh_detect_pii(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *kind = dm_detect_kind_name(dm_detect_value(VARDATA_ANY(t),
														   VARSIZE_ANY_EXHDR(t)));

	if (kind == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(kind));
}
