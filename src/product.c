/*-------------------------------------------------------------------------
 *
 * product.c
 *		Data products: publishing, classification, regeneration.
 *
 * publish_product makes the view {key}_data_products.{name} over a private
 * relation of the caller's domain: a security_barrier view, owned by the
 * domain's owner role and granted to the consumer role, that passes
 * unclassified columns through and wraps every classified column in its
 * mask function (src/mask.c, src/pseudonym.c).  The product is recorded in datamesh.product
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
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "commands/seclabel.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "parser/parsetree.h"
#include "rewrite/prs2lock.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "access.h"
#include "catalog.h"
#include "datamesh.h"
#include "depend.h"
#include "exec.h"
#include "label.h"
#include "product.h"
#include "pseudonym.h"

PG_FUNCTION_INFO_V1(datamesh_publish_product);
PG_FUNCTION_INFO_V1(datamesh_unpublish_product);
PG_FUNCTION_INFO_V1(datamesh_set_pii);
PG_FUNCTION_INFO_V1(datamesh_unset_pii);
PG_FUNCTION_INFO_V1(datamesh_grant_unmasked);
PG_FUNCTION_INFO_V1(datamesh_revoke_unmasked);
PG_FUNCTION_INFO_V1(datamesh_check_product);

/* how deep classification follows views into views */
#define MAX_VIEW_DEPTH 32

/* what classification found for one column */
typedef struct Classified
{
	bool		classified;
	DmPiiStrategy strategy;
	Oid			relid;			/* a classified column it reads, for messages */
	AttrNumber	attnum;
} Classified;

/* a column classified during the current computation */
typedef struct MemoEntry
{
	Oid			relid;
	AttrNumber	attnum;
	Classified	c;
} MemoEntry;

/*
 * Columns classified so far by the current computation of a product (see
 * compute_product), NIL outside one.  Labels cannot change during one.
 */
static List *classify_memo = NIL;
static bool memo_active = false;

/*
 * The defining queries of views being walked, with their relations: a
 * key of such a query (ORDER BY 2, a window's ORDER BY) names one of the
 * view's own columns, whose own label counts like those of what it reads.
 */
typedef struct ViewQuery
{
	Query	   *query;
	Oid			relid;
} ViewQuery;

static List *view_queries = NIL;

/* state of reads_walker */
typedef struct ReadsContext
{
	List	   *queries;		/* innermost first */
	int			depth;
	Classified	acc;
} ReadsContext;

static void classify_column(Oid relid, AttrNumber attnum, int depth,
							Classified *out);
static void classify_column_uncached(Oid relid, AttrNumber attnum, int depth,
									 Classified *out);
static bool reads_walker(Node *node, ReadsContext *ctx);
static void classify_key(List *queries, Query *q, TargetEntry *key,
						 Classified *out);
static void classify_expr(List *queries, Node *expr, int depth,
						  Classified *out);

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

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

/*
 * schema.name quoted as datamesh's catalog keys are: only where needed,
 * whatever quote_all_identifiers the session set.
 */
static char *
qualify(const char *schema, const char *name)
{
	bool		save = quote_all_identifiers;
	char	   *result;

	quote_all_identifiers = false;
	result = quote_qualified_identifier(schema, name);
	quote_all_identifiers = save;
	return result;
}

static char *
qualified_name(Oid relid)
{
	return qualify(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
}

/* ------------------------------------------------------------------------
 * Classification
 * ------------------------------------------------------------------------
 */

/* is nspid the data_products schema of a domain? */
static bool
is_product_schema(Oid nspid)
{
	DmDomain	domain;
	DmLayer		layer;

	return dm_catalog_schema_domain(nspid, &domain, &layer) &&
		layer == DM_LAYER_DATA_PRODUCTS;
}

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

/*
 * The defining query of a view or materialized view, registered in
 * view_queries until the caller takes it off again
 * (list_delete_first); NULL if it has none.
 */
static Query *
enter_view(Oid relid)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	Query	   *q = relation_query(rel);
	ViewQuery  *vq;

	relation_close(rel, AccessShareLock);
	if (q == NULL)
		return NULL;
	vq = palloc(sizeof(ViewQuery));
	vq->query = q;
	vq->relid = relid;
	view_queries = lcons(vq, view_queries);
	return q;
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
		if (!acc->classified)
		{
			acc->relid = c->relid;
			acc->attnum = c->attnum;
		}
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
	{
		/*
		 * A column no target entry computes: those that SEARCH and CYCLE
		 * add to a recursive CTE hold the values of their keys.  Hide it.
		 */
		out->classified = true;
		out->strategy.kind = DM_PII_REDACT;
		return;
	}
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
	if (IsA(node, WindowFunc) && ctx->queries != NIL)
	{
		/*
		 * A window function's value depends on the order and partitioning
		 * of its window: rank() OVER (ORDER BY salary) shows the order of
		 * the salaries.  Its keys are read like its arguments.
		 */
		Query	   *q = linitial(ctx->queries);
		ListCell   *lc;

		foreach(lc, q->windowClause)
		{
			WindowClause *wc = lfirst(lc);
			ListCell   *lc2;

			if (wc->winref != ((WindowFunc *) node)->winref)
				continue;
			foreach(lc2, list_concat_copy(wc->partitionClause, wc->orderClause))
			{
				TargetEntry *key = get_sortgroupclause_tle(lfirst(lc2), q->targetList);
				Classified	c;

				classify_key(ctx->queries, q, key, &c);
				merge(&ctx->acc, &c, true);
			}
			reads_walker(wc->startOffset, ctx);
			reads_walker(wc->endOffset, ctx);
		}
		return expression_tree_walker(node, reads_walker, (void *) ctx);
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
	ListCell   *lc;
	MemoEntry  *memo;

	CHECK_FOR_INTERRUPTS();
	if (!memo_active)
	{
		classify_column_uncached(relid, attnum, depth, out);
		return;
	}
	/* view graphs are diamonds: classify each column once per computation */
	foreach(lc, classify_memo)
	{
		memo = lfirst(lc);
		if (memo->relid == relid && memo->attnum == attnum)
		{
			*out = memo->c;
			return;
		}
	}
	classify_column_uncached(relid, attnum, depth, out);
	memo = palloc(sizeof(MemoEntry));
	memo->relid = relid;
	memo->attnum = attnum;
	memo->c = *out;
	classify_memo = lappend(classify_memo, memo);
}

/* classify_column without the memo */
static void
classify_column_uncached(Oid relid, AttrNumber attnum, int depth, Classified *out)
{
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
		out->relid = relid;
		out->attnum = attnum;
		/* a view column's own label is what it shows; a table's joins its family's */
		relkind = get_rel_relkind(relid);
		if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
			relkind != RELKIND_FOREIGN_TABLE)
			return;
	}
	/* a product masks for its readers itself: only its own labels count */
	if (is_product_schema(get_rel_namespace(relid)))
		return;
	/*
	 * Tables of one inheritance tree or partitioning share their data: a
	 * parent's scan returns its children's rows, a child holds what its
	 * parent's label describes.  The labels of the same-named column of
	 * every ancestor and descendant count, as if passed through.
	 */
	relkind = get_rel_relkind(relid);
	if (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
		relkind == RELKIND_FOREIGN_TABLE)
	{
		char	   *attname = get_attname(relid, attnum, false);
		List	   *family = list_concat(dm_depend_ancestors(relid),
										 find_all_inheritors(relid, NoLock, NULL));
		ListCell   *lc;

		foreach(lc, family)
		{
			Oid			member = lfirst_oid(lc);
			AttrNumber	member_attnum;
			Classified	c;

			if (member == relid)
				continue;
			member_attnum = get_attnum(member, attname);
			if (member_attnum == InvalidAttrNumber)
				continue;
			LockRelationOid(member, ShareUpdateExclusiveLock);
			memset(&c, 0, sizeof(c));
			if (column_label(member, member_attnum, &c.strategy))
			{
				c.classified = true;
				c.relid = member;
				c.attnum = member_attnum;
				merge(out, &c, false);
			}
		}
		return;
	}
	relkind = get_rel_relkind(relid);
	if (relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW)
		return;
	q = enter_view(relid);
	if (q != NULL)
	{
		PG_TRY();
		{
			classify_output(NIL, q, attnum, depth + 1, out);
		}
		PG_FINALLY();
		{
			view_queries = list_delete_first(view_queries);
		}
		PG_END_TRY();
	}
}

