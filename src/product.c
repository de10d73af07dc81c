/*-------------------------------------------------------------------------
 *
 * product.c
 *		Data products: publishing, classification, regeneration.
 *
 * publish_product makes the view {key}_data_products.{name} over a private
 * relation of the caller's domain: a security_barrier view, owned by the
 * domain's owner role and granted to the consumer role, that passes
 * unclassified columns through and wraps every classified column in its
 * mask function (src/pii.c).  The product is recorded in datamesh.product
 * by name, so that a dump restores it; the view text holds no secret.
 *
 * Classification lives in security labels and follows the data through
 * views: a view column that passes a classified column through (also
 * through subqueries, joins, CTEs and every arm of a UNION) gets the same
 * strategy; a computed column that reads a classified column anywhere is
 * redacted, unless the view column carries a label of its own.
 *
 * Whatever changes what a product shows -- a label set or removed, a view
 * replaced upstream -- regenerates the products that read the changed
 * relation, in the same transaction (dm_product_regenerate_for, called
 * by the ddl_command_end trigger and by set_pii/unset_pii).
 *
 * The mutating functions run as their caller and check that he is a
 * member of the owning domain's role; they do the privileged part
 * (catalog writes, DDL) as the bootstrap superuser or the domain's owner
 * role, switched with SetUserIdAndSecContext and always switched back, and
 * with search_path set to pg_catalog, pg_temp: regeneration also runs from
 * the event trigger, under whatever search_path the caller chose.
 *
 * IDENTIFICATION
 *		src/product.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/seclabel.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "parser/parsetree.h"
#include "rewrite/prs2lock.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "datamesh.h"
#include "depend.h"
#include "domain.h"
#include "enforce.h"
#include "label.h"
#include "pii.h"
#include "product.h"

PG_FUNCTION_INFO_V1(datamesh_publish_product);
PG_FUNCTION_INFO_V1(datamesh_unpublish_product);
PG_FUNCTION_INFO_V1(datamesh_set_pii);
PG_FUNCTION_INFO_V1(datamesh_unset_pii);
PG_FUNCTION_INFO_V1(datamesh_grant_unmasked);
PG_FUNCTION_INFO_V1(datamesh_revoke_unmasked);
PG_FUNCTION_INFO_V1(datamesh_set_pseudonym_scope);
PG_FUNCTION_INFO_V1(datamesh_rotate_key);

/* how deep classification follows views into views */
#define MAX_VIEW_DEPTH 32

/* what classification found for one column */
typedef struct Classified
{
	bool		classified;
	DmPiiStrategy strategy;
} Classified;

/* state of reads_walker */
typedef struct ReadsContext
{
	List	   *queries;		/* innermost first */
	int			depth;
	Classified	acc;
} ReadsContext;

static void classify_column(Oid relid, AttrNumber attnum, int depth,
							Classified *out);
static bool reads_walker(Node *node, ReadsContext *ctx);
static void classify_expr(List *queries, Node *expr, int depth,
						  Classified *out);

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

/* one statement that datamesh runs with privileges of its own */
typedef struct Privileged
{
	const char *sql;
	int			nargs;			/* parameters $1.. of sql */
	Oid		   *types;
	Datum	   *values;
	const char *nulls;
	bool		internal;		/* DDL: datamesh's triggers stand aside */
	bool		latest;			/* a read with the latest snapshot */
	bool		read_only;
	int			rc;				/* SPI's result code */
} Privileged;

/*
 * Runs p->sql as role, with search_path pg_catalog, pg_temp, and switches
 * both back also on error.  (SPI connected)
 */
static void
run_privileged(Oid role, Privileged *p)
{
	Oid			save_user;
	int			save_sec;
	int			nestlevel;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(role, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	nestlevel = dm_safe_search_path();
	PG_TRY();
	{
		if (p->internal)
			dm_exec_internal(p->sql);
		else if (p->latest)
		{
			SPIPlanPtr	plan = SPI_prepare(p->sql, p->nargs, p->types);
			Snapshot	snap;

			if (plan == NULL)
				elog(ERROR, "SPI_prepare failed (%s): %s",
					 SPI_result_code_string(SPI_result), p->sql);
			snap = RegisterSnapshot(GetLatestSnapshot());
			p->rc = SPI_execute_snapshot(plan, p->values, p->nulls, snap,
										 InvalidSnapshot, true, false, 0);
			UnregisterSnapshot(snap);
		}
		else
			p->rc = SPI_execute_with_args(p->sql, p->nargs, p->types, p->values,
										  p->nulls, p->read_only, 0);
		if (!p->internal && p->rc < 0)
			elog(ERROR, "SPI failed (%s): %s", SPI_result_code_string(p->rc), p->sql);
	}
	PG_FINALLY();
	{
		dm_restore_settings(nestlevel);
		SetUserIdAndSecContext(save_user, save_sec);
	}
	PG_END_TRY();
}

/* DDL as role (the domain's owner, or the bootstrap superuser) */
static void
exec_as(Oid role, const char *sql)
{
	Privileged	p = {.sql = sql, .internal = true};

	run_privileged(role, &p);
}

/* SQL on datamesh's catalog tables, as the bootstrap superuser */
static int
exec_catalog(const char *sql, int nargs, Oid *types, Datum *values,
			 const char *nulls, bool read_only)
{
	Privileged	p = {.sql = sql, .nargs = nargs, .types = types,
	.values = values, .nulls = nulls, .read_only = read_only};

	run_privileged(BOOTSTRAP_SUPERUSERID, &p);
	return p.rc;
}

/*
 * A read of the catalog with the latest snapshot rather than the
 * statement's: regeneration after a lock wait must see the products that
 * the transaction it waited for committed, whatever the isolation level.
 */
static void
read_catalog_latest(const char *sql, int nargs, Oid *types, Datum *values)
{
	Privileged	p = {.sql = sql, .nargs = nargs, .types = types,
	.values = values, .latest = true};

	run_privileged(BOOTSTRAP_SUPERUSERID, &p);
}

/* invalidates the mask functions' caches in every backend */
static void
invalidate_access(const char *table)
{
	Oid			relid = dm_catalog_relid(table);

	if (OidIsValid(relid))
		CacheInvalidateRelcacheByRelid(relid);
}

/*
 * The domain and layer of a relation; errors if it is in none.
 */
static void
relation_domain(Oid relid, DmDomain *domain, DmLayer *layer, const char *what)
{
	if (!dm_catalog_schema_domain(get_rel_namespace(relid), domain, layer))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot %s \"%s\": it is not in a schema of a domain",
						what, get_rel_name(relid)),
				 errhint("Data products are published from the private layers of a domain created with datamesh.create_domain().")));
}

