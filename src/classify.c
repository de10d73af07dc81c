/*-------------------------------------------------------------------------
 *
 * classify.c
 *		What a product column shows: classification through views.
 *
 * Classification lives in security labels and follows the data through
 * views: a view column that passes a classified column through (also
 * through sub-queries, joins, CTEs and every arm of a set operation) gets
 * the same strategy; a computed column that reads a classified column
 * anywhere is redacted, unless the view column carries a label of its own.
 * Tables of one inheritance tree or partitioning share their labels; a
 * product of another domain is a leaf (it masks for its readers itself).
 *
 * The keys that order, group, de-duplicate, limit or window-sort a
 * source's rows are classified too, and a classified one is refused:
 * rows would come out in the order of the clear values.
 *
 * Every walk keeps a visited set or a memo (view graphs are diamonds) and
 * calls CHECK_FOR_INTERRUPTS.
 *
 * IDENTIFICATION
 *		src/classify.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "commands/seclabel.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "rewrite/prs2lock.h"
#include "rewrite/rewriteManip.h"
#include "storage/lmgr.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"

#include "catalog.h"
#include "classify.h"
#include "depend.h"
#include "label.h"

/* how deep classification follows views into views */
#define MAX_VIEW_DEPTH 32


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

/* the views' queries read so far by the current computation */
static List *query_cache_relids = NIL;
static List *query_cache_queries = NIL;

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

/* the CTE columns being classified, innermost first (see classify_var) */
typedef struct CteColumn
{
	Query	   *query;
	AttrNumber	attno;
} CteColumn;

static List *cte_columns = NIL;

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
static void generated_column(Oid relid, AttrNumber attnum, int depth,
							 Classified *out);
static bool reads_walker(Node *node, ReadsContext *ctx);
static void classify_key(List *queries, Query *q, TargetEntry *key,
						 Classified *out);
static void classify_expr(List *queries, Node *expr, int depth,
						  Classified *out);

/* ------------------------------------------------------------------------
 * Classification
 * ------------------------------------------------------------------------
 */

/* is nspid the data_products schema of a domain? */
bool
dm_is_product_schema(Oid nspid)
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
Query *
dm_relation_query(Relation rel)
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
	Relation	rel;
	Query	   *q = NULL;
	ViewQuery  *vq;
	ListCell   *lc;
	ListCell   *lc2;

	/*
	 * Within one computation the walks only read a view's query: it is
	 * copied out of the relcache once, not once per column (a view of a
	 * thousand columns would copy its query a thousand times).
	 */
	if (memo_active)
		forboth(lc, query_cache_relids, lc2, query_cache_queries)
			if (lfirst_oid(lc) == relid)
				q = lfirst(lc2);
	if (q == NULL)
	{
		rel = relation_open(relid, AccessShareLock);
		q = dm_relation_query(rel);
		relation_close(rel, AccessShareLock);
		if (q == NULL)
			return NULL;
		if (memo_active)
		{
			query_cache_relids = lappend_oid(query_cache_relids, relid);
			query_cache_queries = lappend(query_cache_queries, q);
		}
	}
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
				{
					/*
					 * A recursive CTE reads itself: a column being classified
					 * is what its other arms make of it, so the reference back
					 * adds nothing (and is not followed again and again).
					 */
					CteColumn	self = {cq, var->varattno};
					ListCell   *lc2;

					foreach(lc2, cte_columns)
					{
						CteColumn  *cc = lfirst(lc2);

						if (cc->query == cq && cc->attno == var->varattno)
							return;
					}
					cte_columns = lcons(&self, cte_columns);
					PG_TRY();
					{
						classify_output(list_copy_tail(queries, up), cq,
										var->varattno, depth + 1, out);
					}
					PG_FINALLY();
					{
						cte_columns = list_delete_first(cte_columns);
					}
					PG_END_TRY();
				}
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

/*
 * A generated column (GENERATED ALWAYS AS (expr) STORED) is computed from
 * the columns its expression reads: redacted if one of them is classified.
 */
static void
generated_column(Oid relid, AttrNumber attnum, int depth, Classified *out)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	Node	   *expr = NULL;
	Bitmapset  *attnos = NULL;
	int			k;

	if (attnum <= desc->natts && TupleDescAttr(desc, attnum - 1)->attgenerated &&
		desc->constr != NULL)
	{
		for (k = 0; k < desc->constr->num_defval; k++)
			if (desc->constr->defval[k].adnum == attnum)
				expr = stringToNode(desc->constr->defval[k].adbin);
	}
	relation_close(rel, AccessShareLock);
	if (expr == NULL)
		return;
	pull_varattnos(expr, 1, &attnos);
	k = -1;
	while ((k = bms_next_member(attnos, k)) >= 0)
	{
		AttrNumber	read = k + FirstLowInvalidHeapAttributeNumber;
		Classified	c;

		if (read <= 0 || read == attnum)
			continue;
		classify_column(relid, read, depth + 1, &c);
		merge(out, &c, true);
	}
}

