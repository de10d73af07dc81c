/*-------------------------------------------------------------------------
 *
 * contract_data.c
 *		A contract's checks against the data of its product, and the SQL
 *		function check_contract.
 *
 * Every check reads the product view -- never its private source -- as
 * the owner role of the product's domain (see check_user): a quality
 * rule's SQL is the team's code and runs with the team's rights, never a
 * superuser's who happens to call check_contract, and every caller gets
 * the same verdict on the true data.  Only a contract's own SQL asked for
 * by a caller outside the team runs as that caller (its names could
 * resolve to the caller's temporary objects), and its errors show their
 * SQLSTATE only.  Each check's query runs in an internal
 * subtransaction that is always rolled back, with transaction_read_only
 * on, search_path "pg_catalog, pg_temp", as a security-restricted
 * operation, through SPI in read-only mode (a contract's query must be
 * one plain SELECT, returning one number), and bounded in time by
 * dm_contract_check_timeout_ms (the statement timeout only arms at the
 * start of a top-level statement, so the bound uses the timer itself and
 * gives back the caller's own deadline afterwards).  A check that fails to
 * run becomes a result with status "error" and the error's message as its
 * detail; a data exception's message, which may quote a value, is
 * replaced by its SQLSTATE.  A cancel that is not our own bound goes on
 * as an error.
 *
 * Details say counts and thresholds, never a data value: the result of a
 * contract's own SQL is not shown, nor the newest value of a contracted
 * column (the age of the newest _added_at, loading metadata, is).
 *
 * Freshness without an element column is datamesh.freshness() of the
 * product (lineage.c): the newest _added_at of the raw and raw_external
 * tables upstream, through other domains' products too, the one measure
 * that datamesh.products and lint show.
 *
 * IDENTIFICATION
 *		src/contract_data.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "rewrite/rewriteSupport.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"
#include "utils/resowner.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "contract_data.h"
#include "contract_enforce.h"
#include "contract_model.h"
#include "exec.h"
#include "lineage.h"
#include "raw_metadata.h"

/* the default bound on one check's query: five minutes */
#ifndef DM_CHECK_TIMEOUT_DEFAULT_MS
#define DM_CHECK_TIMEOUT_DEFAULT_MS (5 * 60 * 1000)
#endif

/* the most numbers one check query returns */
#define DM_CHECK_MAXCOLS 2

/* one query of a check, its parameter, and what it returned */
typedef struct CheckQuery
{
	char	   *sql;			/* the statement */
	bool		has_arg;		/* $1 is a text[] */
	Datum		arg;			/* $1, if has_arg */
	int			ncols;			/* numbers to read from its one row */
	bool		contract_sql;	/* a contract's own query: one row, one
								 * column, any numeric type */
	double		result[DM_CHECK_MAXCOLS];
	bool		isnull[DM_CHECK_MAXCOLS];
	char	   *error;			/* why it could not run, or NULL */
} CheckQuery;

/* our bound on a check's query, and the caller's deadline it replaced */
typedef struct CheckTimeout
{
	bool		armed;			/* we set the statement timer */
	TimestampTz fin;			/* our deadline */
	bool		outer_active;	/* the statement timer ran before us */
	TimestampTz outer_fin;		/* its deadline, to set again after */
} CheckTimeout;

/* what every check of one product needs */
typedef struct CheckRun
{
	Oid			viewid;
	char	   *view;			/* the view's quoted qualified name */
	bool		has_domain;		/* the view is in a schema of a domain */
	DmDomain	domain;			/* its domain, if has_domain */
	bool		publishing;		/* publish_contract, not check_contract */
	List	   *results;		/* DmCheckResult, in the order run */
} CheckRun;

/*
 * Who runs the checks' queries: the owner role of the product's domain.
 * The contract is the team's promise and its quality SQL the team's code,
 * so it runs with the team's rights on the true data whoever asks: a
 * superuser calling check_contract does not run a team's query as
 * superuser, and a consumer gets the same verdict (counts, never values)
 * as the team.  InvalidOid outside dm_contract_data_checks.
 */
static Oid	check_user = InvalidOid;

/* is the caller of the checks a member of that role (sees the team's errors)? */
static bool caller_is_team = false;

/* the bound on one check's query in milliseconds; 0 for none */
int			dm_contract_check_timeout_ms = DM_CHECK_TIMEOUT_DEFAULT_MS;

PG_FUNCTION_INFO_V1(datamesh_check_contract);

static void add_result(CheckRun *run, const char *name, const char *status,
					   const char *detail);
static void run_query(CheckQuery *q);
static void check_schema(CheckRun *run, const DmContract *c);
static void check_required(CheckRun *run, const DmProperty *p);
static void check_unique(CheckRun *run, const DmProperty *p);
static void check_primary_key(CheckRun *run, const DmContract *c);
static void check_allowed_values(CheckRun *run, const DmProperty *p);
static void check_quality(CheckRun *run, const DmQuality *q,
						  const DmProperty *p);
static void check_freshness(CheckRun *run, const DmSla *sla);
static void run_checks(CheckRun *run, const DmContract *contract,
					   bool publishing);