/*
 * Classification of a key of query q, the head of queries: the key
 * expression, and the label of the view column it is, if q defines a view
 * and the key is one of its output columns.  A key of a set operation is
 * fed by every arm.
 */
static void
classify_key(List *queries, Query *q, TargetEntry *key, Classified *out)
{
	ListCell   *lc;
	Classified	own;

	if (q->setOperations != NULL && !key->resjunk)
		classify_output(list_copy_tail(queries, 1), q, key->resno, 0, out);
	else
		classify_expr(queries, (Node *) key->expr, 0, out);
	if (key->resjunk)
		return;
	foreach(lc, view_queries)
	{
		ViewQuery  *vq = lfirst(lc);

		if (vq->query != q)
			continue;
		memset(&own, 0, sizeof(own));
		if (column_label(vq->relid, key->resno, &own.strategy))
		{
			own.classified = true;
			own.relid = vq->relid;
			own.attnum = key->resno;
			merge(out, &own, true);
		}
		break;
	}
}

/* ------------------------------------------------------------------------
 * Row keys: what decides which rows a source returns, and in which order
 * ------------------------------------------------------------------------
 */

/* state of keys_walker */
typedef struct KeysContext
{
	List	   *queries;		/* innermost first */
	List	   *visited;		/* views whose queries were checked */
	int			depth;
	int			sublinks;		/* sub-links entered */
	Oid			source;			/* the product's source, for messages */
} KeysContext;

static bool keys_walker(Node *node, KeysContext *ctx);
static void check_relation_keys(KeysContext *ctx, Oid relid);

/*
 * Refuses a key of q -- what orders, groups, de-duplicates or limits its
 * rows -- that reads a classified column: rows come out of a view in its
 * ORDER BY order, one per group, or the first n, so such a key shows the
 * order, equality or rank of clear values even where no column shows them.
 */
static void
check_key(KeysContext *ctx, Query *q, TargetEntry *key, Node *expr,
		  const char *what)
{
	Classified	c;

	if (key != NULL)
		classify_key(ctx->queries, q, key, &c);
	else if (expr != NULL)
		classify_expr(ctx->queries, expr, 0, &c);
	else
		return;
	if (!c.classified)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("cannot publish a data product over %s: its %s reads classified column %s",
					qualified_name(ctx->source), what,
					OidIsValid(c.relid) ?
					psprintf("\"%s\" of %s", get_attname(c.relid, c.attnum, false),
							 qualified_name(c.relid)) : "(too deep to follow)"),
			 errdetail("The order, grouping or selection of a product's rows would show the order or equality of the clear values."),
			 errhint("Sort, group or limit on a column that is not classified; consumers may sort the product themselves.")));
}

static void
check_query_keys(KeysContext *ctx, Query *q)
{
	ListCell   *lc;

	foreach(lc, q->sortClause)
		check_key(ctx, q, get_sortgroupclause_tle(lfirst(lc), q->targetList), NULL,
				  "ORDER BY");
	foreach(lc, q->groupClause)
		check_key(ctx, q, get_sortgroupclause_tle(lfirst(lc), q->targetList), NULL,
				  "GROUP BY");
	foreach(lc, q->distinctClause)
		check_key(ctx, q, get_sortgroupclause_tle(lfirst(lc), q->targetList), NULL,
				  q->hasDistinctOn ? "DISTINCT ON" : "DISTINCT");
	check_key(ctx, q, NULL, q->limitCount, "LIMIT");
	check_key(ctx, q, NULL, q->limitOffset, "OFFSET");

	/*
	 * A window sorts the rows by its PARTITION BY and ORDER BY, and they
	 * come out in that order.  Inside a sub-link the order stays there
	 * (its value is redacted instead, see reads_walker).
	 */
	if (ctx->sublinks == 0)
	{
		foreach(lc, q->windowClause)
		{
			WindowClause *wc = lfirst(lc);
			ListCell   *lc2;

			foreach(lc2, list_concat_copy(wc->partitionClause, wc->orderClause))
				check_key(ctx, q, get_sortgroupclause_tle(lfirst(lc2), q->targetList),
						  NULL, "window PARTITION BY or ORDER BY");
		}
	}
}