/*
 * The caller must be a member of the domain's owner role (or superuser).
 */
static void
check_member(const DmDomain *domain, const char *what)
{
	if (!is_member_of_role(GetUserId(), domain->owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s in domain \"%s\"", what, domain->key),
				 errdetail("Only members of role \"%s\", the owner of domain \"%s\", may do that.",
						   GetUserNameFromId(domain->owner, false), domain->key),
				 errhint("Ask the domain's team to do it, or to grant you its role.")));
}

static char *
qualified_name(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* ------------------------------------------------------------------------
 * Classification
 * ------------------------------------------------------------------------
 */

/* the datamesh label of a column, parsed; false if none */
static bool
column_label(Oid relid, AttrNumber attnum, DmPiiStrategy *out)
{
	ObjectAddress addr;
	char	   *label;

	ObjectAddressSubSet(addr, RelationRelationId, relid, attnum);
	label = GetSecurityLabel(&addr, DM_LABEL_PROVIDER);
	return label != NULL && dm_pii_parse_label(label, out);
}

/* the defining query of a view or materialized view, or NULL */
static Query *
relation_query(Relation rel)
{
	RuleLock   *rules = rel->rd_rules;
	int			i;

	if (rules == NULL)
		return NULL;
	for (i = 0; i < rules->numLocks; i++)
	{
		RewriteRule *rule = rules->rules[i];

		if (rule->event == CMD_SELECT && list_length(rule->actions) == 1)
			return copyObject(linitial_node(Query, rule->actions));
	}
	return NULL;
}

/* combines what two sources of one value say */
static void
merge(Classified *acc, const Classified *c, bool computed)
{
	if (!c->classified)
		return;
	if (computed || (acc->classified &&
					 (acc->strategy.kind != c->strategy.kind ||
					  acc->strategy.prefix != c->strategy.prefix ||
					  acc->strategy.suffix != c->strategy.suffix ||
					  strcmp(acc->strategy.bucket, c->strategy.bucket) != 0)))
	{
		acc->classified = true;
		memset(&acc->strategy, 0, sizeof(acc->strategy));
		acc->strategy.kind = DM_PII_REDACT;
		return;
	}
	*acc = *c;
}

/* output column attno of a query, whatever shape it has */
static void
classify_output(List *queries, Query *q, AttrNumber attno, int depth,
				Classified *out)
{
	TargetEntry *tle;
	List	   *inner = lcons(q, list_copy(queries));

	memset(out, 0, sizeof(*out));
	if (depth > MAX_VIEW_DEPTH)
	{
		/* too deep to follow: hide rather than show */
		out->classified = true;
		out->strategy.kind = DM_PII_REDACT;
		return;
	}
	if (q->setOperations != NULL)
	{
		/* every arm of a UNION/INTERSECT/EXCEPT feeds the column */
		ListCell   *lc;
		int			rti = 0;

		foreach(lc, q->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);
			Classified	c;

			rti++;
			if (rte->rtekind != RTE_SUBQUERY || rte->subquery == NULL)
				continue;
			classify_output(inner, rte->subquery, attno, depth + 1, &c);
			merge(out, &c, false);
		}
		return;
	}
	tle = get_tle_by_resno(q->targetList, attno);
	if (tle == NULL)
		return;
	classify_expr(inner, (Node *) tle->expr, depth, out);
}