/* ------------------------------------------------------------------------
 * Running one query
 * ------------------------------------------------------------------------
 */

/*
 * Bounds the next query at dm_contract_check_timeout_ms, unless the
 * caller's own statement timeout ends sooner.  The statement timer is the
 * one to use: its expiry cancels the query with the usual error.
 */
static void
arm_timeout(CheckTimeout *t)
{
	memset(t, 0, sizeof(CheckTimeout));
	if (dm_contract_check_timeout_ms <= 0)
		return;
	t->fin = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										 dm_contract_check_timeout_ms);
	t->outer_active = get_timeout_active(STATEMENT_TIMEOUT);
	if (t->outer_active)
	{
		t->outer_fin = get_timeout_finish_time(STATEMENT_TIMEOUT);
		if (t->outer_fin <= t->fin)
			return;
	}
	enable_timeout_at(STATEMENT_TIMEOUT, t->fin);
	t->armed = true;
}

/*
 * Takes our bound away and gives the caller's statement timeout back.
 * Returns whether our deadline has passed: a cancel then was ours.
 */
static bool
disarm_timeout(CheckTimeout *t)
{
	bool		passed;

	if (!t->armed)
		return false;
	passed = GetCurrentTimestamp() >= t->fin;
	disable_timeout(STATEMENT_TIMEOUT, false);
	if (t->outer_active)
		enable_timeout_at(STATEMENT_TIMEOUT, t->outer_fin);
	t->armed = false;
	return passed;
}

/*
 * A number from a datum of a numeric type; false for other types.
 */
static bool
datum_number(Datum value, Oid typid, double *out)
{
	switch (getBaseType(typid))
	{
		case INT2OID:
			*out = (double) DatumGetInt16(value);
			return true;
		case INT4OID:
			*out = (double) DatumGetInt32(value);
			return true;
		case INT8OID:
			*out = (double) DatumGetInt64(value);
			return true;
		case FLOAT4OID:
			*out = (double) DatumGetFloat4(value);
			return true;
		case FLOAT8OID:
			*out = DatumGetFloat8(value);
			return true;
		case NUMERICOID:
			*out = DatumGetFloat8(DirectFunctionCall1(numeric_float8, value));
			return true;
		default:
			return false;
	}
}

/*
 * What the detail of a check says about an error that stopped it.  A data
 * exception's message may quote the value that caused it, so only its
 * SQLSTATE is told.
 */
static char *
error_detail(ErrorData *edata, bool timed_out, bool contract_sql)
{
	if (timed_out)
		return psprintf("The check was canceled after %d ms (datamesh's bound on a check).",
						dm_contract_check_timeout_ms);
	if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) == ERRCODE_DATA_EXCEPTION)
		return psprintf("The query failed with a data exception (SQLSTATE %s); its message is not shown, as it may hold a data value.",
						unpack_sql_state(edata->sqlerrcode));

	/*
	 * A contract's own SQL runs on the true data and may put a value into
	 * any message (a cast to regclass, a RAISE): only the team sees it.
	 */
	if (contract_sql && !caller_is_team)
		return psprintf("The contract's query failed (SQLSTATE %s); its message is shown to the domain's team only.",
						unpack_sql_state(edata->sqlerrcode));
	return pstrdup(edata->message ? edata->message : "unknown error");
}

/*
 * Is a prepared statement one plain SELECT: no other statement, no
 * utility command, no data-modifying WITH, no FOR UPDATE?  SPI's read-only
 * mode refuses the others too, but with a message about functions.
 */
static bool
plan_is_select(SPIPlanPtr plan)
{
	List	   *sources = SPI_plan_get_plan_sources(plan);
	CachedPlanSource *source;
	ListCell   *lc;

	if (list_length(sources) != 1)
		return false;
	source = linitial(sources);
	if (source->raw_parse_tree == NULL || source->query_list == NIL)
		return false;
	foreach(lc, source->query_list)
	{
		Query	   *query = lfirst_node(Query, lc);

		if (query->commandType != CMD_SELECT || query->utilityStmt != NULL ||
			query->hasModifyingCTE || query->rowMarks != NIL)
			return false;
	}
	return true;
}

/*
 * Reads the numbers of a check query's one row from SPI_tuptable into q,
 * or sets q->error (in cxt) if the result has not the expected shape.
 */
static void
read_row(CheckQuery *q, int rc, MemoryContext cxt)
{
	TupleDesc	desc;
	HeapTuple	row;
	int			i;

	if (rc != SPI_OK_SELECT || SPI_tuptable == NULL)
	{
		q->error = MemoryContextStrdup(cxt, "The query returns no rows: it must be a SELECT that returns one number.");
		return;
	}
	if (SPI_processed != 1)
	{
		q->error = MemoryContextStrdup(cxt,
									   psprintf("The query returns " UINT64_FORMAT " rows, not one.",
												(uint64) SPI_processed));
		return;
	}
	desc = SPI_tuptable->tupdesc;
	row = SPI_tuptable->vals[0];
	if (q->contract_sql && desc->natts != 1)
	{
		q->error = MemoryContextStrdup(cxt,
									   psprintf("The query returns %d columns, not one.",
												desc->natts));
		return;
	}
	for (i = 0; i < q->ncols && i < desc->natts; i++)
	{
		Oid			typid = SPI_gettypeid(desc, i + 1);
		Datum		value = SPI_getbinval(row, desc, i + 1, &q->isnull[i]);

		if (!q->isnull[i] && !datum_number(value, typid, &q->result[i]))
		{
			q->error = MemoryContextStrdup(cxt,
										   psprintf("The query returns type %s, not a number.",
													format_type_be(typid)));
			return;
		}
	}
	if (q->contract_sql && q->isnull[0])
		q->error = MemoryContextStrdup(cxt, "The query returns NULL, not a number.");
}