/*
 * Visits every query a source's rows come through: the source view, its
 * sub-queries, CTEs and sub-links, and every view it reads, each once.
 */
static bool
keys_walker(Node *node, KeysContext *ctx)
{
	if (node == NULL)
		return false;
	CHECK_FOR_INTERRUPTS();
	if (IsA(node, Query))
	{
		bool		r;

		ctx->queries = lcons(node, ctx->queries);
		check_query_keys(ctx, (Query *) node);
		r = query_tree_walker((Query *) node, keys_walker, (void *) ctx,
							  QTW_EXAMINE_RTES_BEFORE);
		ctx->queries = list_delete_first(ctx->queries);
		return r;
	}
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION)
			check_relation_keys(ctx, rte->relid);
		return false;
	}
	if (IsA(node, SubLink))
	{
		bool		r;

		ctx->sublinks++;
		r = expression_tree_walker(node, keys_walker, (void *) ctx);
		ctx->sublinks--;
		return r;
	}
	return expression_tree_walker(node, keys_walker, (void *) ctx);
}

/* the keys of a view or materialized view and of what it reads */
static void
check_relation_keys(KeysContext *ctx, Oid relid)
{
	char		relkind = get_rel_relkind(relid);
	Query	   *q;
	List	   *saved;

	if ((relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW) ||
		list_member_oid(ctx->visited, relid) ||
		is_product_schema(get_rel_namespace(relid)))
		return;
	ctx->visited = lappend_oid(ctx->visited, relid);
	if (++ctx->depth > MAX_VIEW_DEPTH * 4)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cannot publish a data product over %s: it reads views nested too deeply",
						qualified_name(ctx->source))));
	q = enter_view(relid);
	if (q != NULL)
	{
		saved = ctx->queries;
		ctx->queries = NIL;
		PG_TRY();
		{
			keys_walker((Node *) q, ctx);
		}
		PG_FINALLY();
		{
			view_queries = list_delete_first(view_queries);
		}
		PG_END_TRY();
		ctx->queries = saved;
	}
	ctx->depth--;
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
	bool		by_user;		/* publish_product, not a regeneration */
} ProductDef;

static bool
is_metadata_column(const char *name)
{
	return strcmp(name, DM_COL_ADDED_AT) == 0 ||
		strcmp(name, DM_COL_TYPE) == 0 ||
		strcmp(name, DM_COL_SOURCE_SYSTEM) == 0;
}

/*
 * The column names of a relation, in order; without the metadata columns
 * if asked (what a product publishes by default).
 */
static List *
relation_columns(Oid relid, bool skip_metadata)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *names = NIL;
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped &&
			!(skip_metadata && is_metadata_column(NameStr(att->attname))))
			names = lappend(names, pstrdup(NameStr(att->attname)));
	}
	relation_close(rel, AccessShareLock);
	return names;
}

/* the type with typmod, as SQL, for casting a masked value back */
static char *
type_sql(Oid typid, int32 typmod)
{
	return format_type_with_typemod(typid, typmod);
}

/*
 * The SELECT item for one column: the column itself, or its mask.  The
 * mask keeps the column's type and typmod (numeric(p,s) through a bucket
 * that hides what does not fit); a domain type becomes its base type,
 * whose constraints a masked value cannot break.
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
	if (typid != base)
		typmod = -1;			/* a domain's typmod is its base type's */

	switch (st.kind)
	{
		case DM_PII_REDACT:
			appendStringInfo(sql, "datamesh.mask_redact(%s::%s, %s)", ref,
							 type_sql(base, -1), product_lit);
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
			if (base == NUMERICOID && typmod >= 0)
				appendStringInfo(sql, "datamesh.mask_bucket(%s, %s::pg_catalog.numeric, %d, %s)",
								 ref, quote_literal_cstr(st.bucket), typmod, product_lit);
			else
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
	 * another (text for varchar, no typmod).  Every such cast is quiet:
	 * text-like types truncate, timestamps of a period start fit, a
	 * numeric bucket already fits its typmod, and NULL fits everything.
	 */
	if (typmod >= 0 || base == VARCHAROID || base == BPCHAROID ||
		(st.kind == DM_PII_REDACT && typid != base))
		appendStringInfo(sql, "::%s", type_sql(base, typmod));
	appendStringInfo(sql, " AS %s", qcol);
}

/* what a product's view must be, computed from the catalogs as they are */
typedef struct ProductView
{
	char	   *select_sql;		/* SELECT ... FROM source AS s */
	char	   *querydef;		/* the same, parsed and printed back */
	List	   *names;			/* output columns, of char * */
	List	   *types;			/* their types, typmods and collations */
	List	   *typmods;
	List	   *collations;
	bool		has_hash;		/* a column needs the scope's key */
	List	   *hash_columns;	/* those columns, of char * */
} ProductView;

/* a query printed back as PostgreSQL stores and shows it */
static char *
query_text(Query *q)
{
	int			nestlevel = dm_safe_search_path();
	char	   *text = pg_get_querydef(q, false);

	dm_restore_settings(nestlevel);
	return text;
}

/* the column names, types, typmods and collations of a query's output */
static void
query_columns(Query *q, ProductView *pv)
{
	ListCell   *lc;

	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);

		if (tle->resjunk)
			continue;
		pv->names = lappend(pv->names, pstrdup(tle->resname));
		pv->types = lappend_oid(pv->types, exprType((Node *) tle->expr));
		pv->typmods = lappend_int(pv->typmods, exprTypmod((Node *) tle->expr));
		pv->collations = lappend_oid(pv->collations, exprCollation((Node *) tle->expr));
	}
}