/* what a Var at the head of queries (innermost first) reads */
static void
classify_var(List *queries, Var *var, int depth, Classified *out)
{
	Query	   *q;
	RangeTblEntry *rte;

	memset(out, 0, sizeof(*out));
	if (var->varlevelsup >= list_length(queries))
		return;
	q = list_nth(queries, var->varlevelsup);
	if (var->varno < 1 || var->varno > list_length(q->rtable))
		return;
	rte = rt_fetch(var->varno, q->rtable);
	switch (rte->rtekind)
	{
		case RTE_RELATION:
			if (var->varattno > 0)
				classify_column(rte->relid, var->varattno, depth + 1, out);
			else if (var->varattno == 0)
			{
				/* a whole-row reference reads every column */
				Relation	rel = relation_open(rte->relid, AccessShareLock);
				int			i;

				for (i = 1; i <= RelationGetNumberOfAttributes(rel); i++)
				{
					Classified	c;

					classify_column(rte->relid, i, depth + 1, &c);
					merge(out, &c, true);
				}
				relation_close(rel, AccessShareLock);
			}
			break;
		case RTE_SUBQUERY:
			if (var->varattno > 0)
				classify_output(list_copy_tail(queries, var->varlevelsup),
								rte->subquery, var->varattno, depth + 1, out);
			else
			{
				int			i;

				for (i = 1; i <= list_length(rte->subquery->targetList); i++)
				{
					Classified	c;

					classify_output(list_copy_tail(queries, var->varlevelsup),
									rte->subquery, i, depth + 1, &c);
					merge(out, &c, true);
				}
			}
			break;
		case RTE_JOIN:
			if (var->varattno > 0 && var->varattno <= list_length(rte->joinaliasvars))
				classify_expr(list_copy_tail(queries, var->varlevelsup),
							  list_nth(rte->joinaliasvars, var->varattno - 1),
							  depth + 1, out);
			else
			{
				ListCell   *lc;

				foreach(lc, rte->joinaliasvars)
				{
					Classified	c;

					classify_expr(list_copy_tail(queries, var->varlevelsup),
								  lfirst(lc), depth + 1, &c);
					merge(out, &c, true);
				}
			}
			break;
		case RTE_CTE:
			{
				Query	   *cq = NULL;
				ListCell   *lc;
				int			up = var->varlevelsup + rte->ctelevelsup;

				if (up >= list_length(queries))
					break;
				foreach(lc, ((Query *) list_nth(queries, up))->cteList)
				{
					CommonTableExpr *cte = lfirst(lc);

					if (strcmp(cte->ctename, rte->ctename) == 0 &&
						IsA(cte->ctequery, Query))
						cq = (Query *) cte->ctequery;
				}
				if (cq == NULL)
					break;
				if (var->varattno > 0)
					classify_output(list_copy_tail(queries, up), cq,
									var->varattno, depth + 1, out);
				else
				{
					int			i;

					for (i = 1; i <= list_length(cq->targetList); i++)
					{
						Classified	c;

						classify_output(list_copy_tail(queries, up), cq, i,
										depth + 1, &c);
						merge(out, &c, true);
					}
				}
				break;
			}
		case RTE_FUNCTION:
		case RTE_VALUES:
		case RTE_TABLEFUNC:
			{
				/*
				 * A function, VALUES list or table function computes its
				 * columns, possibly from columns it reads LATERALly
				 * (unnest(ARRAY[t.email])): redacted if it reads any.
				 */
				ReadsContext ctx;
				Node	   *exprs = rte->rtekind == RTE_FUNCTION ? (Node *) rte->functions :
				rte->rtekind == RTE_VALUES ? (Node *) rte->values_lists :
				(Node *) rte->tablefunc;

				memset(&ctx, 0, sizeof(ctx));
				ctx.queries = list_copy_tail(queries, var->varlevelsup);
				ctx.depth = depth + 1;
				reads_walker(exprs, &ctx);
				merge(out, &ctx.acc, true);
				break;
			}
		default:
			/* CTE scans of other kinds, named tuplestores: no relation */
			break;
	}
}

/* finds every column an expression (with its sub-queries) reads */
static bool
reads_walker(Node *node, ReadsContext *ctx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
	{
		Classified	c;

		classify_var(ctx->queries, (Var *) node, ctx->depth, &c);
		merge(&ctx->acc, &c, true);
		return false;
	}
	if (IsA(node, Query))
	{
		bool		r;

		ctx->queries = lcons(node, ctx->queries);
		r = query_tree_walker((Query *) node, reads_walker, (void *) ctx, 0);
		ctx->queries = list_delete_first(ctx->queries);
		return r;
	}
	return expression_tree_walker(node, reads_walker, (void *) ctx);
}

/*
 * Classification of an expression of the innermost query: a bare column
 * (through binary-compatible relabeling) passes its classification on;
 * anything computed is redacted if it reads any classified column.
 */
