/*-------------------------------------------------------------------------
 *
 * view.c
 *		A data product's view: computed, generated, and compared.
 *
 * compute_product derives what a product's view must be from the catalogs
 * as they are now (its source, its columns, the classification of each):
 * the one place that decides what a product shows.  Generating the view
 * (publish_product, every regeneration) and datamesh.verify() both use it.
 * A view that already is what it must be is left alone; one whose columns
 * stay is replaced in place; one whose columns change is dropped and made
 * anew with its grants and comment, unless other objects read it.  Every
 * product is a security_barrier view, owned by its domain's owner role,
 * granted SELECT to the consumer role and to nobody anything else.
 *
 * IDENTIFICATION
 *		src/view.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "access.h"
#include "catalog.h"
#include "classify.h"
#include "datamesh.h"
#include "depend.h"
#include "exec.h"
#include "pseudonym.h"
#include "raw_metadata.h"
#include "settings.h"
#include "tag.h"
#include "view.h"

PG_FUNCTION_INFO_V1(datamesh_check_product);


/*
 * The column names of a relation, in order; without the metadata columns
 * if asked (what a product publishes by default).
 */
List *
dm_relation_columns(Oid relid, bool skip_metadata)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *names = NIL;
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped &&
			!(skip_metadata && dm_is_metadata_column(NameStr(att->attname))))
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
 * Refuses a column classified hash whose value does not come from the
 * columns of relations of the product's pseudonym scope: planning would
 * refuse it for every reader (see pseudonym.c).  Checked on the product's
 * query rewritten (views expanded), never planned.
 */
static void
check_pseudonyms(const ProductDef *def, Query *q, const ProductView *pv)
{
	DmDomain	domain;
	DmLayer		layer;
	Query	   *rewritten = NULL;
	ListCell   *lc;
	Oid			save_user;
	int			save_sec;

	if (pv->hash_columns == NIL ||
		!dm_catalog_schema_name_domain(def->schema, &domain, &layer))
		return;
	/* as the bootstrap superuser, like the parsing: no policy applies */
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		rewritten = linitial_node(Query, QueryRewrite(copyObject(q)));
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_user, save_sec);
	}
	PG_END_TRY();
	foreach(lc, rewritten->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		Node	   *expr = (Node *) tle->expr;

		bool		hashed = false;
		ListCell   *lc2;

		foreach(lc2, pv->hash_columns)
			if (!tle->resjunk && strcmp(lfirst(lc2), tle->resname) == 0)
				hashed = true;
		if (!hashed)
			continue;
		/* the mask, under the cast back to the column's type */
		while (expr != NULL)
		{
			if (IsA(expr, FuncExpr) &&
				strcmp(get_func_name(((FuncExpr *) expr)->funcid), "mask_hash") == 0)
				break;
			if (IsA(expr, RelabelType))
				expr = (Node *) ((RelabelType *) expr)->arg;
			else if (IsA(expr, CoerceViaIO))
				expr = (Node *) ((CoerceViaIO *) expr)->arg;
			else if (IsA(expr, FuncExpr) && ((FuncExpr *) expr)->args != NIL)
				expr = linitial(((FuncExpr *) expr)->args);
			else
				expr = NULL;
		}
		if (expr == NULL ||
			!dm_pseudonym_value_ok(rewritten->rtable,
								   linitial(((FuncExpr *) expr)->args), domain.key))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("data product %s cannot pseudonymize column \"%s\"",
							dm_qualify(def->schema, def->name), tle->resname),
					 errdetail("The column is classified \"hash\", but its values do not come from the columns of relations of the product's pseudonym scope, so no reader could read it."),
					 errhint("Classify the column with another strategy, such as \"redact\", where it leaves the scope's relations.")));
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
	char	   *qview = dm_qualify(def->schema, def->name);
	char	   *product_lit = quote_literal_cstr(qview);
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
		dm_relation_columns(def->source, true);
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
							col, dm_qualified_name(def->source)),
					 errhint("The columns of a product must be columns of its source.")));
		if (att == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("cannot change relation %s: data product %s publishes its column \"%s\"",
							dm_qualified_name(def->source), qview, col),
					 errdetail("A column that a product publishes keeps its name in the product's source."),
					 errhint("Keep the old name in a view between the source and the product, or publish the product again with datamesh.publish_product() and its new column list.")));
		dm_classify_column(def->source, att->attnum, &c);
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
	dm_classify_check_keys(def->source);

	pv->select_sql = psprintf("SELECT %s FROM %s AS s", items.data,
							  dm_qualified_name(def->source));

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
	check_pseudonyms(def, q, pv);
}