/*
 * Computes a product's view from the catalogs as they are now: the one
 * place that decides what a product shows.  Publishing, regeneration and
 * datamesh.verify() all call it.  Refuses, with an error, a source whose
 * rows are ordered, grouped or limited by a classified column.  Changes
 * nothing.
 */
static void
compute_view(const ProductDef *def, ProductView *pv)
{
	Relation	src = relation_open(def->source, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(src);
	StringInfoData items;
	List	   *names = NIL;
	char	   *qview = qualify(def->schema, def->name);
	char	   *product_lit = quote_literal_cstr(qview);
	KeysContext keys;
	int			i;
	ListCell   *lc;
	int			nestlevel;
	List	   *raw = NIL;
	Query	   *q = NULL;
	Oid			save_user;
	int			save_sec;

	memset(pv, 0, sizeof(*pv));
	initStringInfo(&items);

	/* the columns: given, or all but the metadata columns */
	names = def->columns != NIL ? list_copy(def->columns) :
		relation_columns(def->source, true);
	if (names == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("data product \"%s\" would have no columns", def->name),
				 errhint("Name the columns to publish, or publish a relation with columns besides the metadata columns.")));

	foreach(lc, names)
	{
		char	   *col = lfirst(lc);
		Form_pg_attribute att = NULL;
		Classified	c;

		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute a = TupleDescAttr(desc, i);

			if (!a->attisdropped && strcmp(NameStr(a->attname), col) == 0)
				att = a;
		}
		if (att == NULL && def->by_user)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation %s does not exist",
							col, qualified_name(def->source)),
					 errhint("The columns of a product must be columns of its source.")));
		if (att == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("cannot change relation %s: data product %s publishes its column \"%s\"",
							qualified_name(def->source), qview, col),
					 errdetail("A column that a product publishes keeps its name in the product's source."),
					 errhint("Keep the old name in a view between the source and the product, or publish the product again with datamesh.publish_product() and its new column list.")));
		classify_column(def->source, att->attnum, 0, &c);
		if (c.classified && c.strategy.kind == DM_PII_HASH &&
			dm_pii_type_supported(&c.strategy, getBaseType(att->atttypid)))
		{
			pv->has_hash = true;
			pv->hash_columns = lappend(pv->hash_columns, col);
		}
		if (items.len > 0)
			appendStringInfoString(&items, ", ");
		append_column(&items, col, att->atttypid, att->atttypmod, &c, product_lit);
	}
	relation_close(src, AccessShareLock);

	/* the order, grouping and selection of the source's rows */
	memset(&keys, 0, sizeof(keys));
	keys.source = def->source;
	check_relation_keys(&keys, def->source);

	pv->select_sql = psprintf("SELECT %s FROM %s AS s", items.data,
							  qualified_name(def->source));

	/*
	 * Parsed as CREATE VIEW would parse it, printed back for comparison: as
	 * the bootstrap superuser, since whoever changed something upstream
	 * may lack USAGE on the schemas named; parsing runs nothing of theirs.
	 */
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	nestlevel = dm_safe_search_path();
	PG_TRY();
	{
		raw = raw_parser(pv->select_sql, RAW_PARSE_DEFAULT);
		q = parse_analyze_fixedparams(linitial_node(RawStmt, raw), pv->select_sql,
									  NULL, 0, NULL);
	}
	PG_FINALLY();
	{
		dm_restore_settings(nestlevel);
		SetUserIdAndSecContext(save_user, save_sec);
	}
	PG_END_TRY();

	/*
	 * A stored view's query also holds the range table entries OLD and NEW,
	 * which make PostgreSQL print every column with its relation's name:
	 * give this one the same two, so that both print alike.
	 */
	{
		RangeTblEntry *old = copyObject(linitial_node(RangeTblEntry, q->rtable));
		RangeTblEntry *new = copyObject(old);

		old->alias = makeAlias("old", NIL);
		old->eref = makeAlias("old", NIL);
		new->alias = makeAlias("new", NIL);
		new->eref = makeAlias("new", NIL);
		q->rtable = lappend(lappend(q->rtable, old), new);
	}
	pv->querydef = query_text(q);
	query_columns(q, pv);
}

/* compute_view with the classification memo active, and reset after */
static void
compute_product(const ProductDef *def, ProductView *pv)
{
	classify_memo = NIL;
	memo_active = true;
	PG_TRY();
	{
		compute_view(def, pv);
	}
	PG_FINALLY();
	{
		memo_active = false;
		classify_memo = NIL;
	}
	PG_END_TRY();
}

/* how a view's columns compare with those a product needs */
typedef enum ColumnsMatch
{
	COLUMNS_SAME,				/* same names, types, typmods, collations */
	COLUMNS_EXTENDED,			/* the view's are a prefix: replace in place */
	COLUMNS_DIFFERENT			/* the view must be dropped and made anew */
} ColumnsMatch;