static void
classify_expr(List *queries, Node *expr, int depth, Classified *out)
{
	ReadsContext ctx;

	memset(out, 0, sizeof(*out));
	while (expr != NULL && (IsA(expr, RelabelType) || IsA(expr, CollateExpr)))
		expr = IsA(expr, RelabelType) ? (Node *) ((RelabelType *) expr)->arg :
			(Node *) ((CollateExpr *) expr)->arg;
	if (expr != NULL && IsA(expr, Var))
	{
		classify_var(queries, (Var *) expr, depth, out);
		return;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.queries = queries;
	ctx.depth = depth;
	reads_walker(expr, &ctx);
	*out = ctx.acc;
}

/*
 * Classification of a column of a relation: its own label, else what it
 * passes through or computes from, for views and materialized views.
 */
static void
classify_column(Oid relid, AttrNumber attnum, int depth, Classified *out)
{
	Relation	rel;
	Query	   *q;
	char		relkind;

	memset(out, 0, sizeof(*out));

	/*
	 * SECURITY LABEL takes this lock too: a label set concurrently waits for
	 * this transaction, and then regenerates the product it produces, or
	 * this one waits for the label and reads it.
	 */
	LockRelationOid(relid, ShareUpdateExclusiveLock);
	if (column_label(relid, attnum, &out->strategy))
	{
		out->classified = true;
		return;
	}
	/* a partition holds its parent's data: the parent's labels apply */
	if (get_rel_relispartition(relid))
	{
		Oid			parent = get_partition_parent(relid, true);
		AttrNumber	parent_attnum = OidIsValid(parent) ?
			get_attnum(parent, get_attname(relid, attnum, false)) : InvalidAttrNumber;

		if (parent_attnum != InvalidAttrNumber)
		{
			classify_column(parent, parent_attnum, depth + 1, out);
			return;
		}
	}
	relkind = get_rel_relkind(relid);
	if (relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW)
		return;
	rel = relation_open(relid, AccessShareLock);
	q = relation_query(rel);
	relation_close(rel, AccessShareLock);
	if (q != NULL)
		classify_output(NIL, q, attnum, depth + 1, out);
}

/* ------------------------------------------------------------------------
 * View generation
 * ------------------------------------------------------------------------
 */

/* the product's recorded parameters */
typedef struct ProductDef
{
	Oid			source;
	char	   *schema;			/* {key}_data_products */
	char	   *name;
	List	   *columns;		/* of char *, NIL: all but metadata */
	char	   *description;
} ProductDef;

static bool
is_metadata_column(const char *name)
{
	return strcmp(name, DM_COL_ADDED_AT) == 0 ||
		strcmp(name, DM_COL_TYPE) == 0 ||
		strcmp(name, DM_COL_SOURCE_SYSTEM) == 0;
}

/* the type with typmod, as SQL, for casting a masked value back */
static char *
type_sql(Oid typid, int32 typmod)
{
	return format_type_with_typemod(typid, typmod);
}

/*
 * The SELECT item for one column: the column itself, or its mask.  The
 * mask keeps the column's type; typmods are kept where a cast back is
 * quiet (text-like types truncate, timestamps of a whole day fit), and
 * dropped for numeric, whose cast could fail.
 */
static void
append_column(StringInfo sql, const char *col, Oid typid, int32 typmod,
			  const Classified *c, const char *product_lit)
{
	Oid			base = getBaseType(typid);
	const char *qcol = quote_identifier(col);
	char	   *ref = psprintf("s.%s", qcol);
	bool		textlike = base == TEXTOID || base == VARCHAROID || base == BPCHAROID;
	DmPiiStrategy st = c->strategy;

	if (!c->classified)
	{
		appendStringInfoString(sql, ref);
		return;
	}
	if (!dm_pii_type_supported(&st, base))
		st.kind = DM_PII_REDACT;	/* e.g. a classified column cast to another type */

	switch (st.kind)
	{
		case DM_PII_REDACT:
			appendStringInfo(sql, "datamesh.mask_redact(%s, %s)", ref, product_lit);
			break;
		case DM_PII_EMAIL:
			appendStringInfo(sql, "datamesh.mask_email(%s::pg_catalog.text, %s)", ref, product_lit);
			break;
		case DM_PII_PARTIAL:
			appendStringInfo(sql, "datamesh.mask_partial(%s::pg_catalog.text, %d, %d, %s)",
							 ref, st.prefix, st.suffix, product_lit);
			break;
		case DM_PII_YEAR:
		case DM_PII_MONTH:
			appendStringInfo(sql, "datamesh.mask_%s(%s, %s)",
							 st.kind == DM_PII_YEAR ? "year" : "month", ref, product_lit);
			break;
		case DM_PII_BUCKET:
			appendStringInfo(sql, "datamesh.mask_bucket(%s, %s::%s, %s)", ref,
							 quote_literal_cstr(st.bucket),
							 base == FLOAT4OID || base == FLOAT8OID ? "pg_catalog.float8" :
							 base == NUMERICOID ? "pg_catalog.numeric" : "pg_catalog.int8",
							 product_lit);
			break;
		case DM_PII_HASH:
			if (textlike)
				appendStringInfo(sql, "datamesh.mask_hash(%s::pg_catalog.text, %s)", ref, product_lit);
			else
				appendStringInfo(sql, "datamesh.mask_hash(%s, %s)", ref, product_lit);
			break;
	}
	/*
	 * Cast back to the column's own type and typmod where the mask returned
	 * another (text for varchar, no typmod).  Never to a domain, whose
	 * constraints could reject a masked value, and never to a numeric
	 * typmod, whose precision a rounded-down value could exceed.
	 */
	if (typid == base && (typmod >= 0 || base == VARCHAROID || base == BPCHAROID) &&
		(base != NUMERICOID || st.kind == DM_PII_REDACT))
		appendStringInfo(sql, "::%s", type_sql(typid, typmod));
	appendStringInfo(sql, " AS %s", qcol);
}

/* collects the objects that depend on a product */
static void
collect_dependent(const ObjectAddress *dependent, Oid dependent_schema,
				  const ObjectAddress *referenced, Oid referenced_schema,
				  void *arg)
{
	StringInfo	list = (StringInfo) arg;
	char	   *desc = dm_describe_object(dependent);

	/* a view reads each column separately: name it once */
	if (strstr(list->data, desc) == NULL)
		appendStringInfo(list, "\n%s", desc);
}

/*
 * Refuses to drop a product view that other objects depend on, naming
 * them, before DROP VIEW would fail with a less helpful message.
 */
static void
check_no_dependents(Oid viewid, const char *action)
{
	ObjectAddress addr;
	StringInfoData list;

	initStringInfo(&list);
	ObjectAddressSet(addr, RelationRelationId, viewid);
	dm_depend_dependents(&addr, collect_dependent, &list);
	if (list.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot %s data product %s because other objects depend on it",
						action, qualified_name(viewid)),
				 errdetail("Objects that read the product:%s", list.data),
				 errhint("Those objects must stop reading the product first; their owners can change them.")));
}