/*
 * Runs q->sql as the current user, read-only, in a subtransaction that is
 * always rolled back, and reads q->ncols numbers from its one row into
 * q->result (NULL sets q->isnull).  An error, or a contract's query that
 * does not return one number, sets q->error instead (palloc'd in the
 * caller's context); a cancel that is not our bound is raised again.
 */
static void
run_query(CheckQuery *q)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	CheckTimeout timeout;
	Oid			argtype = TEXTARRAYOID;
	int			i;

	q->error = NULL;
	for (i = 0; i < DM_CHECK_MAXCOLS; i++)
	{
		q->result[i] = 0;
		q->isnull[i] = true;
	}

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	arm_timeout(&timeout);
	PG_TRY();
	{
		Oid			save_user;
		int			save_sec;
		SPIPlanPtr	plan;
		int			rc;

		/* both are undone when the subtransaction rolls back */
		(void) set_config_option("transaction_read_only", "on",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_LOCAL, true, 0, false);
		(void) set_config_option("search_path", "pg_catalog, pg_temp",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_LOCAL, true, 0, false);

		/*
		 * The domain's team (see check_user); no SET ROLE, no temporary
		 * objects.  A contract's own SQL asked for by someone outside the
		 * team runs as that caller: a name in it might resolve to the
		 * caller's temporary objects, which must not run with the team's
		 * rights.
		 */
		GetUserIdAndSecContext(&save_user, &save_sec);
		SetUserIdAndSecContext(OidIsValid(check_user) &&
							   !(q->contract_sql && !caller_is_team) ?
							   check_user : save_user,
							   save_sec | SECURITY_LOCAL_USERID_CHANGE |
							   SECURITY_RESTRICTED_OPERATION);

		dm_spi_connect();
		plan = SPI_prepare(q->sql, q->has_arg ? 1 : 0, &argtype);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed (%s)",
				 SPI_result_code_string(SPI_result));
		if (q->contract_sql && !plan_is_select(plan))
			q->error = MemoryContextStrdup(cxt, "The query must be one SELECT that writes nothing and locks no row.");
		else
		{
			rc = SPI_execute_plan(plan, &q->arg, NULL, true, 0);
			if (rc < 0)
				elog(ERROR, "SPI_execute_plan failed (%s)",
					 SPI_result_code_string(rc));
			read_row(q, rc, cxt);
		}
		(void) disarm_timeout(&timeout);

		SPI_finish();
		SetUserIdAndSecContext(save_user, save_sec);
		MemoryContextSwitchTo(cxt);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		bool		ours;

		MemoryContextSwitchTo(cxt);
		ours = disarm_timeout(&timeout);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;

		/* the user's cancel, or the caller's own timeout: not ours to eat */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED && !ours)
			ReThrowError(edata);
		q->error = error_detail(edata, ours &&
								edata->sqlerrcode == ERRCODE_QUERY_CANCELED,
								q->contract_sql);
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

/* ------------------------------------------------------------------------
 * Checks
 * ------------------------------------------------------------------------
 */

/* appends one result, palloc'd in the current context */
static void
add_result(CheckRun *run, const char *name, const char *status,
		   const char *detail)
{
	DmCheckResult *r = palloc(sizeof(DmCheckResult));

	r->check_name = pstrdup(name);
	r->status = pstrdup(status);
	r->detail = detail ? pstrdup(detail) : NULL;
	run->results = lappend(run->results, r);
}

/* "1 row", "2 rows": a count with its words in the singular or plural */
static char *
count_text(double n, const char *one, const char *many)
{
	return psprintf("%.0f %s", n, n == 1 ? one : many);
}

/* a text[] of the non-NULL entries of a list of strings */
static Datum
text_array(char **items, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * (n > 0 ? n : 1));
	int			count = 0;
	int			i;

	for (i = 0; i < n; i++)
		if (items[i] != NULL)
			elems[count++] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(elems, count, TEXTOID,
										   -1, false, TYPALIGN_INT));
}

/*
 * schema: every property of the contract is a column of the view, of the
 * contracted type (OID and typmod) when physicalType was given and of the
 * contracted logical type when logicalType was; as publish_contract
 * compares them.  One result per column that differs, or one pass.
 */