static ColumnsMatch
columns_match(Oid viewid, const ProductView *pv)
{
	Relation	rel = relation_open(viewid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;
	int			n = 0;
	ColumnsMatch result = COLUMNS_SAME;

	for (i = 0; i < desc->natts && result != COLUMNS_DIFFERENT; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		if (n >= list_length(pv->names) ||
			strcmp(NameStr(att->attname), (char *) list_nth(pv->names, n)) != 0 ||
			att->atttypid != list_nth_oid(pv->types, n) ||
			att->atttypmod != list_nth_int(pv->typmods, n) ||
			att->attcollation != list_nth_oid(pv->collations, n))
			result = COLUMNS_DIFFERENT;
		n++;
	}
	relation_close(rel, AccessShareLock);
	if (result == COLUMNS_SAME && n < list_length(pv->names))
		result = COLUMNS_EXTENDED;
	return result;
}

/* does the view read exactly what pv says? */
static bool
view_is(Oid viewid, const ProductView *pv)
{
	Relation	rel;
	Query	   *q;
	bool		same;

	if (columns_match(viewid, pv) != COLUMNS_SAME)
		return false;
	rel = relation_open(viewid, AccessShareLock);
	q = relation_query(rel);
	same = q != NULL && strcmp(query_text(q), pv->querydef) == 0 &&
		RelationIsSecurityView(rel) && !RelationHasSecurityInvoker(rel) &&
		!RelationHasCheckOption(rel);
	relation_close(rel, AccessShareLock);
	return same;
}

/* collects the objects that depend on a product, each once */
static void
collect_dependent(const ObjectAddress *dependent, Oid dependent_schema,
				  const ObjectAddress *referenced, Oid referenced_schema,
				  void *arg)
{
	List	  **names = (List **) arg;
	char	   *desc = dm_describe_object(dependent);
	ListCell   *lc;

	/* a view reads each column separately: name it once */
	foreach(lc, *names)
		if (strcmp(lfirst(lc), desc) == 0)
			return;
	*names = lappend(*names, desc);
}

/*
 * Refuses to drop a product view that other objects depend on, naming
 * them, before DROP VIEW would fail with a less helpful message.
 */
static void
check_no_dependents(Oid viewid, const char *action)
{
	ObjectAddress addr;
	List	   *names = NIL;
	StringInfoData list;
	ListCell   *lc;

	ObjectAddressSet(addr, RelationRelationId, viewid);
	dm_depend_dependents(&addr, collect_dependent, &names);
	if (names == NIL)
		return;
	initStringInfo(&list);
	foreach(lc, names)
		appendStringInfo(&list, "\n%s", (char *) lfirst(lc));
	ereport(ERROR,
			(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			 errmsg("cannot %s data product %s because other objects depend on it",
					action, qualified_name(viewid)),
			 errdetail("Objects that read the product:%s", list.data),
			 errhint("Those objects must stop reading the product first; their owners can change them.")));
}

/*
 * DDL on a product view, as its domain's owner.  An error is reported as
 * datamesh's, naming the product, never with the generated SQL.
 */
static void
product_ddl(const DmDomain *domain, const char *qview, const char *sql)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		dm_exec_as(domain->owner, sql);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->elevel != ERROR)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(edata->sqlerrcode),
				 errmsg("could not generate the view of data product %s", qview),
				 errdetail("%s", edata->message),
				 errhint("Nothing was changed.  datamesh.verify() compares every product with the view it should have.")));
	}
	PG_END_TRY();
}

/* the SELECT grants of a view to others than its owner, to give again */
typedef struct SavedGrant
{
	char	   *grantee;		/* quoted role name, or PUBLIC */
	bool		grantable;
} SavedGrant;

/*
 * The grants on a view to others than its owner: of SELECT (select) or of
 * every other privilege (!select), one per grantee and privilege.
 */
static List *
view_grants(Oid viewid, bool select)
{
	Oid			types[2] = {OIDOID, BOOLOID};
	Datum		values[2] = {ObjectIdGetDatum(viewid), BoolGetDatum(select)};
	List	   *grants = NIL;
	uint64		i;

	dm_exec_catalog("SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
				 " ELSE pg_catalog.quote_ident(r.rolname) END, a.is_grantable"
				 " FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a"
				 " LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee"
				 " WHERE c.oid = $1 AND a.grantee <> c.relowner"
				 " AND (a.privilege_type = 'SELECT') = $2",
				 2, types, values, NULL, false);
	for (i = 0; i < SPI_processed; i++)
	{
		SavedGrant *g = palloc(sizeof(SavedGrant));
		char	   *grantable = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);

		g->grantee = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		g->grantable = grantable != NULL && grantable[0] == 't';
		if (g->grantee != NULL)
			grants = lappend(grants, g);
	}
	return grants;
}

/*
 * Products are read-only: takes every privilege but SELECT from everyone
 * but the owner (default privileges may have given some to a new view).
 */
static void
make_read_only(Oid viewid, const DmDomain *domain, const char *qview)
{
	List	   *grantees = view_grants(viewid, false);
	ListCell   *lc;

	foreach(lc, grantees)
		product_ddl(domain, qview,
					psprintf("REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %s FROM %s",
							 qview, ((SavedGrant *) lfirst(lc))->grantee));
}

/*
 * Makes the view of def what compute_product says it must be: nothing
 * happens when it is already; it is replaced in place when its columns
 * stay (or only grow), and dropped and made anew, with its grants and
 * comment, when their names or types change and nothing reads it.
 * Returns its OID.  (SPI connected; the caller checked the privileges)
 */
static Oid
generate_view(const ProductDef *def, const DmDomain *domain, List **hash_columns,
			  bool *changed)
{
	ProductView pv;
	char	   *qview = qualify(def->schema, def->name);
	Oid			nspid = get_namespace_oid(def->schema, false);
	Oid			viewid;
	List	   *grants = NIL;
	char	   *comment = NULL;
	bool		remade = false;
	ListCell   *lc;

	compute_product(def, &pv);
	*hash_columns = pv.hash_columns;
	*changed = false;

	viewid = get_relname_relid(def->name, nspid);
	if (OidIsValid(viewid) && view_is(viewid, &pv))
	{
		if (def->description != NULL)
			product_ddl(domain, qview, psprintf("COMMENT ON VIEW %s IS %s", qview,
												quote_literal_cstr(def->description)));
		return viewid;
	}
	*changed = true;
	if (OidIsValid(viewid) && columns_match(viewid, &pv) == COLUMNS_DIFFERENT)
	{
		/* the columns change: drop it, if nothing depends on it */
		check_no_dependents(viewid, "change the columns of");
		grants = view_grants(viewid, true);
		comment = GetComment(viewid, RelationRelationId, 0);
		product_ddl(domain, qview, psprintf("DROP VIEW %s", qview));
		remade = true;
	}

	product_ddl(domain, qview,
				psprintf("CREATE OR REPLACE VIEW %s WITH (security_barrier) AS %s",
						 qview, pv.select_sql));
	product_ddl(domain, qview, psprintf("ALTER VIEW %s SET (security_barrier = true)", qview));
	product_ddl(domain, qview, psprintf("ALTER VIEW %s RESET (security_invoker, check_option)", qview));
	product_ddl(domain, qview, psprintf("GRANT SELECT ON %s TO %s", qview,
										dm_consumer_role_sql()));
	foreach(lc, grants)
	{
		SavedGrant *g = lfirst(lc);

		product_ddl(domain, qview, psprintf("GRANT SELECT ON %s TO %s%s", qview, g->grantee,
											g->grantable ? " WITH GRANT OPTION" : ""));
	}
	if (def->description != NULL || (remade && comment != NULL))
		product_ddl(domain, qview, psprintf("COMMENT ON VIEW %s IS %s", qview,
											quote_literal_cstr(def->description ?
															   def->description : comment)));
	CommandCounterIncrement();
	viewid = get_relname_relid(def->name, nspid);
	make_read_only(viewid, domain, qview);
	CommandCounterIncrement();
	return viewid;
}