/* does the view have columns (names and types) that new ones do not keep? */
static bool
columns_compatible(Oid viewid, List *names, List *types)
{
	Relation	rel = relation_open(viewid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;
	int			n = 0;
	bool		ok = true;

	for (i = 0; i < desc->natts && ok; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		if (n >= list_length(names) ||
			strcmp(NameStr(att->attname), (char *) list_nth(names, n)) != 0 ||
			att->atttypid != list_nth_oid(types, n))
			ok = false;
		n++;
	}
	relation_close(rel, AccessShareLock);
	return ok;
}

/*
 * Creates or replaces the product view of def.  Returns its OID.
 * (SPI connected; the caller checked the privileges)
 */
static Oid
generate_view(const ProductDef *def, const DmDomain *domain, bool *has_hash)
{
	Relation	src = relation_open(def->source, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(src);
	StringInfoData items;
	StringInfoData sql;
	List	   *names = NIL;
	List	   *types = NIL;
	char	   *qview = quote_qualified_identifier(def->schema, def->name);
	char	   *product_lit = quote_literal_cstr(qview);
	Oid			viewid;
	int			i;
	ListCell   *lc;

	*has_hash = false;
	initStringInfo(&items);

	/* the columns: given, or all but the metadata columns */
	if (def->columns == NIL)
	{
		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (!att->attisdropped && !is_metadata_column(NameStr(att->attname)))
				names = lappend(names, pstrdup(NameStr(att->attname)));
		}
	}
	else
		names = list_copy(def->columns);
	if (names == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("data product \"%s\" would have no columns", def->name),
				 errhint("Name the columns to publish, or publish a relation with columns besides the metadata columns.")));

	foreach(lc, names)
	{
		char	   *col = lfirst(lc);
		AttrNumber	attnum = InvalidAttrNumber;
		Form_pg_attribute att = NULL;
		Classified	c;

		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute a = TupleDescAttr(desc, i);

			if (!a->attisdropped && strcmp(NameStr(a->attname), col) == 0)
			{
				att = a;
				attnum = a->attnum;
			}
		}
		if (att == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation \"%s\" does not exist",
							col, RelationGetRelationName(src)),
					 errhint("The columns of a product must be columns of its source.")));
		classify_column(def->source, attnum, 0, &c);
		if (c.classified && c.strategy.kind == DM_PII_HASH &&
			dm_pii_type_supported(&c.strategy, getBaseType(att->atttypid)))
			*has_hash = true;
		if (items.len > 0)
			appendStringInfoString(&items, ", ");
		append_column(&items, col, att->atttypid, att->atttypmod, &c, product_lit);
		types = lappend_oid(types, att->atttypid);
	}
	relation_close(src, AccessShareLock);

	/* an existing view is replaced in place when its columns stay */
	viewid = get_relname_relid(def->name, get_namespace_oid(def->schema, false));
	if (OidIsValid(viewid) && !columns_compatible(viewid, names, types))
	{
		/* the column list changed: drop it, if nothing depends on it */
		check_no_dependents(viewid, "change the columns of");
		exec_as(domain->owner, psprintf("DROP VIEW %s", qview));
		viewid = InvalidOid;
	}

	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "CREATE OR REPLACE VIEW %s WITH (security_barrier) AS SELECT %s FROM %s AS s",
					 qview, items.data, qualified_name(def->source));
	exec_as(domain->owner, sql.data);
	exec_as(domain->owner, psprintf("ALTER VIEW %s SET (security_barrier = true)", qview));
	exec_as(domain->owner, psprintf("GRANT SELECT ON %s TO %s", qview,
									dm_consumer_role_sql()));
	if (def->description != NULL)
		exec_as(domain->owner, psprintf("COMMENT ON VIEW %s IS %s", qview,
										quote_literal_cstr(def->description)));
	CommandCounterIncrement();
	return get_relname_relid(def->name, get_namespace_oid(def->schema, false));
}

/* makes the key of the domain's scope if it has none (SPI connected) */
static void
ensure_key(const DmDomain *domain)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	unsigned char key[DM_KEY_BYTES];
	bytea	   *kb;
	Oid			types2[2] = {TEXTOID, BYTEAOID};
	Datum		values2[2];

	values[0] = CStringGetTextDatum(domain->key);
	exec_catalog("SELECT 1 FROM datamesh.pseudonym_key k"
				 " WHERE k.scope = COALESCE((SELECT s.scope FROM datamesh.pseudonym_scope s"
				 " WHERE s.domain = $1), $1)",
				 1, types, values, NULL, true);
	if (SPI_processed > 0)
		return;
	if (!pg_strong_random(key, sizeof(key)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random pseudonym key")));
	kb = palloc(VARHDRSZ + DM_KEY_BYTES);
	SET_VARSIZE(kb, VARHDRSZ + DM_KEY_BYTES);
	memcpy(VARDATA(kb), key, DM_KEY_BYTES);
	values2[0] = CStringGetTextDatum(domain->key);
	values2[1] = PointerGetDatum(kb);
	exec_catalog("INSERT INTO datamesh.pseudonym_key (scope, key)"
				 " SELECT COALESCE((SELECT s.scope FROM datamesh.pseudonym_scope s"
				 " WHERE s.domain = $1), $1), $2"
				 " ON CONFLICT (scope) DO NOTHING",
				 2, types2, values2, NULL, false);
	invalidate_access("pseudonym_key");
}

/*
 * Creates or regenerates a product and records it.  (SPI connected)
 */
static Oid
publish(const ProductDef *def, const DmDomain *domain)
{
	bool		has_hash;
	Oid			viewid;
	char	   *qview = quote_qualified_identifier(def->schema, def->name);
	Oid			types[6] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, NAMEARRAYOID, TEXTOID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};

	viewid = generate_view(def, domain, &has_hash);
	if (has_hash)
		ensure_key(domain);

	values[0] = CStringGetTextDatum(qview);
	values[1] = CStringGetTextDatum(domain->key);
	values[2] = CStringGetTextDatum(def->name);
	values[3] = CStringGetTextDatum(qualified_name(def->source));
	if (def->columns != NIL)
	{
		Datum	   *elems = palloc(sizeof(Datum) * list_length(def->columns));
		int			i = 0;
		ListCell   *lc;

		foreach(lc, def->columns)
			elems[i++] = DirectFunctionCall1(namein, CStringGetDatum(lfirst(lc)));
		values[4] = PointerGetDatum(construct_array(elems, i, NAMEOID,
													NAMEDATALEN, false, TYPALIGN_CHAR));
	}
	else
		nulls[4] = 'n';
	if (def->description != NULL)
		values[5] = CStringGetTextDatum(def->description);
	else
		nulls[5] = 'n';
	exec_catalog("INSERT INTO datamesh.product AS p"
				 " (product, domain, name, source, columns, description)"
				 " VALUES ($1, $2, $3, $4, $5, $6)"
				 " ON CONFLICT (product) DO UPDATE SET"
				 " source = excluded.source, columns = excluded.columns,"
				 " description = COALESCE(excluded.description, p.description),"
				 " version = p.version + 1, updated_at = pg_catalog.now()",
				 6, types, values, nulls, false);
	invalidate_access("product");
	return viewid;
}

