/*-------------------------------------------------------------------------
 *
 * ingest.c
 *		Ingestion helpers: raw tables, loading JSON, latest-row views.
 *
 * create_raw_table makes {key}_raw.{name} (or {key}_raw_external.{name})
 * with payload jsonb NOT NULL and the metadata columns, the source system
 * and type as column defaults, and a btree index on _added_at, so that the
 * freshness of a raw table (max(_added_at)) is one index probe.  ingest
 * appends one row per element of a JSON array, or one row for a JSON
 * object, in one INSERT.  create_latest_view makes a view in the domain's
 * intermediates layer with the newest row per key (DISTINCT ON), the
 * usual answer to the duplicates of nightly exports.
 *
 * Everything runs as the caller, through SQL: the DDL passes datamesh's
 * event triggers like any statement of the team (they hand the new
 * objects to the domain's owner role and judge the layer rules), and the
 * INSERT is subject to the caller's privileges, triggers and row level
 * security on the table.  The DDL helpers check first that the caller is
 * a member of the domain's owner role.  Every argument is validated
 * before the first statement runs; a failure leaves nothing behind (the
 * call is one statement).  Identifiers are quoted and literals escaped
 * wherever SQL is built; the functions run with search_path
 * pg_catalog, pg_temp (install script) and qualify what they call.
 *
 * IDENTIFICATION
 *		src/ingest.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/tupdesc.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/scansup.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "catalog.h"
#include "datamesh.h"
#include "exec.h"
#include "ingest.h"
#include "raw_metadata.h"

PG_FUNCTION_INFO_V1(datamesh_create_raw_table);
PG_FUNCTION_INFO_V1(datamesh_ingest);
PG_FUNCTION_INFO_V1(datamesh_create_latest_view);

/* how create_latest_view finds the key of a row */
typedef enum KeyKind
{
	KEY_COLUMN,					/* a column of the raw table */
	KEY_PATH,					/* a dotted path into payload: a.b.c */
	KEY_JSONPATH				/* a SQL/JSON path into payload: $... */
} KeyKind;

/* ------------------------------------------------------------------------
 * Argument checks
 * ------------------------------------------------------------------------
 */

/* a required text argument, as a C string */
static char *
required_text(FunctionCallInfo fcinfo, int n, const char *what, const char *hint)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what),
				 hint ? errhint("%s", hint) : 0));
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* is the string empty or white space only? */
static bool
blank(const char *s)
{
	for (; *s; s++)
		if (!scanner_isspace(*s))
			return false;
	return true;
}

/*
 * A name of a relation to create, taken as written (not case-folded): not
 * empty, and short enough that PostgreSQL would not truncate it.
 */
static void
check_relation_name(const char *what, const char *name)
{
	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("%s name must not be empty", what),
				 errhint("A %s name is a non-empty identifier of at most %d bytes.",
						 what, NAMEDATALEN - 1)));
	if (strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("%s name \"%s\" is too long", what, name),
				 errdetail("The name has %d bytes; an identifier has at most %d.",
						   (int) strlen(name), NAMEDATALEN - 1),
				 errhint("Choose a shorter name.")));
}

/* the domain of a key argument; errors if there is none */
static void
find_domain(const char *key, DmDomain *domain)
{
	if (!dm_catalog_find(key, domain))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("domain \"%s\" does not exist", key),
				 errhint("The view datamesh.domains lists the domains.")));
}

/* the schema of a layer of the domain; errors if it is missing */
static Oid
layer_schema(const DmDomain *domain, DmLayer layer)
{
	if (!OidIsValid(domain->schemas[layer]))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"%s\" of domain \"%s\" does not exist",
						dm_schema_name(domain->key, layer), domain->key),
				 errhint("Ask an administrator to repair the domain (datamesh.verify() lists what is missing).")));
	return domain->schemas[layer];
}

/*
 * No relation (or type, which a relation's row type would clash with) of
 * this name may exist in the schema.
 */
