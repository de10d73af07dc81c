/*-------------------------------------------------------------------------
 *
 * product.c
 *		Data products: the SQL functions, the catalog, regeneration.
 *
 * publish_product makes the view {key}_data_products.{name} over a private
 * relation of the caller's domain (view.c computes and generates it) and
 * records the product in datamesh.product by name, so that a dump restores
 * it; the view text holds no secret.  set_pii/unset_pii write the security
 * labels that classify columns (classify.c reads them); grant_unmasked and
 * revoke_unmasked name the roles that read a product in clear text
 * (access.c decides per query).
 *
 * Whatever changes what a product must show -- a label set or removed, a
 * view or rule replaced upstream, a partition attached -- regenerates every
 * product downstream of the changed relation, in the same transaction
 * (dm_product_regenerate_for, called by the ddl_command_end trigger and by
 * set_pii/unset_pii).  A product that cannot be made as it must be fails
 * the statement.
 *
 * The mutating functions run as their caller and check that he is a
 * member of the owning domain's role; they do the privileged part through
 * exec.c, as the bootstrap superuser or the domain's owner role.
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
#include "utils/varlena.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "access.h"
#include "catalog.h"
#include "classify.h"
#include "contract_enforce.h"
#include "datamesh.h"
#include "depend.h"
#include "exec.h"
#include "label.h"
#include "product.h"
#include "pseudonym.h"
#include "view.h"

PG_FUNCTION_INFO_V1(datamesh_publish_product);
PG_FUNCTION_INFO_V1(datamesh_unpublish_product);
PG_FUNCTION_INFO_V1(datamesh_set_pii);
PG_FUNCTION_INFO_V1(datamesh_unset_pii);
PG_FUNCTION_INFO_V1(datamesh_publish_product_by_name);
PG_FUNCTION_INFO_V1(datamesh_set_pii_by_name);
PG_FUNCTION_INFO_V1(datamesh_unset_pii_by_name);
PG_FUNCTION_INFO_V1(datamesh_grant_unmasked);
PG_FUNCTION_INFO_V1(datamesh_revoke_unmasked);

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

/* what a team member asks for, for complete messages per case */
typedef enum TeamAction
{
	ACT_PUBLISH,
	ACT_UNPUBLISH,
	ACT_CLASSIFY,
	ACT_GRANT_UNMASKED,
	ACT_REVOKE_UNMASKED
} TeamAction;

/*
 * The domain and layer of a relation to publish or classify; errors if it
 * is in none.
 */
static void
relation_domain(Oid relid, DmDomain *domain, DmLayer *layer, TeamAction action)
{
	if (dm_catalog_schema_domain(get_rel_namespace(relid), domain, layer))
		return;
	if (action == ACT_PUBLISH)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot publish \"%s\": it is not in a schema of a domain",
						get_rel_name(relid)),
				 errhint("Data products are published from the private layers of a domain created with datamesh.create_domain().")));
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("cannot classify a column of \"%s\": it is not in a schema of a domain",
					get_rel_name(relid)),
			 errhint("Classification is for the relations of a domain created with datamesh.create_domain(); label other columns with SECURITY LABEL FOR datamesh.")));
}

/*
 * The caller must be a member of the domain's owner role (or superuser).
 */