/*
 * The hash columns of a product view that no reader could read: planning
 * refuses a pseudonym whose value does not come from relations of the
 * product's scope (another domain's product, a table outside the mesh, a
 * function in FROM).  Each column is planned, not run, in a
 * subtransaction that is rolled back.  (SPI connected, catalog row in place)
 */
static List *
unreadable_hash_columns(const char *qview, List *hash_columns)
{
	List	   *bad = NIL;
	ListCell   *lc;

	foreach(lc, hash_columns)
	{
		char	   *col = lfirst(lc);
		MemoryContext cxt = CurrentMemoryContext;
		ResourceOwner owner = CurrentResourceOwner;

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(cxt);
		PG_TRY();
		{
			dm_exec_catalog(psprintf("EXPLAIN SELECT %s FROM %s", quote_identifier(col), qview),
						 0, NULL, NULL, NULL, false);
			RollbackAndReleaseCurrentSubTransaction();
		}
		PG_CATCH();
		{
			ErrorData  *edata;

			MemoryContextSwitchTo(cxt);
			edata = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			if (edata->sqlerrcode != ERRCODE_INSUFFICIENT_PRIVILEGE)
			{
				MemoryContextSwitchTo(cxt);
				CurrentResourceOwner = owner;
				ReThrowError(edata);
			}
			bad = lappend(bad, col);
		}
		PG_END_TRY();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	return bad;
}

/*
 * Creates or regenerates a product and records it, with its columns
 * resolved: a column added to the source later is published only when
 * publish_product runs again.  The version counts the changes of the
 * view.  (SPI connected)
 */
static Oid
publish(ProductDef *def, const DmDomain *domain)
{
	List	   *hash_columns;
	bool		changed;
	Oid			viewid;
	char	   *qview = qualify(def->schema, def->name);
	List	   *bad;
	Oid			types[7] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, NAMEARRAYOID, TEXTOID, BOOLOID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	Datum	   *elems;
	int			i = 0;
	ListCell   *lc;

	if (def->columns == NIL)
		def->columns = relation_columns(def->source, true);
	viewid = generate_view(def, domain, &hash_columns, &changed);
	if (hash_columns != NIL)
		dm_pseudonym_sync_keys();

	values[0] = CStringGetTextDatum(qview);
	values[1] = CStringGetTextDatum(domain->key);
	values[2] = CStringGetTextDatum(def->name);
	values[3] = CStringGetTextDatum(qualified_name(def->source));
	elems = palloc(sizeof(Datum) * Max(list_length(def->columns), 1));
	foreach(lc, def->columns)
		elems[i++] = DirectFunctionCall1(namein, CStringGetDatum(lfirst(lc)));
	values[4] = PointerGetDatum(construct_array(elems, i, NAMEOID,
												NAMEDATALEN, false, TYPALIGN_CHAR));
	if (def->description != NULL)
		values[5] = CStringGetTextDatum(def->description);
	else
		nulls[5] = 'n';
	/* a call of publish_product counts, a regeneration only if it changed the view */
	values[6] = BoolGetDatum(changed || def->by_user);
	dm_exec_catalog("INSERT INTO datamesh.product AS p"
				 " (product, domain, name, source, columns, description)"
				 " VALUES ($1, $2, $3, $4, $5, $6)"
				 " ON CONFLICT (product) DO UPDATE SET"
				 " source = excluded.source, columns = excluded.columns,"
				 " description = COALESCE(excluded.description, p.description),"
				 " version = p.version + CASE WHEN $7 THEN 1 ELSE 0 END,"
				 " updated_at = CASE WHEN $7 THEN pg_catalog.now() ELSE p.updated_at END",
				 7, types, values, nulls, false);
	dm_access_invalidate("product");

	/* a pseudonym no reader could read fails the statement, not the readers */
	CommandCounterIncrement();
	bad = unreadable_hash_columns(qview, hash_columns);
	if (bad != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("data product %s cannot pseudonymize column \"%s\"",
						qview, (char *) linitial(bad)),
				 errdetail("The column is classified \"hash\", but its values do not come from the columns of relations of the product's pseudonym scope, so no reader could read it."),
				 errhint("Classify the column with another strategy, such as \"redact\", where it leaves the scope's relations.")));
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
				 layer == DM_LAYER_DATA_PRODUCTS ?
				 errhint("To change a product, publish its source again with datamesh.publish_product().") :
				 errhint("A saved query is a foundation for nothing: move it to schema \"%s\" (ALTER ... SET SCHEMA) and publish it from there.",
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

	def.by_user = true;
	dm_spi_connect();
	viewid = publish(&def, &domain);
	SPI_finish();
	PG_RETURN_OID(viewid);
}

/* is the view recorded as a product? (SPI connected) */
static bool
product_row(Oid viewid)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];

	values[0] = CStringGetTextDatum(qualified_name(viewid));
	dm_exec_catalog("SELECT 1 FROM datamesh.product WHERE product = $1",
				 1, types, values, NULL, false);
	return SPI_processed > 0;
}