static void
check_name_free(Oid nspid, const char *name, const char *hint)
{
	if (OidIsValid(get_relname_relid(name, nspid)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists in schema \"%s\"",
						name, get_namespace_name(nspid)),
				 errhint("%s", hint)));
	if (SearchSysCacheExists2(TYPENAMENSP, CStringGetDatum(name),
							  ObjectIdGetDatum(nspid)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("type \"%s\" already exists in schema \"%s\"",
						name, get_namespace_name(nspid)),
				 errdetail("A table or view has a row type of its own name."),
				 errhint("Choose another name.")));
}

/*
 * The relation argument of ingest and create_latest_view: a table or
 * partitioned table in the raw or raw_external layer of a domain.  verb
 * completes "cannot %s \"table\"".
 */
static void
raw_table_arg(FunctionCallInfo fcinfo, const char *verb, DmDomain *domain)
{
	Oid			relid;
	char		relkind;
	DmLayer		layer;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("raw table must not be null")));
	relid = PG_GETARG_OID(0);
	relkind = get_rel_relkind(relid);
	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot %s \"%s\": it is not a table", verb, get_rel_name(relid)),
				 errhint("Create a raw table with datamesh.create_raw_table().")));
	if (!dm_catalog_schema_domain(get_rel_namespace(relid), domain, &layer) ||
		(layer != DM_LAYER_RAW && layer != DM_LAYER_RAW_EXTERNAL))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot %s \"%s\": it is not in a raw layer of a domain",
						verb, get_rel_name(relid)),
				 errdetail("Table \"%s\" is in schema \"%s\"; these helpers work on the tables of the schemas {domain}_raw and {domain}_raw_external.",
						   get_rel_name(relid), get_namespace_name(get_rel_namespace(relid))),
				 errhint("Create a raw table with datamesh.create_raw_table(); load other tables with INSERT or COPY.")));
}

/*
 * The raw table must have a column payload of type jsonb: what ingest
 * writes and what key paths read.
 */
static void
check_payload_column(Oid relid, const char *verb)
{
	AttrNumber	attnum = get_attnum(relid, DM_COL_PAYLOAD);
	Oid			type;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("cannot %s \"%s\": it has no column \"%s\"",
						verb, get_rel_name(relid), DM_COL_PAYLOAD),
				 errdetail("A raw table made by datamesh.create_raw_table() keeps each JSON document in column \"%s\" of type jsonb.",
						   DM_COL_PAYLOAD),
				 errhint("Add the column (ALTER TABLE ... ADD COLUMN payload jsonb), or load the table with INSERT or COPY.")));
	type = get_atttype(relid, attnum);
	if (type != JSONBOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot %s \"%s\": its column \"%s\" is of type %s, not jsonb",
						verb, get_rel_name(relid), DM_COL_PAYLOAD, format_type_be(type)),
				 errhint("Change the column's type to jsonb, or load the table with INSERT or COPY.")));
}

/*
 * A type usable as a DISTINCT ON or ORDER BY key: it has a default btree
 * operator class (equality and ordering).
 */
static void
check_sortable(Oid relid, const char *column, Oid type, const char *role)
{
	TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_LT_OPR | TYPECACHE_EQ_OPR);

	if (!OidIsValid(tc->lt_opr) || !OidIsValid(tc->eq_opr))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("cannot use column \"%s\" of \"%s\" as %s: type %s has no ordering",
						column, get_rel_name(relid), role, format_type_be(type)),
				 errhint("Use a column of a type with a default btree operator class, such as text, a number or a timestamp.")));
}

/* the type of a JSON scalar, for messages */
static const char *
json_scalar_name(enum jbvType type)
{
	switch (type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		default:
			return "scalar";
	}
}

/* ------------------------------------------------------------------------
 * create_raw_table
 * ------------------------------------------------------------------------
 */

/*
 * A relation that datamesh's triggers did not hand to the domain's owner
 * role (the caller is a superuser who switched enforcement off) is handed
 * over here, so that the result is the same either way.  (SPI connected)
 */