static void
check_schema(CheckRun *run, const DmContract *c)
{
	int			failed = 0;
	int			i;

	for (i = 0; i < c->nprops; i++)
	{
		const DmProperty *p = &c->props[i];
		AttrNumber	attnum = get_attnum(run->viewid, p->name);
		Oid			typid;
		int32		typmod;
		Oid			collid;
		DmType		actual;
		const char *logical;

		if (attnum <= 0)
		{
			const char *eos = p->end_of_support ? p->end_of_support : c->end_of_support;

			/* a deprecated column may go after its end of support (G7) */
			if ((p->deprecated || (c->status && strcmp(c->status, "deprecated") == 0)) &&
				eos != NULL && strcmp(eos, dm_contract_today()) <= 0)
				continue;
			add_result(run, "schema", "fail",
					   psprintf("Column \"%s\" of the contract is not a column of the product.",
								p->name));
			failed++;
			continue;
		}
		get_atttypetypmodcoll(run->viewid, attnum, &typid, &typmod, &collid);
		if (p->type.oid != 0 &&
			(p->type.oid != typid || p->type.typmod != typmod))
		{
			add_result(run, "schema", "fail",
					   psprintf("Column \"%s\" is of type %s; the contract says %s.",
								p->name, format_type_with_typemod(typid, typmod),
								format_type_with_typemod(p->type.oid, p->type.typmod)));
			failed++;
			continue;
		}
		if (p->logical_type == NULL)
			continue;
		memset(&actual, 0, sizeof(actual));
		dm_contract_set_type(&actual, typid, typmod);
		logical = dm_contract_logical_type(&actual);
		if (logical == NULL || pg_strcasecmp(p->logical_type, logical) != 0)
		{
			add_result(run, "schema", "fail",
					   psprintf("Column \"%s\" is of type %s, logical type %s; the contract says %s.",
								p->name, format_type_with_typemod(typid, typmod),
								logical ? logical : "(none)", p->logical_type));
			failed++;
		}
	}
	if (failed == 0)
		add_result(run, "schema", "pass",
				   psprintf("The product has the %s of the contract, of the contracted types.",
							count_text(c->nprops, "column", "columns")));
}

/* required:<col>: no NULL in the column */
static void
check_required(CheckRun *run, const DmProperty *p)
{
	char	   *name = psprintf("required:%s", p->name);
	CheckQuery	q = {0};

	q.sql = psprintf("SELECT pg_catalog.count(*) FILTER (WHERE %s IS NULL), pg_catalog.count(*) FROM %s",
					 quote_identifier(p->name), run->view);
	q.ncols = 2;
	run_query(&q);
	if (q.error != NULL)
		add_result(run, name, "error", q.error);
	else if (q.result[0] == 0)
		add_result(run, name, "pass",
				   psprintf("No NULL in %s.", count_text(q.result[1], "row", "rows")));
	else
		add_result(run, name, "fail",
				   psprintf("NULL in %.0f of %s.", q.result[0],
							count_text(q.result[1], "row", "rows")));
}

/* unique:<col>: no value twice among the non-NULL ones */
static void
check_unique(CheckRun *run, const DmProperty *p)
{
	char	   *name = psprintf("unique:%s", p->name);
	const char *col = quote_identifier(p->name);
	CheckQuery	q = {0};

	q.sql = psprintf("SELECT pg_catalog.count(*) FROM (SELECT 1 FROM %s WHERE %s IS NOT NULL GROUP BY %s HAVING pg_catalog.count(*) > 1) d",
					 run->view, col, col);
	q.ncols = 1;
	run_query(&q);
	if (q.error != NULL)
		add_result(run, name, "error", q.error);
	else if (q.result[0] == 0)
		add_result(run, name, "pass", "No value occurs more than once.");
	else
		add_result(run, name, "fail",
				   psprintf("%s more than once.",
							count_text(q.result[0], "value occurs", "values occur")));
}

/* compares two properties by their place in the primary key */
static int
pk_position_cmp(const void *a, const void *b)
{
	const DmProperty *pa = *(const DmProperty *const *) a;
	const DmProperty *pb = *(const DmProperty *const *) b;

	if (pa->primary_key_position != pb->primary_key_position)
		return pa->primary_key_position < pb->primary_key_position ? -1 : 1;
	return pa->position < pb->position ? -1 : pa->position > pb->position;
}

/*
 * primary_key: the primaryKey columns are never NULL and together unique.
 * No result if the contract has no primary key.
 */