/* the tables of one tree or partitioning: a table's ancestors and descendants */
typedef struct Family
{
	Oid			relid;
	List	   *members;		/* ancestors, then the table and its descendants */
} Family;

/* families looked up during the current computation (see dm_classify_begin) */
static List *families = NIL;

/*
 * The ancestors and descendants of relid, looked up once per computation
 * (each column of a table asks), every time outside one.
 */
static List *
table_family(Oid relid)
{
	ListCell   *lc;
	Family	   *f;

	foreach(lc, families)
	{
		f = lfirst(lc);
		if (f->relid == relid)
			return f->members;
	}
	f = palloc(sizeof(Family));
	f->relid = relid;
	f->members = list_concat(dm_depend_ancestors(relid),
							 find_all_inheritors(relid, NoLock, NULL));
	if (memo_active)
		families = lappend(families, f);
	return f->members;
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
	if (dm_is_product_schema(get_rel_namespace(relid)))
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
		List	   *family = table_family(relid);
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
		generated_column(relid, attnum, depth, out);
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
	List	   *visited;		/* views checked in the rows' path */
	List	   *visited_sublink;	/* views checked inside sub-links */
	int			depth;
	int			sublinks;		/* sub-links entered */
	Oid			source;			/* the product's source, for messages */
	List	   *labelled;		/* (relid, attnum) pairs, as two int lists: */
	List	   *labelled_att;	/* columns a view column's own label covers */
	bool		collect;		/* a pass that only collects the above */
	int			opaque;			/* views entered whose labelled columns are
								 * no plain column of a relation */
	List	   *opaque_tables;	/* tables read below such a view */
	List	   *visited_opaque; /* views walked with opaque > 0 (collect) */
	bool		table_opaque;	/* the table being checked is one of them */
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
					dm_qualified_name(ctx->source), what,
					OidIsValid(c.relid) ?
					psprintf("\"%s\" of %s", get_attname(c.relid, c.attnum, false),
							 dm_qualified_name(c.relid)) : "(too deep to follow)"),
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
		if (!ctx->collect)
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
		SubLinkType type = ((SubLink *) node)->subLinkType;
		bool		r;
		bool		keeps_order;

		/*
		 * A scalar, EXISTS, ANY or ALL sub-link yields one value: the order
		 * of its rows stays inside.  An ARRAY sub-link's value keeps it.
		 */
		keeps_order = type != EXPR_SUBLINK && type != EXISTS_SUBLINK &&
			type != ANY_SUBLINK && type != ALL_SUBLINK;
		if (!keeps_order)
			ctx->sublinks++;
		r = expression_tree_walker(node, keys_walker, (void *) ctx);
		if (!keeps_order)
			ctx->sublinks--;
		return r;
	}
	if (IsA(node, Aggref) && ctx->queries != NIL)
	{
		/*
		 * An aggregate's ORDER BY or DISTINCT sorts what it collects:
		 * array_agg(id ORDER BY salary), unnested, gives rows in the order
		 * of the salaries.
		 */
		Aggref	   *agg = (Aggref *) node;
		ListCell   *lc;

		if (agg->agglevelsup < list_length(ctx->queries))
		{
			List	   *saved = ctx->queries;

			ctx->queries = list_copy_tail(ctx->queries, agg->agglevelsup);
			foreach(lc, list_concat_copy(agg->aggorder, agg->aggdistinct))
				check_key(ctx, NULL, NULL,
						  (Node *) get_sortgroupclause_tle(lfirst(lc), agg->args)->expr,
						  "aggregate ORDER BY or DISTINCT");
			ctx->queries = saved;
		}
	}
	return expression_tree_walker(node, keys_walker, (void *) ctx);
}

/* is (relid, attnum) covered by the own label of a view column downstream? */
static bool
labelled_downstream(KeysContext *ctx, Oid relid, AttrNumber attnum)
{
	ListCell   *lc;
	ListCell   *lc2;

	forboth(lc, ctx->labelled, lc2, ctx->labelled_att)
		if (lfirst_oid(lc) == relid && lfirst_int(lc2) == attnum)
			return true;
	return false;
}

/*
 * Notes the columns that the view columns of q with a label of their own
 * (or covered by one downstream) pass through from a relation, so that the
 * physical order of that relation counts as classified too (also the
 * columns an expression of them reads).  Returns true if such a view
 * column reads anything else -- a column of a sub-query, CTE or set
 * operation, a whole row, a sub-link --: then what it reads cannot be
 * told apart, and every table below the view counts (opaque).
 */