static void
ensure_owner(Oid relid, const DmDomain *domain, const char *kind)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	if (owner == domain->owner)
		return;
	if (SPI_execute(psprintf("ALTER %s %s OWNER TO %s", kind,
							 dm_qualified_name(relid),
							 quote_identifier(GetUserNameFromId(domain->owner, false))),
					false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not hand relation %u to the domain's owner role", relid);
}

/*
 * datamesh.create_raw_table(domain text, name text, source_system text,
 *							 type text, external boolean) returns regclass
 *
 * Makes {key}_raw.{name} (external: {key}_raw_external.{name}):
 *
 *	payload jsonb NOT NULL,
 *	_added_at timestamptz NOT NULL DEFAULT now(),
 *	_type text DEFAULT type,
 *	_source_system text DEFAULT source_system
 *
 * and the index {name}__added_at_idx on (_added_at), as the caller.
 */
Datum
datamesh_create_raw_table(PG_FUNCTION_ARGS)
{
	char	   *key;
	char	   *name;
	char	   *source_system;
	char	   *type;
	bool		external;
	DmDomain	domain;
	DmLayer		layer;
	Oid			nspid;
	char	   *qname;
	Oid			relid;
	StringInfoData sql;

	key = required_text(fcinfo, 0, "domain", "Pass the key of a domain, as datamesh.domains lists it.");
	name = required_text(fcinfo, 1, "raw table name", NULL);
	source_system = required_text(fcinfo, 2, "source system",
								  "Name the system the data comes from, for example 'erp' or 'webshop'.");
	type = dm_text_arg(fcinfo, 3);
	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("external must not be null"),
				 errhint("Pass true for a table in the raw_external layer, false (the default) for the raw layer.")));
	external = PG_GETARG_BOOL(4);

	check_relation_name("raw table", name);
	if (blank(source_system))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source system must not be empty"),
				 errhint("Name the system the data comes from, for example 'erp' or 'webshop'.")));
	if (type != NULL && blank(type))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("type must not be empty"),
				 errhint("Pass NULL for rows without a type.")));

	find_domain(key, &domain);
	dm_catalog_check_member(&domain, "create raw tables");
	layer = external ? DM_LAYER_RAW_EXTERNAL : DM_LAYER_RAW;
	nspid = layer_schema(&domain, layer);
	check_name_free(nspid, name,
					"Choose another name, or load into the existing table with datamesh.ingest() or COPY.");

	qname = quote_qualified_identifier(get_namespace_name(nspid), name);
	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "CREATE TABLE %s (" DM_COL_PAYLOAD " pg_catalog.jsonb NOT NULL,"
					 " " DM_COL_ADDED_AT " pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),"
					 " " DM_COL_TYPE " pg_catalog.text%s%s,"
					 " " DM_COL_SOURCE_SYSTEM " pg_catalog.text DEFAULT %s)",
					 qname,
					 type ? " DEFAULT " : "", type ? quote_literal_cstr(type) : "",
					 quote_literal_cstr(source_system));

	dm_spi_connect();
	if (SPI_execute(sql.data, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "SPI_execute failed: %s", sql.data);
	relid = get_relname_relid(name, nspid);
	if (!OidIsValid(relid))
		elog(ERROR, "raw table \"%s\" was not created", name);
	/* named as PostgreSQL names it: {name}__added_at_idx */
	if (SPI_execute(psprintf("CREATE INDEX ON %s (" DM_COL_ADDED_AT ")", qname),
					false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "SPI_execute failed: CREATE INDEX ON %s", qname);
	ensure_owner(relid, &domain, "TABLE");
	SPI_finish();

	PG_RETURN_OID(relid);
}

/* ------------------------------------------------------------------------
 * ingest
 * ------------------------------------------------------------------------
 */

/*
 * The payloads must be one JSON object, or an array whose elements are
 * objects or arrays: a scalar or null has nothing to key or query, and is
 * almost always a mistake in the data.  Returns the number of rows to
 * insert.
 */
static int64
check_payloads(Jsonb *payloads)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			i = 0;

	if (JB_ROOT_IS_SCALAR(payloads))
	{
		JsonbValue	scalar;

		(void) JsonbExtractScalar(&payloads->root, &scalar);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot ingest a JSON %s", json_scalar_name(scalar.type)),
				 errdetail("A payload is a JSON object or array."),
				 errhint("Pass one JSON object, or an array of payloads.")));
	}
	if (JB_ROOT_IS_OBJECT(payloads))
		return 1;

	it = JsonbIteratorInit(&payloads->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot ingest a JSON %s", json_scalar_name(v.type)),
					 errdetail("Element payloads->%d is a JSON %s; each element of the array is one payload, a JSON object or array.",
							   i, json_scalar_name(v.type)),
					 errhint("Remove or wrap the element; nothing was ingested.")));
		i++;
	}
	return i;
}