static void
check_primary_key(CheckRun *run, const DmContract *c)
{
	const DmProperty **keys = palloc(sizeof(DmProperty *) * (c->nprops + 1));
	int			nkeys = 0;
	StringInfoData cols;
	StringInfoData any_null;
	StringInfoData all_set;
	CheckQuery	q = {0};
	int			i;

	for (i = 0; i < c->nprops; i++)
		if (c->props[i].primary_key)
			keys[nkeys++] = &c->props[i];
	if (nkeys == 0)
		return;
	qsort(keys, nkeys, sizeof(DmProperty *), pk_position_cmp);

	initStringInfo(&cols);
	initStringInfo(&any_null);
	initStringInfo(&all_set);
	for (i = 0; i < nkeys; i++)
	{
		const char *col = quote_identifier(keys[i]->name);

		appendStringInfo(&cols, "%s%s", i > 0 ? ", " : "", col);
		appendStringInfo(&any_null, "%s%s IS NULL", i > 0 ? " OR " : "", col);
		appendStringInfo(&all_set, "%s%s IS NOT NULL", i > 0 ? " AND " : "", col);
	}
	q.sql = psprintf("SELECT (SELECT pg_catalog.count(*) FROM %s WHERE %s),"
					 " (SELECT pg_catalog.count(*) FROM (SELECT 1 FROM %s WHERE %s GROUP BY %s HAVING pg_catalog.count(*) > 1) d)",
					 run->view, any_null.data,
					 run->view, all_set.data, cols.data);
	q.ncols = 2;
	run_query(&q);
	if (q.error != NULL)
		add_result(run, "primary_key", "error", q.error);
	else if (q.result[0] == 0 && q.result[1] == 0)
		add_result(run, "primary_key", "pass",
				   psprintf("The key (%s) is never NULL and unique.", cols.data));
	else
		add_result(run, "primary_key", "fail",
				   psprintf("%s a NULL in the key (%s); %s more than once.",
							count_text(q.result[0], "row has", "rows have"), cols.data,
							count_text(q.result[1], "key value occurs", "key values occur")));
}

/* allowed_values:<col>: no non-NULL value outside the list, as text */
static void
check_allowed_values(CheckRun *run, const DmProperty *p)
{
	char	   *name = psprintf("allowed_values:%s", p->name);
	const char *col = quote_identifier(p->name);
	CheckQuery	q = {0};

	q.sql = psprintf("SELECT pg_catalog.count(*) FROM %s WHERE %s IS NOT NULL AND CAST(%s AS pg_catalog.text) <> ALL ($1)",
					 run->view, col, col);
	q.has_arg = true;
	q.arg = text_array(p->valid_values, p->nvalid_values);
	q.ncols = 1;
	run_query(&q);
	if (q.error != NULL)
		add_result(run, name, "error", q.error);
	else if (q.result[0] == 0)
		add_result(run, name, "pass",
				   psprintf("Every value is one of the %d allowed values.",
							p->nvalid_values));
	else
		add_result(run, name, "fail",
				   psprintf("%s a value outside the %d allowed values.",
							count_text(q.result[0], "row holds", "rows hold"),
							p->nvalid_values));
}

/* the threshold of a quality rule, for details: "> 0", "between 1 and 5" */
static char *
threshold_text(const DmQuality *q)
{
	char	   *threshold = dm_contract_threshold(q);

	return threshold != NULL ? threshold : pstrdup("(none)");
}

/* does a measured value meet the threshold of a rule?  (bounds inclusive) */
static bool
meets(const DmQuality *q, double x)
{
	switch (q->op)
	{
		case DM_QOP_EQ:
			return x == q->v1;
		case DM_QOP_NE:
			return x != q->v1;
		case DM_QOP_GT:
			return x > q->v1;
		case DM_QOP_GE:
			return x >= q->v1;
		case DM_QOP_LT:
			return x < q->v1;
		case DM_QOP_LE:
			return x <= q->v1;
		case DM_QOP_BETWEEN:
			return x >= q->v1 && x <= q->v2;
		case DM_QOP_NOT_BETWEEN:
			return x < q->v1 || x > q->v2;
		case DM_QOP_NONE:
			break;
	}
	return false;
}

/*
 * A contract's SQL with its placeholders replaced (ODCS convention, with
 * or without the dollar): ${object} and ${table} by the view's qualified
 * name, ${property} and ${column} by the quoted column (property-level
 * rules only; elsewhere they stay and the query fails).
 */
static char *
expand_query(const char *query, const char *view, const char *column)
{
	static const char *const object_names[] = {"object", "table"};
	static const char *const column_names[] = {"property", "column"};
	StringInfoData buf;
	const char *s = query;

	initStringInfo(&buf);
	while (*s != '\0')
	{
		const char *open = s;
		const char *replacement = NULL;
		size_t		len = 0;
		int			i;

		if (*open == '$' && open[1] == '{')
			open++;
		if (*open == '{')
		{
			for (i = 0; i < lengthof(object_names) && replacement == NULL; i++)
			{
				size_t		n = strlen(object_names[i]);

				if (strncmp(open + 1, object_names[i], n) == 0 && open[1 + n] == '}')
				{
					replacement = view;
					len = (open - s) + n + 2;
				}
			}
			for (i = 0; i < lengthof(column_names) && replacement == NULL &&
				 column != NULL; i++)
			{
				size_t		n = strlen(column_names[i]);

				if (strncmp(open + 1, column_names[i], n) == 0 && open[1 + n] == '}')
				{
					replacement = column;
					len = (open - s) + n + 2;
				}
			}
		}
		if (replacement != NULL)
		{
			appendStringInfoString(&buf, replacement);
			s += len;
		}
		else
			appendStringInfoChar(&buf, *s++);
	}
	return buf.data;
}