/* resolves a product argument and checks the caller's membership */
static void
product_arg(Oid viewid, DmDomain *domain, const char *what)
{
	DmLayer		layer;

	if (get_rel_relkind(viewid) != RELKIND_VIEW ||
		!dm_catalog_schema_domain(get_rel_namespace(viewid), domain, &layer) ||
		layer != DM_LAYER_DATA_PRODUCTS ||
		!product_row(viewid))
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
	dm_exec_as(domain.owner, psprintf("DROP VIEW %s", qview));
	values[0] = CStringGetTextDatum(qview);
	dm_exec_catalog("DELETE FROM datamesh.unmasked WHERE product = $1", 1, types, values, NULL, false);
	dm_exec_catalog("DELETE FROM datamesh.product WHERE product = $1", 1, types, values, NULL, false);
	dm_access_invalidate("product");
	SPI_finish();
	PG_RETURN_VOID();
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
 * The recorded definition of the product whose view is viewid, read with
 * the latest snapshot (a product published by a transaction this one
 * waited for counts); false if the view is no recorded product.  Its
 * source is what the view reads; the comment is kept as it is.
 * (SPI connected)
 */
static bool
product_def(Oid viewid, ProductDef *def, DmDomain *domain)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	HeapTuple	tup;
	TupleDesc	tupdesc;
	bool		isnull;
	Datum		cols;
	char	   *key;

	values[0] = CStringGetTextDatum(qualified_name(viewid));
	dm_exec_catalog_latest("SELECT domain, name, columns::pg_catalog.text[]"
						" FROM datamesh.product WHERE product = $1",
						1, types, values);
	if (SPI_processed == 0)
		return false;
	tup = SPI_tuptable->vals[0];
	tupdesc = SPI_tuptable->tupdesc;
	key = SPI_getvalue(tup, tupdesc, 1);
	if (key == NULL || !dm_catalog_find(key, domain))
		return false;
	memset(def, 0, sizeof(*def));
	def->source = product_source(viewid);
	if (!OidIsValid(def->source))
		return false;
	def->schema = dm_schema_name(domain->key, DM_LAYER_DATA_PRODUCTS);
	def->name = SPI_getvalue(tup, tupdesc, 2);
	cols = SPI_getbinval(tup, tupdesc, 3, &isnull);
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
				def->columns = lappend(def->columns, TextDatumGetCString(elems[j]));
	}
	else
		def->columns = relation_columns(viewid, false);	/* recorded before 0.1 */
	def->description = NULL;
	return true;
}

/*
 * Regenerates every product that reads one of relids, directly or through
 * any number of views in any schema: after a label, a view definition or
 * a table changed.  A product that cannot be made as it must be fails the
 * statement, so no committed state shows less masking than a
 * regeneration would.
 */
void
dm_product_regenerate_for(List *relids, bool redefined)
{
	List	   *products = NIL;
	List	   *matviews = NIL;
	ListCell   *lc;
	ListCell   *lc2;

	/* a parent's scan returns its children's rows: their labels reach it */
	foreach(lc, list_copy(relids))
		relids = list_concat_unique_oid(relids, dm_depend_ancestors(lfirst_oid(lc)));

	/* the product views downstream, each once */
	foreach(lc, relids)
	{
		foreach(lc2, dm_depend_downstream(lfirst_oid(lc)))
		{
			Oid			reader = lfirst_oid(lc2);

			if (get_rel_relkind(reader) == RELKIND_VIEW &&
				is_product_schema(get_rel_namespace(reader)))
				products = list_append_unique_oid(products, reader);
			else if (get_rel_relkind(reader) == RELKIND_MATVIEW)
				matviews = list_append_unique_oid(matviews, reader);
		}
	}
	if (products == NIL)
		return;

	dm_spi_connect();

	/*
	 * A materialized view downstream of a replaced definition still holds
	 * rows its old definition computed, which its new one would classify
	 * otherwise: refresh it, nearest first, before products are made
	 * from what it now says it holds.
	 */
	if (redefined)
	{
		foreach(lc, matviews)
		{
			Oid			mv = lfirst_oid(lc);
			HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(mv));
			Oid			owner;
			bool		populated;

			if (!HeapTupleIsValid(tuple))
				continue;
			owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
			populated = ((Form_pg_class) GETSTRUCT(tuple))->relispopulated;
			ReleaseSysCache(tuple);
			if (populated)
				dm_exec_as(owner, psprintf("REFRESH MATERIALIZED VIEW %s", qualified_name(mv)));
		}
		CommandCounterIncrement();
	}

	foreach(lc, products)
	{
		ProductDef	def;
		DmDomain	domain;

		/* unknown products are left alone: a restore brings their rows later */
		if (product_def(lfirst_oid(lc), &def, &domain))
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
	dm_exec_as(BOOTSTRAP_SUPERUSERID,
			psprintf("SECURITY LABEL FOR datamesh ON COLUMN %s.%s IS %s",
					 qualified_name(relid), quote_identifier(col),
					 label ? quote_literal_cstr(label) : "NULL"));
	SPI_finish();
	CommandCounterIncrement();
	dm_product_regenerate_for(list_make1_oid(relid), false);
}

/* a parsed strategy written the one way: "partial(2,2)", not "partial( 2, 2 )" */
static char *
strategy_text(const DmPiiStrategy *st)
{
	switch (st->kind)
	{
		case DM_PII_REDACT:
			return "redact";
		case DM_PII_HASH:
			return "hash";
		case DM_PII_EMAIL:
			return "email";
		case DM_PII_PARTIAL:
			return psprintf("partial(%d,%d)", st->prefix, st->suffix);
		case DM_PII_YEAR:
			return "year";
		case DM_PII_MONTH:
			return "month";
		case DM_PII_BUCKET:
			return psprintf("bucket(%s)", st->bucket);
	}
	return "redact";
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
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("masking strategy must not be null"),
				 errhint("Leave the strategy out for \"redact\"; datamesh.unset_pii() removes a classification.")));
	strategy = text_to_cstring(PG_GETARG_TEXT_PP(2));
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
	set_label(relid, col, psprintf("pii:%s", strategy_text(&st)));
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
		dm_exec_catalog("INSERT INTO datamesh.unmasked (product, grantee) VALUES ($1, $2)"
					 " ON CONFLICT DO NOTHING", 2, types, values, NULL, false);
	else
		dm_exec_catalog("DELETE FROM datamesh.unmasked WHERE product = $1 AND grantee = $2",
					 2, types, values, NULL, false);
	dm_access_invalidate("unmasked");
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