/*
 * datamesh.ingest(raw regclass, payloads jsonb, type text) returns bigint
 *
 * One INSERT as the caller: one row per element of an array, or one for
 * an object, in the array's order; type, if given, is the rows' _type.
 */
Datum
datamesh_ingest(PG_FUNCTION_ARGS)
{
	DmDomain	domain;
	Oid			relid;
	Jsonb	   *payloads;
	char	   *type;
	int64		expected;
	Oid			types[2] = {JSONBOID, TEXTOID};
	Datum		values[2];
	const char *qname;
	char	   *sql;
	int			rc;
	uint64		count;

	raw_table_arg(fcinfo, "ingest into", &domain);
	relid = PG_GETARG_OID(0);
	check_payload_column(relid, "ingest into");
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("payloads must not be null"),
				 errhint("Pass one JSON object, or an array of payloads.")));
	payloads = PG_GETARG_JSONB_P(1);
	type = dm_text_arg(fcinfo, 2);
	if (type != NULL && blank(type))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("type must not be empty"),
				 errhint("Pass NULL to keep the table's default type.")));
	expected = check_payloads(payloads);
	if (expected == 0)
		PG_RETURN_INT64(0);

	qname = dm_qualified_name(relid);
	values[0] = JsonbPGetDatum(payloads);
	if (type != NULL)
		values[1] = CStringGetTextDatum(type);
	if (JB_ROOT_IS_OBJECT(payloads))
		sql = psprintf("INSERT INTO %s (" DM_COL_PAYLOAD "%s) VALUES ($1%s)",
					   qname, type ? ", " DM_COL_TYPE : "", type ? ", $2" : "");
	else
		sql = psprintf("INSERT INTO %s (" DM_COL_PAYLOAD "%s)"
					   " SELECT e.value%s FROM pg_catalog.jsonb_array_elements($1) AS e",
					   qname, type ? ", " DM_COL_TYPE : "", type ? ", $2" : "");

	dm_spi_connect();
	rc = SPI_execute_with_args(sql, type ? 2 : 1, types, values, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "SPI_execute_with_args failed (%s): %s",
			 SPI_result_code_string(rc), sql);
	count = SPI_processed;
	SPI_finish();

	PG_RETURN_INT64((int64) count);
}

/* ------------------------------------------------------------------------
 * create_latest_view
 * ------------------------------------------------------------------------
 */

/*
 * Splits a dotted key path into its elements (a List of palloc'd
 * strings); an empty element is an error.
 */
static List *
split_path(const char *key)
{
	List	   *elements = NIL;
	const char *start = key;
	const char *p;

	for (p = key;; p++)
	{
		if (*p == '.' || *p == '\0')
		{
			if (p == start)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid key \"%s\"", key),
						 errdetail("A key path is a.b.c: names of JSON object fields (or array positions), separated by dots, none of them empty."),
						 errhint("For a field whose name holds a dot, write a SQL/JSON path such as $.\"a.b\".")));
			elements = lappend(elements, pnstrdup(start, p - start));
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	return elements;
}

/*
 * A text[] literal of the path's elements, quoted for SQL:
 * '{"customer","id"}'::pg_catalog.text[]
 */
static char *
path_literal(List *elements)
{
	StringInfoData buf;
	ListCell   *lc;
	const char *p;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	foreach(lc, elements)
	{
		if (lc != list_head(elements))
			appendStringInfoChar(&buf, ',');
		appendStringInfoChar(&buf, '"');
		for (p = lfirst(lc); *p; p++)
		{
			if (*p == '"' || *p == '\\')
				appendStringInfoChar(&buf, '\\');
			appendStringInfoChar(&buf, *p);
		}
		appendStringInfoChar(&buf, '"');
	}
	appendStringInfoChar(&buf, '}');
	return psprintf("%s::pg_catalog.text[]", quote_literal_cstr(buf.data));
}