/*
 * quality:<key> (quality:<column>.<key> for a property's rule): a rule of
 * the ODCS library (rowCount, nullValues, missingValues, duplicateValues,
 * invalidValues; unit rows or percent of all rows) or of type sql (the
 * query returns one number); custom and text rules cannot run here and
 * are reported as errors that say so.  p is NULL for a schema-level rule.
 */
static void
check_quality(CheckRun *run, const DmQuality *q, const DmProperty *p)
{
	const char *key = q->key ? q->key : q->metric ? q->metric :
		q->type ? q->type : "rule";
	const char *type = q->type ? q->type : "library";
	const char *col = p ? quote_identifier(p->name) : NULL;
	char	   *name;
	bool		percent = false;
	CheckQuery	cq = {0};
	double		measured;

	if (p != NULL && strncmp(key, p->name, strlen(p->name)) == 0 &&
		key[strlen(p->name)] == '.')
		name = psprintf("quality:%s", key);
	else if (p != NULL)
		name = psprintf("quality:%s.%s", p->name, key);
	else
		name = psprintf("quality:%s", key);

	/* rules for people and other engines do not hold up a publication */
	if (run->publishing &&
		(pg_strcasecmp(type, "custom") == 0 || pg_strcasecmp(type, "text") == 0))
		return;
	if (pg_strcasecmp(type, "custom") == 0)
	{
		add_result(run, name, "error",
				   "A custom rule runs in the engine it names, not in the database.");
		return;
	}
	if (pg_strcasecmp(type, "text") == 0)
	{
		add_result(run, name, "error",
				   "A text rule is a description for people; it cannot run in the database.");
		return;
	}
	if (pg_strcasecmp(type, "sql") != 0 && pg_strcasecmp(type, "library") != 0)
	{
		add_result(run, name, "error",
				   psprintf("Quality rules of type \"%s\" are not supported; use library or sql.",
							type));
		return;
	}
	if (q->op == DM_QOP_NONE)
	{
		add_result(run, name, "error",
				   "The rule gives no threshold (mustBe, mustBeGreaterThan, mustBeBetween, ...).");
		return;
	}

	/* a query of the contract's own */
	if (pg_strcasecmp(type, "sql") == 0)
	{
		if (q->query == NULL || q->query[0] == '\0')
		{
			add_result(run, name, "error", "The rule gives no query.");
			return;
		}
		cq.sql = expand_query(q->query, run->view, col);
		cq.ncols = 1;
		cq.contract_sql = true;
		run_query(&cq);
		if (cq.error != NULL)
			add_result(run, name, "error", cq.error);
		else
			add_result(run, name, meets(q, cq.result[0]) ? "pass" : "fail",
					   psprintf(meets(q, cq.result[0]) ?
								"The query's result meets the rule (%s)." :
								"The query's result does not meet the rule (%s).",
								threshold_text(q)));
		return;
	}

	/* a metric of the library */
	if (q->metric == NULL)
	{
		add_result(run, name, "error", "The rule names no metric.");
		return;
	}
	if (q->unit != NULL && pg_strcasecmp(q->unit, "percent") == 0)
		percent = true;
	else if (q->unit != NULL && pg_strcasecmp(q->unit, "rows") != 0)
	{
		add_result(run, name, "error",
				   psprintf("Unit \"%s\" is not supported; use rows or percent.",
							q->unit));
		return;
	}

	if (strcmp(q->metric, "rowCount") == 0)
	{
		if (percent)
		{
			add_result(run, name, "error",
					   "Unit percent does not apply to rowCount.");
			return;
		}
		cq.sql = psprintf("SELECT pg_catalog.count(*), pg_catalog.count(*) FROM %s",
						  run->view);
	}
	else if (strcmp(q->metric, "duplicateValues") == 0)
	{
		if (p != NULL)
			cq.sql = psprintf("SELECT pg_catalog.count(%s) - pg_catalog.count(DISTINCT %s), pg_catalog.count(*) FROM %s",
							  col, col, run->view);
		else
			cq.sql = psprintf("SELECT pg_catalog.count(*) - pg_catalog.count(DISTINCT v), pg_catalog.count(*) FROM %s v",
							  run->view);
	}
	else if (strcmp(q->metric, "nullValues") == 0 ||
			 strcmp(q->metric, "missingValues") == 0 ||
			 strcmp(q->metric, "invalidValues") == 0)
	{
		if (p == NULL)
		{
			add_result(run, name, "error",
					   psprintf("Metric %s needs a column: give the rule on a property.",
								q->metric));
			return;
		}
		if (strcmp(q->metric, "nullValues") == 0 ||
			(strcmp(q->metric, "missingValues") == 0 && q->nvalid_values == 0))
			cq.sql = psprintf("SELECT pg_catalog.count(*) FILTER (WHERE %s IS NULL), pg_catalog.count(*) FROM %s",
							  col, run->view);
		else if (strcmp(q->metric, "missingValues") == 0)
		{
			/* the values that count as missing besides NULL, if the model has them */
			cq.sql = psprintf("SELECT pg_catalog.count(*) FILTER (WHERE %s IS NULL OR CAST(%s AS pg_catalog.text) = ANY ($1)), pg_catalog.count(*) FROM %s",
							  col, col, run->view);
			cq.has_arg = true;
			cq.arg = text_array(q->valid_values, q->nvalid_values);
		}
		else
		{
			if (q->nvalid_values == 0)
			{
				add_result(run, name, "error",
						   "The rule gives no arguments.validValues (patterns are not supported).");
				return;
			}
			cq.sql = psprintf("SELECT pg_catalog.count(*) FILTER (WHERE %s IS NOT NULL AND CAST(%s AS pg_catalog.text) <> ALL ($1)), pg_catalog.count(*) FROM %s",
							  col, col, run->view);
			cq.has_arg = true;
			cq.arg = text_array(q->valid_values, q->nvalid_values);
		}
	}
	else
	{
		add_result(run, name, "error",
				   psprintf("Metric \"%s\" is not supported; use rowCount, nullValues, missingValues, duplicateValues or invalidValues.",
							q->metric));
		return;
	}

	cq.ncols = 2;
	run_query(&cq);
	if (cq.error != NULL)
	{
		add_result(run, name, "error", cq.error);
		return;
	}
	if (percent)
		measured = cq.result[1] > 0 ? 100.0 * cq.result[0] / cq.result[1] : 0;
	else
		measured = cq.result[0];
	add_result(run, name, meets(q, measured) ? "pass" : "fail",
			   strcmp(q->metric, "rowCount") == 0 ?
			   psprintf("rowCount: %s; the rule requires %s.",
						count_text(measured, "row", "rows"), threshold_text(q)) :
			   percent ?
			   psprintf("%s: %.2f percent of %s; the rule requires %s.",
						q->metric, measured, count_text(cq.result[1], "row", "rows"),
						threshold_text(q)) :
			   psprintf("%s: %.0f of %s; the rule requires %s.",
						q->metric, measured, count_text(cq.result[1], "row", "rows"),
						threshold_text(q)));
}