/* ------------------------------------------------------------------------
 * SQL functions
 * ------------------------------------------------------------------------
 */

/*
 * datamesh.publish_product(source regclass, name text, columns name[],
 *							description text) returns regclass
 */
Datum
datamesh_publish_product(PG_FUNCTION_ARGS)
{
	ProductDef	def;
	DmDomain	domain;
	DmLayer		layer;
	char		relkind;
	Oid			viewid;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source of a data product must not be null")));
	memset(&def, 0, sizeof(def));
	def.source = PG_GETARG_OID(0);
	relkind = get_rel_relkind(def.source);
	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", def.source)));
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
		relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW &&
		relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot publish \"%s\": it is not a table, view, materialized view or foreign table",
						get_rel_name(def.source))));
	relation_domain(def.source, &domain, &layer, "publish");
	if (layer == DM_LAYER_DATA_PRODUCTS || layer == DM_LAYER_QUERIES)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot publish \"%s\" from schema \"%s\"",
						get_rel_name(def.source),
						get_namespace_name(get_rel_namespace(def.source))),
				 errdetail("A data product reads a relation of the raw, raw_external, intermediates or information_objects layer of its domain."),
				 errhint("Move the relation to schema \"%s\" first.",
						 dm_schema_name(domain.key, DM_LAYER_INFORMATION_OBJECTS))));
	check_member(&domain, "publish data products");

	def.schema = dm_schema_name(domain.key, DM_LAYER_DATA_PRODUCTS);
	def.name = PG_ARGISNULL(1) ? get_rel_name(def.source) :
		text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (def.name[0] == '\0' || strlen(def.name) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("invalid data product name \"%s\"", def.name),
				 errhint("A product name is a non-empty identifier of at most %d bytes.",
						 NAMEDATALEN - 1)));
	if (!PG_ARGISNULL(2))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(2);
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;
		ListCell   *lc;

		deconstruct_array(arr, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR,
						  &elems, &nulls, &n);
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a data product needs at least one column"),
					 errhint("Pass NULL to publish all columns but the metadata columns.")));
		for (i = 0; i < n; i++)
		{
			char	   *col;

			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("column names of a data product must not be null")));
			col = pstrdup(NameStr(*DatumGetName(elems[i])));
			foreach(lc, def.columns)
				if (strcmp(lfirst(lc), col) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_DUPLICATE_COLUMN),
							 errmsg("column \"%s\" is listed more than once", col)));
			def.columns = lappend(def.columns, col);
		}
	}
	def.description = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));

	dm_spi_connect();
	viewid = publish(&def, &domain);
	SPI_finish();
	PG_RETURN_OID(viewid);
}

/* the product row of a view, or false */
static bool
product_row(Oid viewid, char **domain, char **source, List **columns,
			char **description)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	bool		isnull;

	values[0] = CStringGetTextDatum(qualified_name(viewid));
	exec_catalog("SELECT domain, source, columns::pg_catalog.text[], description"
				 " FROM datamesh.product WHERE product = $1",
				 1, types, values, NULL, true);
	if (SPI_processed == 0)
		return false;
	if (domain)
		*domain = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (source)
		*source = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	if (columns)
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);

		*columns = NIL;
		if (!isnull)
		{
			Datum	   *elems;
			bool	   *nulls;
			int			n,
						i;

			deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &nulls, &n);
			for (i = 0; i < n; i++)
				if (!nulls[i])
					*columns = lappend(*columns, TextDatumGetCString(elems[i]));
		}
	}
	if (description)
		*description = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4);
	return true;
}

/* resolves a product argument and checks the caller's membership */
static void
product_arg(Oid viewid, DmDomain *domain, const char *what)
{
	DmLayer		layer;

	if (get_rel_relkind(viewid) != RELKIND_VIEW ||
		!dm_catalog_schema_domain(get_rel_namespace(viewid), domain, &layer) ||
		layer != DM_LAYER_DATA_PRODUCTS ||
		!product_row(viewid, NULL, NULL, NULL, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a data product", get_rel_name(viewid) ?
						get_rel_name(viewid) : "?"),
				 errhint("The view datamesh.products lists the data products.")));
	check_member(domain, what);
}

/*
 * datamesh.unpublish_product(product regclass)
 */
Datum
datamesh_unpublish_product(PG_FUNCTION_ARGS)
{
	Oid			viewid;
	DmDomain	domain;
	char	   *qview;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product must not be null")));
	viewid = PG_GETARG_OID(0);
	dm_spi_connect();
	product_arg(viewid, &domain, "unpublish data products");
	qview = qualified_name(viewid);
	check_no_dependents(viewid, "unpublish");
	exec_as(domain.owner, psprintf("DROP VIEW %s", qview));
	values[0] = CStringGetTextDatum(qview);
	exec_catalog("DELETE FROM datamesh.unmasked WHERE product = $1", 1, types, values, NULL, false);
	exec_catalog("DELETE FROM datamesh.product WHERE product = $1", 1, types, values, NULL, false);
	invalidate_access("product");
	SPI_finish();
	PG_RETURN_VOID();
}

/* does relation rel read target, directly or through views? */
static bool
reads_relation(Oid rel, Oid target, int depth);

typedef struct ReadsState
{
	Oid			target;
	int			depth;
	bool		found;
} ReadsState;

static void
reads_callback(const ObjectAddress *dependent, Oid dependent_schema,
			   const ObjectAddress *referenced, Oid referenced_schema, void *arg)
{
	ReadsState *rs = arg;

	if (rs->found || referenced->classId != RelationRelationId)
		return;
	if (referenced->objectId == rs->target ||
		reads_relation(referenced->objectId, rs->target, rs->depth + 1))
		rs->found = true;
}