/*
 * Is the key a SQL/JSON path?  It starts with $ or with a mode, strict or
 * lax, followed by white space.
 */
static bool
is_jsonpath(const char *key)
{
	return key[0] == '$' ||
		(strncmp(key, "strict", 6) == 0 && scanner_isspace(key[6])) ||
		(strncmp(key, "lax", 3) == 0 && scanner_isspace(key[3]));
}

/*
 * Parses a SQL/JSON path (a syntax error is PostgreSQL's own) and refuses
 * one with a variable ($name): the view passes none, so reading it would
 * fail.  Variables are found in the canonical text, where each is written
 * $"name" and string literals are in double quotes with \" escapes.
 * Other errors of the path at run time (missing fields, wrong types) are
 * suppressed by the view's silent evaluation.
 */
static void
check_jsonpath(const char *key)
{
	char	   *canonical;
	const char *p;
	bool		in_string = false;

	canonical = DatumGetCString(DirectFunctionCall1(jsonpath_out,
													DirectFunctionCall1(jsonpath_in,
																		CStringGetDatum(key))));
	for (p = canonical; *p; p++)
	{
		if (in_string)
		{
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				in_string = false;
		}
		else if (*p == '"')
			in_string = true;
		else if (*p == '$' && p[1] == '"')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("SQL/JSON path of key \"%s\" uses a variable", key),
					 errdetail("The view evaluates the path on each row without variables."),
					 errhint("Write the value into the path itself.")));
	}
}

/*
 * datamesh.create_latest_view(raw regclass, key text, name text,
 *							   order_by text) returns regclass
 *
 * Makes {key}_intermediates.{name} (default {raw name}_latest):
 *
 *	SELECT DISTINCT ON (k) k AS keycol, <the table's columns>
 *	  FROM raw r WHERE k IS NOT NULL
 *	 ORDER BY k, r.order_by DESC NULLS LAST, r.ctid DESC
 *
 * where k is the key column, payload #>> '{a,b}' for a dotted path, or
 * jsonb_path_query_first(payload, path, '{}', true) #>> '{}' for a
 * SQL/JSON path.  Rows without a key are left out; ties on order_by go
 * to the row stored last.
 */