static bool
note_labelled_columns(KeysContext *ctx, Oid viewid, Query *q)
{
	ListCell   *lc;
	ListCell   *lc2;
	bool		opaque = false;

	foreach(lc, q->targetList)
	{
		TargetEntry *te = lfirst(lc);
		DmPiiStrategy strategy;
		Var		   *var;
		RangeTblEntry *rte;

		if (te->resjunk)
			continue;
		if (!column_label(viewid, te->resno, &strategy) &&
			!labelled_downstream(ctx, viewid, te->resno))
			continue;
		/* a set operation's columns, or a sub-query inside: opaque */
		if (q->setOperations != NULL || checkExprHasSubLink((Node *) te->expr))
		{
			opaque = true;
			continue;
		}
		/* the columns the expression reads (a cast, a function of them) */
		foreach(lc2, pull_var_clause((Node *) te->expr,
									 PVC_RECURSE_AGGREGATES | PVC_RECURSE_WINDOWFUNCS |
									 PVC_RECURSE_PLACEHOLDERS))
		{
			var = lfirst(lc2);
			if (!IsA(var, Var) || var->varlevelsup != 0 || var->varattno <= 0 ||
				var->varno < 1 || var->varno > list_length(q->rtable))
			{
				opaque = true;
				continue;
			}
			rte = rt_fetch(var->varno, q->rtable);
			if (rte->rtekind != RTE_RELATION)
			{
				opaque = true;
				continue;
			}
			if (!labelled_downstream(ctx, rte->relid, var->varattno))
			{
				ctx->labelled = lappend_oid(ctx->labelled, rte->relid);
				ctx->labelled_att = lappend_int(ctx->labelled_att, var->varattno);
			}
		}
	}
	return opaque;
}

/* refuses a physical order of relid's rows by column attnum, if classified */
static void
check_order_column(KeysContext *ctx, Oid relid, AttrNumber attnum, const char *how)
{
	Classified	c;

	/* a whole-row reference reads every column */
	if (attnum == InvalidAttrNumber)
	{
		Relation	rel = relation_open(relid, AccessShareLock);
		AttrNumber	natts = RelationGetNumberOfAttributes(rel);
		AttrNumber	i;

		relation_close(rel, AccessShareLock);
		for (i = 1; i <= natts; i++)
			if (get_attname(relid, i, true) != NULL)
				check_order_column(ctx, relid, i, how);
		return;
	}
	if (attnum < 0)
		return;
	classify_column(relid, attnum, 0, &c);
	if (!c.classified &&
		(ctx->table_opaque || labelled_downstream(ctx, relid, attnum)))
		c.classified = true;
	if (!c.classified)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("cannot publish a data product over %s: its rows come from %s, %s classified column \"%s\"",
					dm_qualified_name(ctx->source), dm_qualified_name(relid), how,
					get_attname(relid, attnum, false)),
			 errdetail("A scan returns the rows in that physical order, so the order of a product's rows would show the order of the clear values."),
			 errhint("Partition or cluster the table by a column that is not classified (CLUSTER ... USING another index rewrites it in that order).")));
}

/*
 * Refuses a table in the rows' path whose physical order follows a
 * classified column: a partitioned table (and its partitioned partitions)
 * by its partition key, a table CLUSTERed on an index over one.
 */
static void
check_physical_order(KeysContext *ctx, Oid relid)
{
	List	   *tables;
	ListCell   *lc;

	/* a scan returns the rows of every partition and inheritance child */
	tables = find_all_inheritors(relid, AccessShareLock, NULL);
	ctx->table_opaque = list_member_oid(ctx->opaque_tables, relid);
	foreach(lc, tables)
	{
		Oid			table = lfirst_oid(lc);
		Relation	rel = relation_open(table, AccessShareLock);
		ListCell   *lc2;

		if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE)
		{
			PartitionKey key = RelationGetPartitionKey(rel);
			ListCell   *partexpr = list_head(key->partexprs);
			int			i;

			for (i = 0; i < key->partnatts; i++)
			{
				if (key->partattrs[i] != 0)
					check_order_column(ctx, table, key->partattrs[i], "partitioned by");
				else if (partexpr != NULL)
				{
					Bitmapset  *attrs = NULL;
					int			k = -1;

					pull_varattnos(lfirst(partexpr), 1, &attrs);
					while ((k = bms_next_member(attrs, k)) >= 0)
						check_order_column(ctx, table, k + FirstLowInvalidHeapAttributeNumber,
										   "partitioned by an expression of");
					partexpr = lnext(key->partexprs, partexpr);
				}
			}
		}
		foreach(lc2, RelationGetIndexList(rel))
		{
			Oid			indexid = lfirst_oid(lc2);
			Relation	index = index_open(indexid, AccessShareLock);
			int			i;

			if (index->rd_index->indisclustered)
			{
				List	   *exprs = RelationGetIndexExpressions(index);

				for (i = 0; i < index->rd_index->indnkeyatts; i++)
					check_order_column(ctx, table, index->rd_index->indkey.values[i],
									   "clustered on an index over");
				if (exprs != NIL)
				{
					Bitmapset  *attrs = NULL;
					int			k = -1;

					pull_varattnos((Node *) exprs, 1, &attrs);
					while ((k = bms_next_member(attrs, k)) >= 0)
						check_order_column(ctx, table, k + FirstLowInvalidHeapAttributeNumber,
										   "clustered on an index over");
				}
			}
			index_close(index, AccessShareLock);
		}
		relation_close(rel, AccessShareLock);
	}
}