static void
check_member(const DmDomain *domain, TeamAction action)
{
	const char *what = NULL;

	switch (action)
	{
		case ACT_PUBLISH:
			what = "publish data products";
			break;
		case ACT_UNPUBLISH:
			what = "unpublish data products";
			break;
		case ACT_CLASSIFY:
			what = "classify columns";
			break;
		case ACT_GRANT_UNMASKED:
			what = "grant unmasked access";
			break;
		case ACT_REVOKE_UNMASKED:
			what = "revoke unmasked access";
			break;
	}
	dm_catalog_check_member(domain, what);
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
	char	   *qview = dm_qualify(def->schema, def->name);
	Oid			types[7] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, NAMEARRAYOID, TEXTOID, BOOLOID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	Datum	   *elems;
	int			i = 0;
	ListCell   *lc;

	if (def->columns == NIL)
		def->columns = dm_relation_columns(def->source, true);
	viewid = dm_view_generate(def, domain, &hash_columns, &changed);
	/* its contract, if any, judges the result at commit */
	dm_contract_touch(viewid);
	/*
	 * Keys follow the scopes in use (create_domain, drop_domain,
	 * set_pseudonym_scope); a publication by hand also makes a missing one,
	 * a regeneration (on every change upstream) need not look.
	 */
	if (hash_columns != NIL && def->by_user)
		dm_pseudonym_sync_keys();

	values[0] = CStringGetTextDatum(qview);
	values[1] = CStringGetTextDatum(domain->key);
	values[2] = CStringGetTextDatum(def->name);
	values[3] = CStringGetTextDatum(dm_qualified_name(def->source));
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
	relation_domain(def.source, &domain, &layer, ACT_PUBLISH);
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
	check_member(&domain, ACT_PUBLISH);

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

	values[0] = CStringGetTextDatum(dm_qualified_name(viewid));
	dm_exec_catalog("SELECT 1 FROM datamesh.product WHERE product = $1",
				 1, types, values, NULL, false);
	return SPI_processed > 0;
}

/* resolves a product argument and checks the caller's membership */
static void
product_arg(Oid viewid, DmDomain *domain, TeamAction action)
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
	check_member(domain, action);
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
	product_arg(viewid, &domain, ACT_UNPUBLISH);
	qview = dm_qualified_name(viewid);
	dm_view_check_no_dependents(viewid, "unpublish");
	dm_contract_touch_name(qview, viewid);
	dm_exec_as(domain.owner, psprintf("DROP VIEW %s", qview));
	values[0] = CStringGetTextDatum(qview);
	dm_exec_catalog("DELETE FROM datamesh.unmasked WHERE product = $1", 1, types, values, NULL, false);
	dm_exec_catalog("DELETE FROM datamesh.product WHERE product = $1", 1, types, values, NULL, false);
	dm_access_invalidate("product");
	SPI_finish();
	PG_RETURN_VOID();
}

/* is relid a product's view: a view of a data_products schema? */
static bool
is_product_view(Oid relid)
{
	return get_rel_relkind(relid) == RELKIND_VIEW &&
		dm_is_product_schema(get_rel_namespace(relid));
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

	/* a product changed itself (renamed, granted): its contract judges it */
	foreach(lc, relids)
		if (is_product_view(lfirst_oid(lc)))
			dm_contract_touch(lfirst_oid(lc));

	/*
	 * The product views downstream, each once.  A product is a leaf of
	 * classification (it masks for its readers itself): the walk stops
	 * there.
	 */
	foreach(lc, relids)
	{
		foreach(lc2, dm_depend_downstream(lfirst_oid(lc), is_product_view))
		{
			Oid			reader = lfirst_oid(lc2);

			if (is_product_view(reader))
				products = list_append_unique_oid(products, reader);
			else if (get_rel_relkind(reader) == RELKIND_MATVIEW)
				matviews = list_append_unique_oid(matviews, reader);
		}
	}

	/*
	 * A materialized view downstream of a changed definition (a view or
	 * rule replaced, a partition attached or detached, an inheritance
	 * changed) holds rows the old definition computed, which the new one
	 * classifies otherwise.  Empty it (REFRESH ... WITH NO DATA runs no
	 * query): reading it fails until its team refreshes it from the new
	 * definition.
	 */
	if (redefined && matviews != NIL)
	{
		dm_spi_connect();
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
				dm_exec_as(owner, psprintf("REFRESH MATERIALIZED VIEW %s WITH NO DATA",
										   dm_qualified_name(mv)));
		}
		SPI_finish();
		CommandCounterIncrement();
	}
	if (products == NIL)
		return;

	dm_spi_connect();
	foreach(lc, products)
	{
		ProductDef	def;
		DmDomain	domain;

		/* unknown products are left alone: a restore brings their rows later */
		if (dm_product_def(lfirst_oid(lc), &def, &domain))
			publish(&def, &domain);
	}
	SPI_finish();
}