/* ------------------------------------------------------------------------
 * verify
 * ------------------------------------------------------------------------
 */

/* one row of check_product's result */
static void
problem(ReturnSetInfo *rsinfo, const char *what, const char *detail)
{
	Datum		values[2];
	bool		nulls[2] = {false, detail == NULL};

	values[0] = CStringGetTextDatum(what);
	values[1] = detail ? CStringGetTextDatum(detail) : (Datum) 0;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * Compares a product's view with what compute_product makes of the
 * catalogs now, in a subtransaction that is always rolled back, so that
 * nothing changes; an error of the computation is reported as a row.
 */
static void
check_view(ReturnSetInfo *rsinfo, Oid viewid, const DmDomain *domain)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ProductDef	def;
	DmDomain	d;
	ProductView pv;
	char	   *error = NULL;
	bool		found = false;
	ColumnsMatch columns = COLUMNS_SAME;
	bool		same = false;
	int			unreadable = 0;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		/* what product_def reads lives until SPI_finish */
		dm_spi_connect();
		found = product_def(viewid, &def, &d);
		if (found)
		{
			compute_product(&def, &pv);
			columns = columns_match(viewid, &pv);
			same = view_is(viewid, &pv);
			if (same)
				unreadable = list_length(unreadable_hash_columns(qualified_name(viewid),
																 pv.hash_columns));
		}
		SPI_finish();
		MemoryContextSwitchTo(cxt);
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		error = edata->message;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;

	if (error != NULL)
		problem(rsinfo, "cannot be generated", error);
	else if (!found)
		problem(rsinfo, "source not found", "The view reads no relation that datamesh can follow.");
	else if (columns != COLUMNS_SAME)
		problem(rsinfo, "columns differ",
				"The view's columns (names, types, typmods or collations) are not those that datamesh.publish_product() would give it now.");
	else if (!same)
		problem(rsinfo, "masking differs",
				"The view does not read and mask its source as datamesh.publish_product() would make it now.");
	else if (unreadable > 0)
		problem(rsinfo, "unreadable pseudonyms",
				"A column classified \"hash\" takes values from outside the product's pseudonym scope: reading it fails.");
}

/*
 * datamesh.check_product(product text) returns table (problem, detail):
 * what is wrong with one recorded product.  Used by datamesh.verify().
 */
Datum
datamesh_check_product(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *product;
	Oid			viewid;
	DmDomain	domain;
	DmLayer		layer;
	HeapTuple	tuple;
	Form_pg_class form;
	Relation	rel;
	bool		barrier;
	Oid			consumer;
	char	   *consumer_name;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		PG_RETURN_VOID();
	product = text_to_cstring(PG_GETARG_TEXT_PP(0));
	viewid = DatumGetObjectId(DirectFunctionCall1(to_regclass,
												  CStringGetTextDatum(product)));
	if (!OidIsValid(viewid))
	{
		problem(rsinfo, "view missing", "The catalog records a product whose view does not exist.");
		PG_RETURN_VOID();
	}
	if (get_rel_relkind(viewid) != RELKIND_VIEW ||
		!dm_catalog_schema_domain(get_rel_namespace(viewid), &domain, &layer) ||
		layer != DM_LAYER_DATA_PRODUCTS)
	{
		problem(rsinfo, "not a product view", "The relation is not a view in a data_products schema.");
		PG_RETURN_VOID();
	}

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(viewid));
	if (!HeapTupleIsValid(tuple))
		PG_RETURN_VOID();
	form = (Form_pg_class) GETSTRUCT(tuple);
	if (form->relowner != domain.owner)
		problem(rsinfo, "wrong owner",
				psprintf("The view is owned by role \"%s\", not by the domain's owner role \"%s\".",
						 GetUserNameFromId(form->relowner, true) ?
						 GetUserNameFromId(form->relowner, true) : "?",
						 GetUserNameFromId(domain.owner, true) ?
						 GetUserNameFromId(domain.owner, true) : "?"));
	ReleaseSysCache(tuple);

	rel = relation_open(viewid, AccessShareLock);
	barrier = RelationIsSecurityView(rel);
	relation_close(rel, AccessShareLock);
	if (!barrier)
		problem(rsinfo, "not a security barrier", "The view lacks the security_barrier option.");

	/* read-only, and readable by the consumer role */
	consumer_name = dm_setting("consumer_role");
	consumer = consumer_name == NULL || pg_strcasecmp(consumer_name, "public") == 0 ?
		ACL_ID_PUBLIC : get_role_oid(consumer_name, true);
	{
		HeapTuple	t = SearchSysCache1(RELOID, ObjectIdGetDatum(viewid));
		bool		isnull;
		Datum		d;
		bool		granted = false;
		bool		writable = false;

		if (HeapTupleIsValid(t))
		{
			d = SysCacheGetAttr(RELOID, t, Anum_pg_class_relacl, &isnull);
			if (!isnull)
			{
				Acl		   *acl = DatumGetAclP(d);
				AclItem    *items = ACL_DAT(acl);
				int			i;

				for (i = 0; i < ACL_NUM(acl); i++)
				{
					if (items[i].ai_grantee == consumer &&
						(ACLITEM_GET_PRIVS(items[i]) & ACL_SELECT) != 0)
						granted = true;
					if (items[i].ai_grantee != domain.owner &&
						(ACLITEM_GET_PRIVS(items[i]) & ~ACL_SELECT) != 0)
						writable = true;
				}
			}
			ReleaseSysCache(t);
		}
		if (!granted)
			problem(rsinfo, "not granted to consumers",
					"The consumer role lacks SELECT on the product.");
		if (writable)
			problem(rsinfo, "writable",
					"A role other than the owner holds a privilege besides SELECT on the product.");
	}
	check_view(rsinfo, viewid, &domain);
	PG_RETURN_VOID();
}