/* a column of the view with the freshness element's name, or 0 */
static AttrNumber
element_column(Oid viewid, const char *element, char **column)
{
	const char *dot = strrchr(element, '.');
	AttrNumber	attnum;

	/* "column", or "table.column": the schema object, then the column */
	*column = pstrdup(element);
	attnum = get_attnum(viewid, element);
	if (attnum <= 0 && dot != NULL)
	{
		*column = pstrdup(dot + 1);
		attnum = get_attnum(viewid, *column);
	}
	return attnum > 0 ? attnum : 0;
}

/*
 * freshness: the newest value of the SLA's element column of the product,
 * or without an element the newest _added_at of the raw tables upstream,
 * is at most the SLA's duration old (now() against it).
 */
static void
check_freshness(CheckRun *run, const DmSla *sla)
{
	CheckQuery	q = {0};
	char	   *limit;

	if (sla->seconds < 0)
	{
		add_result(run, "freshness", "error",
				   "The freshness SLA's value is not a duration.");
		return;
	}
	limit = psprintf("%.0f seconds", sla->seconds);

	if (sla->element != NULL && sla->element[0] != '\0')
	{
		char	   *column;
		AttrNumber	attnum;
		Oid			base;

		if (strchr(sla->element, ',') != NULL)
		{
			add_result(run, "freshness", "error",
					   "A freshness SLA on several elements is not supported; give one column.");
			return;
		}
		attnum = element_column(run->viewid, sla->element, &column);
		if (attnum == 0)
		{
			add_result(run, "freshness", "error",
					   psprintf("The product has no column \"%s\" (the SLA's element).",
								column));
			return;
		}
		base = getBaseType(get_atttype(run->viewid, attnum));
		if (base != DATEOID && base != TIMESTAMPOID && base != TIMESTAMPTZOID)
		{
			add_result(run, "freshness", "error",
					   psprintf("Column \"%s\" is of type %s, not a date or timestamp.",
								column, format_type_be(get_atttype(run->viewid, attnum))));
			return;
		}
		q.sql = psprintf("SELECT pg_catalog.date_part('epoch', pg_catalog.now() - CAST(pg_catalog.max(%s) AS pg_catalog.timestamptz)) FROM %s",
						 quote_identifier(column), run->view);
	}
	else
	{
		/* datamesh.freshness(): the same walk, the same newest _added_at */
		TimestampTz newest = 0;
		int			nraw;
		bool		found = dm_lineage_freshness(run->viewid, &newest, &nraw);
		double		age;

		if (nraw == 0)
		{
			add_result(run, "freshness", "error",
					   psprintf("No raw table upstream of the product has a column \"%s\"; give the SLA an element column.",
								DM_COL_ADDED_AT));
			return;
		}
		if (!found)
		{
			add_result(run, "freshness", "fail",
					   psprintf("No row upstream has an %s value; the SLA allows %s.",
								DM_COL_ADDED_AT, limit));
			return;
		}
		age = (double) (GetCurrentTransactionStartTimestamp() - newest) / USECS_PER_SEC;
		add_result(run, "freshness", age <= sla->seconds ? "pass" : "fail",
				   psprintf("The newest %s upstream is %.0f seconds old; the SLA allows %s.",
							DM_COL_ADDED_AT, age, limit));
		return;
	}

	q.ncols = 1;
	run_query(&q);
	if (q.error != NULL)
		add_result(run, "freshness", "error", q.error);
	else if (q.isnull[0])
		add_result(run, "freshness", "fail",
				   psprintf("The column has no value; the SLA allows %s.", limit));
	else
		add_result(run, "freshness", q.result[0] <= sla->seconds ? "pass" : "fail",
				   psprintf(q.result[0] <= sla->seconds ?
							"The newest value is within %s." :
							"The newest value is older than %s.",
							limit));
}