static bool
reads_relation(Oid rel, Oid target, int depth)
{
	ObjectAddress addr;
	ReadsState	rs;
	char		relkind;

	if (rel == target)
		return true;
	/* a partition takes the labels of its ancestors */
	if (get_rel_relispartition(rel) &&
		list_member_oid(get_partition_ancestors(rel), target))
		return true;
	relkind = get_rel_relkind(rel);
	if (depth > MAX_VIEW_DEPTH || (relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW))
		return false;
	rs.target = target;
	rs.depth = depth;
	rs.found = false;
	ObjectAddressSet(addr, RelationRelationId, rel);
	dm_depend_references(&addr, reads_callback, &rs);
	return rs.found;
}

/*
 * The relation a product view reads (its FROM item), found from the view
 * itself, so that renaming or moving the source loses nothing.
 */
static Oid
product_source(Oid viewid)
{
	Relation	rel = relation_open(viewid, AccessShareLock);
	Query	   *q = relation_query(rel);
	Oid			source = InvalidOid;
	ListCell   *lc;

	relation_close(rel, AccessShareLock);
	if (q == NULL)
		return InvalidOid;
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind == RTE_RELATION && rte->relid != viewid)
			source = rte->relid;
	}
	return source;
}

/*
 * Regenerates every product of relid's domain that reads relid, directly
 * or through views: after its classification or its definition changed.
 */
void
dm_product_regenerate_for(Oid relid)
{
	DmDomain	domain;
	DmLayer		layer;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	SPITupleTable *tuptable;
	uint64		n;
	uint64		i;

	if (!dm_catalog_schema_domain(get_rel_namespace(relid), &domain, &layer) ||
		layer == DM_LAYER_DATA_PRODUCTS)
		return;
	dm_spi_connect();
	values[0] = CStringGetTextDatum(domain.key);
	read_catalog_latest("SELECT product, name, source, columns::pg_catalog.text[], description"
						" FROM datamesh.product WHERE domain = $1 ORDER BY product",
						1, types, values);
	tuptable = SPI_tuptable;
	n = SPI_processed;
	for (i = 0; i < n; i++)
	{
		HeapTuple	tup = tuptable->vals[i];
		char	   *product = SPI_getvalue(tup, tuptable->tupdesc, 1);
		Oid			viewid;
		Oid			srcid;
		ProductDef	def;
		bool		isnull;
		Datum		cols;

		/* the view's name is fixed (rule 1); its source is what it reads */
		viewid = DatumGetObjectId(DirectFunctionCall1(to_regclass,
													  CStringGetTextDatum(product)));
		if (!OidIsValid(viewid))
			continue;			/* dropped by hand with enforcement off */
		srcid = product_source(viewid);
		if (!OidIsValid(srcid) || !reads_relation(srcid, relid, 0))
			continue;
		memset(&def, 0, sizeof(def));
		def.source = srcid;
		def.schema = dm_schema_name(domain.key, DM_LAYER_DATA_PRODUCTS);
		def.name = SPI_getvalue(tup, tuptable->tupdesc, 2);
		cols = SPI_getbinval(tup, tuptable->tupdesc, 4, &isnull);
		if (!isnull)
		{
			Datum	   *elems;
			bool	   *nulls;
			int			k,
						j;

			deconstruct_array(DatumGetArrayTypeP(cols), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &nulls, &k);
			for (j = 0; j < k; j++)
				if (!nulls[j])
					def.columns = lappend(def.columns, TextDatumGetCString(elems[j]));
		}
		def.description = NULL; /* keep the comment as it is */
		publish(&def, &domain);
	}
	SPI_finish();
}

/* checks and resolves (rel, col) for set_pii/unset_pii */
static AttrNumber
pii_target(Oid relid, const char *col, DmDomain *domain)
{
	DmLayer		layer;
	AttrNumber	attnum;

	relation_domain(relid, domain, &layer, "classify");
	if (layer == DM_LAYER_DATA_PRODUCTS)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot classify a column of data product \"%s\"", get_rel_name(relid)),
				 errhint("Classify the column of the product's source; the product follows.")));
	check_member(domain, "classify columns");
	attnum = get_attnum(relid, col);
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						col, get_rel_name(relid))));
	return attnum;
}

static void
set_label(Oid relid, const char *col, const char *label)
{
	dm_spi_connect();
	exec_as(BOOTSTRAP_SUPERUSERID,
			psprintf("SECURITY LABEL FOR datamesh ON COLUMN %s.%s IS %s",
					 qualified_name(relid), quote_identifier(col),
					 label ? quote_literal_cstr(label) : "NULL"));
	SPI_finish();
	CommandCounterIncrement();
	dm_product_regenerate_for(relid);
}

/*
 * datamesh.set_pii(rel regclass, col name, strategy text DEFAULT 'redact')
 */
Datum
datamesh_set_pii(PG_FUNCTION_ARGS)
{
	Oid			relid;
	char	   *col;
	char	   *strategy;
	DmDomain	domain;
	DmPiiStrategy st;
	AttrNumber	attnum;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("relation and column must not be null")));
	relid = PG_GETARG_OID(0);
	col = NameStr(*PG_GETARG_NAME(1));
	strategy = PG_ARGISNULL(2) ? "redact" : text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (get_rel_relkind(relid) == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	attnum = pii_target(relid, col, &domain);
	if (!dm_pii_parse_strategy(strategy, &st))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid masking strategy \"%s\"", strategy),
				 errdetail("The strategies are: %s.", DM_PII_STRATEGIES)));
	dm_pii_check_type(&st, strategy, get_atttype(relid, attnum), col);
	set_label(relid, col, psprintf("pii:%s", strategy));
	PG_RETURN_VOID();
}