/* compute_view with the classification memo active, and reset after */
static void
compute_product(const ProductDef *def, ProductView *pv)
{
	dm_classify_begin();
	PG_TRY();
	{
		compute_view(def, pv);
	}
	PG_FINALLY();
	{
		dm_classify_end();
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
view_is(Oid viewid, const ProductView *pv, ColumnsMatch columns)
{
	Relation	rel;
	Query	   *q;
	bool		same;

	if (columns != COLUMNS_SAME)
		return false;
	rel = relation_open(viewid, AccessShareLock);
	q = dm_relation_query(rel);
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
void
dm_view_check_no_dependents(Oid viewid, const char *action)
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
					action, dm_qualified_name(viewid)),
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
 * Gives every column of a new product view that has no description the
 * description of the source's column of the same name, if any.
 */
static void
copy_column_comments(Oid source, Oid viewid)
{
	Relation	rel = relation_open(viewid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		AttrNumber	srcatt;
		char	   *comment;

		if (att->attisdropped ||
			GetComment(viewid, RelationRelationId, att->attnum) != NULL)
			continue;
		srcatt = get_attnum(source, NameStr(att->attname));
		if (srcatt <= 0)
			continue;
		comment = GetComment(source, RelationRelationId, srcatt);
		if (comment != NULL)
			CreateComments(viewid, RelationRelationId, att->attnum, comment);
	}
	relation_close(rel, AccessShareLock);
}

/*
 * Makes the view of def what compute_product says it must be: nothing
 * happens when it is already; it is replaced in place when its columns
 * stay (or only grow), and dropped and made anew, with its grants and
 * comment, when their names or types change and nothing reads it.
 * Returns its OID.  (SPI connected; the caller checked the privileges)
 */
Oid
dm_view_generate(const ProductDef *def, const DmDomain *domain, List **hash_columns,
			  bool *changed)
{
	ProductView pv;
	char	   *qview = dm_qualify(def->schema, def->name);
	Oid			nspid = get_namespace_oid(def->schema, false);
	Oid			viewid;
	List	   *grants = NIL;
	char	   *comment = NULL;
	List	   *tags = NIL;
	bool		remade = false;
	bool		created;
	ColumnsMatch columns;
	ListCell   *lc;

	compute_product(def, &pv);
	*hash_columns = pv.hash_columns;
	*changed = false;

	viewid = get_relname_relid(def->name, nspid);
	created = !OidIsValid(viewid);
	columns = OidIsValid(viewid) ? columns_match(viewid, &pv) : COLUMNS_DIFFERENT;
	if (OidIsValid(viewid) && view_is(viewid, &pv, columns))
	{
		if (def->description != NULL)
			product_ddl(domain, qview, psprintf("COMMENT ON VIEW %s IS %s", qview,
												quote_literal_cstr(def->description)));
		return viewid;
	}
	*changed = true;
	if (OidIsValid(viewid) && columns == COLUMNS_DIFFERENT)
	{
		/* the columns change: drop it, if nothing depends on it */
		dm_view_check_no_dependents(viewid, "change the columns of");
		grants = view_grants(viewid, true);
		/* DROP VIEW's lock first: a set_tag running now commits before */
		LockRelationOid(viewid, AccessExclusiveLock);
		comment = GetComment(viewid, RelationRelationId, 0);
		tags = dm_tag_save(viewid);
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
	if (tags != NIL)
		dm_tag_restore(viewid, tags);
	/* a new product's columns start with its source's column descriptions */
	if (created)
		copy_column_comments(def->source, viewid);
	CommandCounterIncrement();
	return viewid;
}


/*
 * The relation a product view reads (its FROM item), found from the view
 * itself, so that renaming or moving the source loses nothing.
 */
static Oid
product_source(Oid viewid)
{
	Relation	rel = relation_open(viewid, AccessShareLock);
	Query	   *q = dm_relation_query(rel);
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
bool
dm_product_def(Oid viewid, ProductDef *def, DmDomain *domain)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	HeapTuple	tup;
	TupleDesc	tupdesc;
	bool		isnull;
	Datum		cols;
	char	   *key;

	values[0] = CStringGetTextDatum(dm_qualified_name(viewid));
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
		def->columns = dm_relation_columns(viewid, false);	/* recorded before 0.1 */
	def->description = NULL;
	return true;
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

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		/* what product_def reads lives until SPI_finish */
		dm_spi_connect();
		found = dm_product_def(viewid, &def, &d);
		if (found)
		{
			compute_product(&def, &pv);
			columns = columns_match(viewid, &pv);
			same = view_is(viewid, &pv, columns);
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
	/* the name as stored: quoted, qualified; InvalidOid if nothing has it */
	viewid = RangeVarGetRelid(makeRangeVarFromNameList(stringToQualifiedNameList(product)),
							  NoLock, true);
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