/*
 * Runs the contract's checks against the product's data, as the domain's
 * owner role,
 * read-only: schema (unless publishing), required, unique, allowed
 * values, primary key, quality rules (schema-level, then each property's),
 * freshness (unless publishing).  Returns a List of DmCheckResult in the
 * caller's memory context.  SPI need not be connected: every check
 * connects in its own subtransaction.
 */
List *
dm_contract_data_checks(Oid viewid, const DmContract *contract, bool publishing)
{
	CheckRun	run;
	DmLayer		layer;

	if (get_rel_name(viewid) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", viewid)));
	memset(&run, 0, sizeof(run));
	run.viewid = viewid;
	run.view = dm_qualified_name(viewid);
	run.has_domain = dm_catalog_schema_domain(get_rel_namespace(viewid),
											  &run.domain, &layer);
	run.publishing = publishing;
	check_user = run.has_domain ? run.domain.owner : InvalidOid;
	caller_is_team = run.has_domain && is_member_of_role(GetUserId(), run.domain.owner);
	PG_TRY();
	{
		run_checks(&run, contract, publishing);
	}
	PG_FINALLY();
	{
		check_user = InvalidOid;
	}
	PG_END_TRY();
	return run.results;
}

/* the checks of dm_contract_data_checks, in order */
static void
run_checks(CheckRun *run, const DmContract *contract, bool publishing)
{
	int			i;
	int			j;

	if (!publishing)
		check_schema(run, contract);
	for (i = 0; i < contract->nprops; i++)
	{
		const DmProperty *p = &contract->props[i];

		if (p->required)
			check_required(run, p);
		if (p->unique)
			check_unique(run, p);
		if (p->has_valid_values)
			check_allowed_values(run, p);
	}
	check_primary_key(run, contract);
	for (i = 0; i < contract->nquality; i++)
		check_quality(run, &contract->quality[i], NULL);
	for (i = 0; i < contract->nprops; i++)
		for (j = 0; j < contract->props[i].nquality; j++)
			check_quality(run, &contract->props[i].quality[j],
						  &contract->props[i]);
	if (!publishing)
		for (i = 0; i < contract->nslas; i++)
			if (contract->slas[i].property != NULL &&
				pg_strcasecmp(contract->slas[i].property, "freshness") == 0)
				check_freshness(run, &contract->slas[i]);
}

/* ------------------------------------------------------------------------
 * SQL function
 * ------------------------------------------------------------------------
 */

/*
 * datamesh.check_contract(product regclass) returns table (check_name,
 * status, detail): the checks of the product's current contract against
 * its data (as the domain's team); the caller must be able to read the
 * product.
 */
Datum
datamesh_check_contract(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt = CurrentMemoryContext;
	Oid			viewid;
	char	   *product;
	List	   *stored;
	Jsonb	   *document;
	DmContract *contract;
	List	   *results;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		PG_RETURN_VOID();
	viewid = PG_GETARG_OID(0);
	if (get_rel_name(viewid) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", viewid)));
	product = dm_qualified_name(viewid);
	if (!dm_contract_is_product_view(viewid))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a data product", get_rel_name(viewid)),
				 errhint("A contract binds a view made by datamesh.publish_product(); datamesh.products lists them.")));

	/* some column to read, or every check would fail on its privileges */
	if (pg_class_aclcheck(viewid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_attribute_aclcheck_all(viewid, GetUserId(), ACL_SELECT,
								  ACLMASK_ANY) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, get_relkind_objtype(get_rel_relkind(viewid)),
					   get_rel_name(viewid));

	/* the current version; what SPI returned lives until SPI_finish */
	dm_spi_connect();
	stored = dm_contract_stored(product, false);
	MemoryContextSwitchTo(cxt);
	document = stored == NIL ? NULL :
		DatumGetJsonbPCopy(JsonbPGetDatum(((DmStoredContract *) linitial(stored))->document));
	SPI_finish();
	MemoryContextSwitchTo(cxt);
	if (document == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("product \"%s\" has no contract", product),
				 errhint("Publish one with datamesh.publish_contract().")));

	contract = dm_contract_parse(document, DM_CONTRACT_STORED);
	results = dm_contract_data_checks(viewid, contract, false);
	foreach(lc, results)
	{
		DmCheckResult *r = lfirst(lc);
		Datum		values[3];
		bool		nulls[3] = {false, false, r->detail == NULL};

		values[0] = CStringGetTextDatum(r->check_name);
		values[1] = CStringGetTextDatum(r->status);
		values[2] = r->detail ? CStringGetTextDatum(r->detail) : (Datum) 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}