Datum
datamesh_create_latest_view(PG_FUNCTION_ARGS)
{
	DmDomain	domain;
	Oid			relid;
	char	   *key;
	char	   *name;
	char	   *order_by;
	KeyKind		kind;
	AttrNumber	key_attnum = InvalidAttrNumber;
	AttrNumber	order_attnum;
	char	   *key_column;
	char	   *key_expr;
	List	   *path = NIL;
	Oid			nspid;
	Relation	rel;
	TupleDesc	desc;
	StringInfoData sql;
	char	   *qview;
	Oid			viewid;
	int			i;

	raw_table_arg(fcinfo, "make a latest view of", &domain);
	relid = PG_GETARG_OID(0);
	/* held to the end of the transaction, against changes while we look */
	rel = relation_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	dm_catalog_check_member(&domain, "create views");

	key = required_text(fcinfo, 1, "key",
						"Name a column of the table, a path into payload such as 'customer.id', or a SQL/JSON path such as '$.customer.id'.");
	if (key[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key must not be empty"),
				 errhint("Name a column of the table, a path into payload such as 'customer.id', or a SQL/JSON path such as '$.customer.id'.")));
	order_by = required_text(fcinfo, 3, "order_by",
							 "Omit it to order by _added_at.");

	/* the key: a column of the table wins over a path of the same text */
	key_attnum = get_attnum(relid, key);
	if (key_attnum > 0)
	{
		kind = KEY_COLUMN;
		check_sortable(relid, key, get_atttype(relid, key_attnum), "key");
		key_column = key;
		key_expr = psprintf("r.%s", quote_identifier(key));
	}
	else
	{
		check_payload_column(relid, "make a latest view of");
		if (is_jsonpath(key))
		{
			kind = KEY_JSONPATH;
			check_jsonpath(key);
			key_column = DM_LATEST_KEY_COLUMN;
			key_expr = psprintf("(pg_catalog.jsonb_path_query_first(r." DM_COL_PAYLOAD ","
								" %s::pg_catalog.jsonpath, '{}'::pg_catalog.jsonb, true)"
								" OPERATOR(pg_catalog.#>>) '{}'::pg_catalog.text[])",
								quote_literal_cstr(key));
		}
		else
		{
			kind = KEY_PATH;
			path = split_path(key);
			key_column = llast(path);
			if (strlen(key_column) >= NAMEDATALEN)
				ereport(ERROR,
						(errcode(ERRCODE_NAME_TOO_LONG),
						 errmsg("key column name \"%s\" is too long", key_column),
						 errdetail("The view's key column is named after the last element of the path, and an identifier has at most %d bytes.",
								   NAMEDATALEN - 1),
						 errhint("Write the key as a SQL/JSON path ($.a.b); its column is named \"%s\".",
								 DM_LATEST_KEY_COLUMN)));
			key_expr = psprintf("(r." DM_COL_PAYLOAD " OPERATOR(pg_catalog.#>>) %s)",
								path_literal(path));
		}
		/* the key column comes first; it must not repeat a column */
		if (get_attnum(relid, key_column) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_COLUMN),
					 errmsg("key column \"%s\" of the view would duplicate a column of \"%s\"",
							key_column, get_rel_name(relid)),
					 errdetail("The view shows the key first, named after the last element of a path (\"%s\" for a SQL/JSON path), then every column of the table.",
							   DM_LATEST_KEY_COLUMN),
					 kind == KEY_PATH ?
					 errhint("Write the key as a SQL/JSON path ($.a.b); its column is named \"%s\".",
							 DM_LATEST_KEY_COLUMN) :
					 errhint("Write the key as a path such as a.b, whose column is named after its last element.")));
	}

	order_attnum = get_attnum(relid, order_by);
	if (order_attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						order_by, get_rel_name(relid)),
				 errdetail("order_by names the column of the raw table that tells the newer row from the older one."),
				 errhint("Omit order_by to order by " DM_COL_ADDED_AT ".")));
	check_sortable(relid, order_by, get_atttype(relid, order_attnum), "order_by");

	/* the view's name */
	if (PG_ARGISNULL(2))
	{
		name = psprintf("%s" DM_LATEST_SUFFIX, RelationGetRelationName(rel));
		if (strlen(name) >= NAMEDATALEN)
			ereport(ERROR,
					(errcode(ERRCODE_NAME_TOO_LONG),
					 errmsg("view name \"%s\" is too long", name),
					 errdetail("The default name is the table's name followed by \"%s\", and an identifier has at most %d bytes.",
							   DM_LATEST_SUFFIX, NAMEDATALEN - 1),
					 errhint("Pass a name.")));
	}
	else
	{
		name = text_to_cstring(PG_GETARG_TEXT_PP(2));
		check_relation_name("view", name);
	}
	nspid = layer_schema(&domain, DM_LAYER_INTERMEDIATES);
	check_name_free(nspid, name,
					"Choose another name with the argument name, or drop the existing relation first.");

	dm_spi_connect();

	qview = quote_qualified_identifier(get_namespace_name(nspid), name);
	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE VIEW %s AS SELECT DISTINCT ON (%s) %s AS %s",
					 qview, key_expr, key_expr, quote_identifier(key_column));
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || att->attnum == key_attnum)
			continue;
		appendStringInfo(&sql, ", r.%s", quote_identifier(NameStr(att->attname)));
	}
	appendStringInfo(&sql,
					 " FROM %s AS r WHERE %s IS NOT NULL"
					 " ORDER BY %s, r.%s DESC NULLS LAST, r.ctid DESC",
					 dm_qualified_name(relid), key_expr, key_expr,
					 quote_identifier(order_by));
	relation_close(rel, NoLock);

	if (SPI_execute(sql.data, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "SPI_execute failed: %s", sql.data);
	viewid = get_relname_relid(name, nspid);
	if (!OidIsValid(viewid))
		elog(ERROR, "view \"%s\" was not created", name);
	ensure_owner(viewid, &domain, "VIEW");
	SPI_finish();

	PG_RETURN_OID(viewid);
}