/* the relation and column arguments of set_pii/unset_pii, checked */
static void
pii_args(FunctionCallInfo fcinfo, Oid *relid, char **col)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("relation and column must not be null")));
	*relid = PG_GETARG_OID(0);
	*col = NameStr(*PG_GETARG_NAME(1));
	if (get_rel_relkind(*relid) == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", *relid)));
}

/* checks and resolves (rel, col) for set_pii/unset_pii */
static AttrNumber
pii_target(Oid relid, const char *col, DmDomain *domain)
{
	DmLayer		layer;
	AttrNumber	attnum;

	relation_domain(relid, domain, &layer, ACT_CLASSIFY);
	if (layer == DM_LAYER_DATA_PRODUCTS)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot classify a column of data product \"%s\"", get_rel_name(relid)),
				 errhint("Classify the column of the product's source; the product follows.")));
	check_member(domain, ACT_CLASSIFY);
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
					 dm_qualified_name(relid), quote_identifier(col),
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

	pii_args(fcinfo, &relid, &col);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("masking strategy must not be null"),
				 errhint("Leave the strategy out for \"redact\"; datamesh.unset_pii() removes a classification.")));
	strategy = text_to_cstring(PG_GETARG_TEXT_PP(2));
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

	pii_args(fcinfo, &relid, &col);
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
	product_arg(viewid, &domain, grant ? ACT_GRANT_UNMASKED : ACT_REVOKE_UNMASKED);
	values[0] = CStringGetTextDatum(dm_qualified_name(viewid));
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

/*
 * A relation named as text, resolved as regclass input would resolve it,
 * but with datamesh's own error first when the name is in a private
 * schema of a domain whose team the caller is not in: PostgreSQL's would
 * only say "permission denied for schema".
 */
static Oid
relation_by_name(text *name, TeamAction action)
{
	RangeVar   *rv = makeRangeVarFromNameList(textToQualifiedNameList(name));

	if (rv->schemaname != NULL)
	{
		DmDomain	domain;
		DmLayer		layer;

		if (dm_catalog_schema_domain(get_namespace_oid(rv->schemaname, true),
									 &domain, &layer))
			check_member(&domain, action);
	}
	return RangeVarGetRelid(rv, NoLock, false);
}

/*
 * Calls fn, one of the functions above, with the arguments of fcinfo but
 * the first: relid instead of the relation's name.
 */
static Datum
call_with_relid(FunctionCallInfo fcinfo, PGFunction fn, Oid relid)
{
	LOCAL_FCINFO(call, FUNC_MAX_ARGS);
	int			i;

	InitFunctionCallInfoData(*call, NULL, fcinfo->nargs, fcinfo->fncollation,
							 NULL, NULL);
	for (i = 0; i < fcinfo->nargs; i++)
		call->args[i] = fcinfo->args[i];
	call->args[0].value = ObjectIdGetDatum(relid);
	call->args[0].isnull = false;
	return fn(call);
}

/* datamesh.publish_product(source text, ...): the source by name */
Datum
datamesh_publish_product_by_name(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		return datamesh_publish_product(fcinfo);
	return call_with_relid(fcinfo, datamesh_publish_product,
						   relation_by_name(PG_GETARG_TEXT_PP(0), ACT_PUBLISH));
}

/* datamesh.set_pii(rel text, ...): the relation by name */
Datum
datamesh_set_pii_by_name(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		return datamesh_set_pii(fcinfo);
	return call_with_relid(fcinfo, datamesh_set_pii,
						   relation_by_name(PG_GETARG_TEXT_PP(0), ACT_CLASSIFY));
}

/* datamesh.unset_pii(rel text, col name): the relation by name */
Datum
datamesh_unset_pii_by_name(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		return datamesh_unset_pii(fcinfo);
	return call_with_relid(fcinfo, datamesh_unset_pii,
						   relation_by_name(PG_GETARG_TEXT_PP(0), ACT_CLASSIFY));
}