/*
 * datamesh.unset_pii(rel regclass, col name)
 */
Datum
datamesh_unset_pii(PG_FUNCTION_ARGS)
{
	Oid			relid;
	char	   *col;
	DmDomain	domain;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("relation and column must not be null")));
	relid = PG_GETARG_OID(0);
	col = NameStr(*PG_GETARG_NAME(1));
	if (get_rel_relkind(relid) == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	(void) pii_target(relid, col, &domain);
	set_label(relid, col, NULL);
	PG_RETURN_VOID();
}

static void
change_unmasked(FunctionCallInfo fcinfo, bool grant)
{
	Oid			viewid;
	Oid			grantee;
	DmDomain	domain;
	Oid			types[2] = {TEXTOID, REGROLEOID};
	Datum		values[2];

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product and grantee must not be null")));
	viewid = PG_GETARG_OID(0);
	grantee = PG_GETARG_OID(1);
	if (GetUserNameFromId(grantee, true) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role with OID %u does not exist", grantee)));
	dm_spi_connect();
	product_arg(viewid, &domain, grant ? "grant unmasked access" : "revoke unmasked access");
	values[0] = CStringGetTextDatum(qualified_name(viewid));
	values[1] = ObjectIdGetDatum(grantee);
	if (grant)
		exec_catalog("INSERT INTO datamesh.unmasked (product, grantee) VALUES ($1, $2)"
					 " ON CONFLICT DO NOTHING", 2, types, values, NULL, false);
	else
		exec_catalog("DELETE FROM datamesh.unmasked WHERE product = $1 AND grantee = $2",
					 2, types, values, NULL, false);
	invalidate_access("unmasked");
	SPI_finish();
}

/*
 * datamesh.grant_unmasked(product regclass, grantee regrole)
 */
Datum
datamesh_grant_unmasked(PG_FUNCTION_ARGS)
{
	change_unmasked(fcinfo, true);
	PG_RETURN_VOID();
}

/*
 * datamesh.revoke_unmasked(product regclass, grantee regrole)
 */
Datum
datamesh_revoke_unmasked(PG_FUNCTION_ARGS)
{
	change_unmasked(fcinfo, false);
	PG_RETURN_VOID();
}

/* a scope name: like a domain key part */
static void
check_scope_name(const char *scope)
{
	if (!dm_is_lower_identifier(scope) || strlen(scope) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid pseudonym scope \"%s\"", scope),
				 errdetail("A scope name starts with a lower-case letter and contains only lower-case letters, digits and underscores.")));
}

/*
 * datamesh.set_pseudonym_scope(domain text, scope text): admin only.
 * NULL gives the domain its own scope again.
 */
Datum
datamesh_set_pseudonym_scope(PG_FUNCTION_ARGS)
{
	char	   *key;
	char	   *scope;
	DmDomain	domain;
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("domain must not be null")));
	key = text_to_cstring(PG_GETARG_TEXT_PP(0));
	scope = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!dm_catalog_find(key, &domain))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("domain \"%s\" does not exist", key)));
	if (scope != NULL)
		check_scope_name(scope);
	dm_spi_connect();
	values[0] = CStringGetTextDatum(key);
	exec_catalog("DELETE FROM datamesh.pseudonym_scope WHERE domain = $1",
				 1, types, values, NULL, false);
	if (scope != NULL && strcmp(scope, key) != 0)
	{
		values[1] = CStringGetTextDatum(scope);
		exec_catalog("INSERT INTO datamesh.pseudonym_scope (domain, scope) VALUES ($1, $2)",
					 2, types, values, NULL, false);
	}
	invalidate_access("pseudonym_scope");
	CommandCounterIncrement();
	/* products with pseudonyms need the key of their new scope */
	exec_catalog("SELECT 1 FROM datamesh.product WHERE domain = $1",
				 1, types, values, NULL, true);
	if (SPI_processed > 0)
		ensure_key(&domain);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * datamesh.rotate_key(scope text): admin only.  Every pseudonym of the
 * scope changes at once.
 */
Datum
datamesh_rotate_key(PG_FUNCTION_ARGS)
{
	char	   *scope;
	unsigned char key[DM_KEY_BYTES];
	bytea	   *kb;
	Oid			types[2] = {TEXTOID, BYTEAOID};
	Datum		values[2];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("scope must not be null")));
	scope = text_to_cstring(PG_GETARG_TEXT_PP(0));
	check_scope_name(scope);
	dm_spi_connect();
	values[0] = CStringGetTextDatum(scope);
	exec_catalog("SELECT 1 FROM datamesh.domain d"
				 " LEFT JOIN datamesh.pseudonym_scope s ON s.domain = d.key"
				 " WHERE COALESCE(s.scope, d.key) = $1"
				 " UNION ALL SELECT 1 FROM datamesh.pseudonym_key WHERE scope = $1",
				 1, types, values, NULL, true);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("pseudonym scope \"%s\" does not exist", scope),
				 errhint("A scope is a domain key, or a name given with datamesh.set_pseudonym_scope().")));
	if (!pg_strong_random(key, sizeof(key)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random pseudonym key")));
	kb = palloc(VARHDRSZ + DM_KEY_BYTES);
	SET_VARSIZE(kb, VARHDRSZ + DM_KEY_BYTES);
	memcpy(VARDATA(kb), key, DM_KEY_BYTES);
	values[1] = PointerGetDatum(kb);
	exec_catalog("INSERT INTO datamesh.pseudonym_key (scope, key) VALUES ($1, $2)"
				 " ON CONFLICT (scope) DO UPDATE SET key = excluded.key,"
				 " created_at = pg_catalog.now()",
				 2, types, values, NULL, false);
	invalidate_access("pseudonym_key");
	SPI_finish();
	PG_RETURN_VOID();
}