/* the keys of a view or materialized view and of what it reads */
static void
check_relation_keys(KeysContext *ctx, Oid relid)
{
	char		relkind = get_rel_relkind(relid);
	Query	   *q;
	List	   *saved;

	/*
	 * The rows of a table come in its physical order, also into a sub-link
	 * (array_agg or string_agg without ORDER BY keep the scan's order).
	 */
	if ((relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
		 relkind == RELKIND_MATVIEW) &&
		!dm_is_product_schema(get_rel_namespace(relid)))
	{
		if (!ctx->collect)
			check_physical_order(ctx, relid);
		else if (ctx->opaque > 0 && !list_member_oid(ctx->opaque_tables, relid))
			ctx->opaque_tables = lappend_oid(ctx->opaque_tables, relid);
	}
	if (relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW)
		return;
	/* collecting, a view is walked once plain and once below an opaque one */
	if (ctx->collect && ctx->opaque > 0)
	{
		if (list_member_oid(ctx->visited_opaque, relid) ||
			dm_is_product_schema(get_rel_namespace(relid)))
			return;
		ctx->visited_opaque = lappend_oid(ctx->visited_opaque, relid);
	}
	else
	{
		if (list_member_oid(ctx->sublinks > 0 ? ctx->visited_sublink : ctx->visited, relid) ||
			dm_is_product_schema(get_rel_namespace(relid)))
			return;
		if (ctx->sublinks > 0)
			ctx->visited_sublink = lappend_oid(ctx->visited_sublink, relid);
		else
			ctx->visited = lappend_oid(ctx->visited, relid);
	}
	if (++ctx->depth > MAX_VIEW_DEPTH * 4)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cannot publish a data product over %s: it reads views nested too deeply",
						dm_qualified_name(ctx->source))));
	q = enter_view(relid);
	if (q != NULL)
	{
		saved = ctx->queries;
		ctx->queries = NIL;
		PG_TRY();
		{
			bool		opaque = ctx->collect && note_labelled_columns(ctx, relid, q);

			if (opaque)
				ctx->opaque++;
			keys_walker((Node *) q, ctx);
			if (opaque)
				ctx->opaque--;
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


/*
 * The classification of column attnum of relid, as a product of it would
 * mask it.  Between dm_classify_begin and dm_classify_end, each column is
 * classified once (labels cannot change in between).
 */
void
dm_classify_column(Oid relid, AttrNumber attnum, Classified *out)
{
	classify_column(relid, attnum, 0, out);
}

/* starts a computation: the memo is empty and in use */
void
dm_classify_begin(void)
{
	classify_memo = NIL;
	families = NIL;
	query_cache_relids = NIL;
	query_cache_queries = NIL;
	memo_active = true;
}

/* ends it, also after an error */
void
dm_classify_end(void)
{
	memo_active = false;
	classify_memo = NIL;
	query_cache_relids = NIL;
	query_cache_queries = NIL;
	view_queries = NIL;
	cte_columns = NIL;
	families = NIL;
}

/*
 * Refuses a source whose rows are ordered, grouped, de-duplicated,
 * limited or window-sorted by a classified column, anywhere upstream.
 */
void
dm_classify_check_keys(Oid source)
{
	KeysContext keys;
	int			before;

	memset(&keys, 0, sizeof(keys));
	keys.source = source;

	/*
	 * First collect, to a fixpoint, what the own labels of view columns
	 * cover below them (a label found late in one walk reaches a view
	 * walked earlier in the next), then check with all of it.
	 */
	keys.collect = true;
	do
	{
		before = list_length(keys.labelled) + list_length(keys.opaque_tables);
		keys.visited = keys.visited_sublink = keys.visited_opaque = NIL;
		keys.depth = keys.sublinks = keys.opaque = 0;
		keys.queries = NIL;
		check_relation_keys(&keys, source);
	} while (list_length(keys.labelled) + list_length(keys.opaque_tables) != before);

	keys.collect = false;
	keys.visited = keys.visited_sublink = keys.visited_opaque = NIL;
	keys.depth = keys.sublinks = keys.opaque = 0;
	keys.queries = NIL;
	check_relation_keys(&keys, source);
}
