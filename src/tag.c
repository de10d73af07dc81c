/*-------------------------------------------------------------------------
 *
 * tag.c
 *		Tags and descriptions of domains, relations and columns.
 *
 * The tags of a relation or a column live in a security label of their
 * own provider, "datamesh_tags": a JSON object of tag names and values
 * (strings, or null for a tag without a value), for example
 * '{"tier": "gold", "certified": null}'.  So PostgreSQL keeps them through
 * renames, drops them with their object and pg_dump carries them, like the
 * PII labels of provider "datamesh".  SECURITY LABEL FOR datamesh_tags
 * written by hand is the same as datamesh.set_tag: the provider hook
 * (tag_label.c) checks every label, whoever writes it.  A domain's tags are
 * a jsonb column of datamesh.domain.
 *
 * A tag defined with datamesh.define_tag (admin only) accepts only its
 * allowed values; a tag never defined is free-form.  Descriptions are
 * COMMENTs, so psql's \d+ and every client show them.
 *
 * The mutating functions check that the caller is a member of the owning
 * domain's role (or superuser) and then act as that role, which owns the
 * object; a relation outside the mesh may be tagged and described by its
 * owner.  A tag or a description of a product is noted for the search
 * index, refreshed at commit (contract_enforce.c collects the products a
 * transaction touched).
 *
 * IDENTIFICATION
 *		src/tag.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "commands/seclabel.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "contract_enforce.h"
#include "datamesh.h"
#include "exec.h"
#include "tag.h"
#include "tag_label.h"

/* a label kept while a product's view is made anew */
typedef struct SavedLabel
{
	char	   *column;			/* NULL: the relation's own label */
	char	   *label;			/* its tags label, or NULL */
	char	   *comment;		/* a column's description, or NULL */
} SavedLabel;

PG_FUNCTION_INFO_V1(datamesh_define_tag);
PG_FUNCTION_INFO_V1(datamesh_set_tag);
PG_FUNCTION_INFO_V1(datamesh_unset_tag);
PG_FUNCTION_INFO_V1(datamesh_set_column_tag);
PG_FUNCTION_INFO_V1(datamesh_unset_column_tag);
PG_FUNCTION_INFO_V1(datamesh_set_domain_tag);
PG_FUNCTION_INFO_V1(datamesh_unset_domain_tag);
PG_FUNCTION_INFO_V1(datamesh_describe);
PG_FUNCTION_INFO_V1(datamesh_describe_column);

static const char *relkind_keyword(char relkind);
static Oid	object_role(Oid relid, DmDomain *domain, bool *in_mesh,
						const char *action);
static AttrNumber column_arg(Oid relid, FunctionCallInfo fcinfo, int n);
static void change_tag(Oid relid, AttrNumber attnum, const char *tag,
					   const char *value, bool unset);
static void change_domain_tag(const char *key, const char *tag,
							  const char *value, bool unset);
static void describe(Oid relid, AttrNumber attnum, const char *description);
static char *object_sql(Oid relid, AttrNumber attnum);
static void exec_for(Oid role, bool in_mesh, const char *sql);

/* ---------------------------------------------------------------------
 * Who may tag or describe what
 * ---------------------------------------------------------------------
 */

/*
 * The role that acts on relid for the caller: the owner role of its domain,
 * if the caller is a member (or superuser); for a relation outside the
 * mesh, the caller itself, who must own it.  Errors otherwise.
 */
static Oid
object_role(Oid relid, DmDomain *domain, bool *in_mesh, const char *action)
{
	DmLayer		layer;
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (!dm_tag_taggable_relkind(get_rel_relkind(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot %s \"%s\"", action, relname),
				 errdetail("Only tables, views, materialized views, foreign tables and their columns have tags and descriptions here."),
				 errhint("Tag a domain with datamesh.set_domain_tag().")));
	*in_mesh = dm_catalog_schema_domain(get_rel_namespace(relid), domain, &layer);
	if (*in_mesh)
	{
		dm_catalog_check_member(domain, psprintf("%s \"%s\"", action, relname));
		return domain->owner;
	}
	if (!pg_class_ownercheck(relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s \"%s\"", action, relname),
				 errdetail("Outside the schemas of a domain, only the owner of a relation may do that.")));
	return GetUserId();
}

/* argument n as a column of relid, or an error */
static AttrNumber
column_arg(Oid relid, FunctionCallInfo fcinfo, int n)
{
	char	   *col;
	AttrNumber	attnum;

	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("column must not be null")));
	col = NameStr(*PG_GETARG_NAME(n));
	attnum = get_attnum(relid, col);
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						col, get_rel_name(relid))));
	return attnum;
}

/*
 * Runs a label or comment statement: in the mesh as the domain's owner
 * role, outside it as the caller (who owns the relation).  (SPI connected)
 */
static void
exec_for(Oid role, bool in_mesh, const char *sql)
{
	if (in_mesh)
		dm_exec_as(role, sql);
	else
		dm_exec_internal(sql);
}

/* "TABLE s.t", "VIEW s.v", "COLUMN s.t.c": the object of a label or comment */
static char *
object_sql(Oid relid, AttrNumber attnum)
{
	char	   *qrel = dm_qualified_name(relid);

	if (attnum > 0)
		return psprintf("COLUMN %s.%s", qrel,
						quote_identifier(get_attname(relid, attnum, false)));
	return psprintf("%s %s", relkind_keyword(get_rel_relkind(relid)), qrel);
}

static const char *
relkind_keyword(char relkind)
{
	switch (relkind)
	{
		case RELKIND_VIEW:
			return "VIEW";
		case RELKIND_MATVIEW:
			return "MATERIALIZED VIEW";
		case RELKIND_FOREIGN_TABLE:
			return "FOREIGN TABLE";
		default:
			return "TABLE";
	}
}

/* ---------------------------------------------------------------------
 * Tags of relations and columns
 * ---------------------------------------------------------------------
 */

/*
 * Sets (or with unset, removes) one tag of a relation or a column: reads
 * its label, changes the one tag, writes the label as the acting role.
 */
static void
change_tag(Oid relid, AttrNumber attnum, const char *tag, const char *value,
		   bool unset)
{
	DmDomain	domain;
	bool		in_mesh;
	Oid			role;
	ObjectAddress addr;
	char	   *old;
	char	   *label = NULL;
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};

	role = object_role(relid, &domain, &in_mesh, unset ? "untag" : "tag");
	dm_tag_check_name(tag);
	if (!unset)
		dm_tag_check_value(tag, value);

	/*
	 * SECURITY LABEL locks the relation in ShareUpdateExclusiveLock; taking
	 * it before reading the label makes concurrent set_tag calls on one
	 * relation follow each other (pg_seclabel is read with a fresh
	 * snapshot), so none loses the other's tag.
	 */
	LockRelationOid(relid, ShareUpdateExclusiveLock);
	ObjectAddressSubSet(addr, RelationRelationId, relid, attnum);
	old = GetSecurityLabel(&addr, DM_TAG_PROVIDER);

	dm_spi_connect();
	values[0] = old ? CStringGetTextDatum(old) : (Datum) 0;
	nulls[0] = old ? ' ' : 'n';
	values[1] = CStringGetTextDatum(tag);
	values[2] = value ? CStringGetTextDatum(value) : (Datum) 0;
	nulls[2] = value ? ' ' : 'n';
	dm_exec_catalog(unset ?
					"SELECT NULLIF(COALESCE($1::jsonb, '{}') - $2, '{}')::text" :
					"SELECT (COALESCE($1::jsonb, '{}')"
					" || pg_catalog.jsonb_build_object($2, $3))::text",
					3, types, values, nulls, true);
	if (SPI_processed == 1)
		label = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (label != NULL || old != NULL)
	{
		exec_for(role, in_mesh,
				 psprintf("SECURITY LABEL FOR %s ON %s IS %s", DM_TAG_PROVIDER,
						  object_sql(relid, attnum),
						  label ? quote_literal_cstr(label) : "NULL"));
	}
	SPI_finish();
	/* a product's tags are in the search index, refreshed at commit */
	if (dm_contract_is_product_view(relid))
		dm_contract_touch(relid);
}

/* the relation argument, or an error for NULL */
static Oid
relation_arg(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("object must not be null")));
	return PG_GETARG_OID(0);
}

/*
 * datamesh.set_tag(object regclass, tag text, value text DEFAULT NULL)
 */
Datum
datamesh_set_tag(PG_FUNCTION_ARGS)
{
	change_tag(relation_arg(fcinfo), 0, dm_text_arg(fcinfo, 1), dm_text_arg(fcinfo, 2), false);
	PG_RETURN_VOID();
}

/*
 * datamesh.unset_tag(object regclass, tag text)
 */
Datum
datamesh_unset_tag(PG_FUNCTION_ARGS)
{
	change_tag(relation_arg(fcinfo), 0, dm_text_arg(fcinfo, 1), NULL, true);
	PG_RETURN_VOID();
}

/*
 * datamesh.set_tag(object regclass, col name, tag text, value text)
 */
Datum
datamesh_set_column_tag(PG_FUNCTION_ARGS)
{
	Oid			relid = relation_arg(fcinfo);

	change_tag(relid, column_arg(relid, fcinfo, 1), dm_text_arg(fcinfo, 2),
			   dm_text_arg(fcinfo, 3), false);
	PG_RETURN_VOID();
}

/*
 * datamesh.unset_tag(object regclass, col name, tag text)
 */
Datum
datamesh_unset_column_tag(PG_FUNCTION_ARGS)
{
	Oid			relid = relation_arg(fcinfo);

	change_tag(relid, column_arg(relid, fcinfo, 1), dm_text_arg(fcinfo, 2), NULL, true);
	PG_RETURN_VOID();
}

/* ---------------------------------------------------------------------
 * Tags of domains
 * ---------------------------------------------------------------------
 */

static void
change_domain_tag(const char *key, const char *tag, const char *value, bool unset)
{
	DmDomain	domain;
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};

	if (key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("domain must not be null")));
	if (!dm_catalog_find(key, &domain))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("domain \"%s\" does not exist", key),
				 errhint("The view datamesh.domains lists the domains.")));
	if (!is_member_of_role(GetUserId(), domain.owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s domain \"%s\"", unset ? "untag" : "tag", key),
				 errdetail("Only members of role \"%s\", the owner of domain \"%s\", may do that.",
						   dm_role_name(domain.owner), key),
				 errhint("Ask the domain's team to do it, or to grant you its role.")));
	dm_tag_check_name(tag);
	if (!unset)
		dm_tag_check_value(tag, value);

	dm_spi_connect();
	values[0] = CStringGetTextDatum(key);
	values[1] = CStringGetTextDatum(tag);
	values[2] = value ? CStringGetTextDatum(value) : (Datum) 0;
	nulls[2] = value ? ' ' : 'n';
	if (unset)
		dm_exec_catalog("UPDATE datamesh.domain SET tags = tags - $2 WHERE key = $1",
						2, types, values, nulls, false);
	else
		dm_exec_catalog("UPDATE datamesh.domain SET tags = tags"
						" || pg_catalog.jsonb_build_object($2, $3) WHERE key = $1",
						3, types, values, nulls, false);
	SPI_finish();
}

/*
 * datamesh.set_domain_tag(domain text, tag text, value text DEFAULT NULL)
 */
Datum
datamesh_set_domain_tag(PG_FUNCTION_ARGS)
{
	change_domain_tag(dm_text_arg(fcinfo, 0), dm_text_arg(fcinfo, 1),
					  dm_text_arg(fcinfo, 2), false);
	PG_RETURN_VOID();
}

/*
 * datamesh.unset_domain_tag(domain text, tag text)
 */
Datum
datamesh_unset_domain_tag(PG_FUNCTION_ARGS)
{
	change_domain_tag(dm_text_arg(fcinfo, 0), dm_text_arg(fcinfo, 1), NULL, true);
	PG_RETURN_VOID();
}

/* ---------------------------------------------------------------------
 * Tag definitions
 * ---------------------------------------------------------------------
 */

/*
 * datamesh.define_tag(tag text, allowed_values text[] DEFAULT NULL,
 *					   description text DEFAULT NULL)
 *
 * Defines (or redefines) a tag.  Refused while an object carries a value
 * that the new definition would not allow.  Admin only (EXECUTE revoked
 * from PUBLIC).
 */
Datum
datamesh_define_tag(PG_FUNCTION_ARGS)
{
	char	   *tag = dm_text_arg(fcinfo, 0);
	ArrayType  *allowed = PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1);
	char	   *description = dm_text_arg(fcinfo, 2);
	Oid			types[3] = {TEXTOID, TEXTARRAYOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};

	dm_tag_check_name(tag);
	if (allowed != NULL)
	{
		Datum	   *elems;
		bool	   *elnulls;
		int			n;
		int			i;
		int			j;

		if (ARR_NDIM(allowed) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("allowed values must be a one-dimensional array")));
		deconstruct_array(allowed, TEXTOID, -1, false, TYPALIGN_INT, &elems, &elnulls, &n);
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("tag \"%s\" must allow at least one value", tag),
					 errhint("Give NULL instead of an empty array for a free-form tag.")));
		for (i = 0; i < n; i++)
		{
			if (elnulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("allowed values of tag \"%s\" must not contain null", tag)));
			/* each must be a value set_tag would take */
			{
				char	   *v = TextDatumGetCString(elems[i]);
				const unsigned char *p;

				if (v[0] == '\0' || strlen(v) > DM_TAG_VALUE_MAX)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("allowed value %d of tag \"%s\" is empty or longer than %d bytes",
									i + 1, tag, DM_TAG_VALUE_MAX)));
				for (p = (const unsigned char *) v; *p; p++)
					if (*p < 0x20 || *p == 0x7f)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("allowed value %d of tag \"%s\" contains a control character",
										i + 1, tag)));
			}
			for (j = 0; j < i; j++)
				if (strcmp(TextDatumGetCString(elems[i]), TextDatumGetCString(elems[j])) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("allowed values of tag \"%s\" repeat \"%s\"", tag,
									TextDatumGetCString(elems[i]))));
		}
	}

	/* one definition at a time, and none while a tag is being set */
	LockRelationOid(dm_catalog_relid("tag_definition"), ExclusiveLock);
	dm_spi_connect();
	values[0] = CStringGetTextDatum(tag);
	values[1] = allowed ? PointerGetDatum(allowed) : (Datum) 0;
	nulls[1] = allowed ? ' ' : 'n';
	values[2] = description ? CStringGetTextDatum(description) : (Datum) 0;
	nulls[2] = description ? ' ' : 'n';

	/* objects already tagged with a value the new definition refuses */
	if (allowed != NULL)
	{
		/* with the latest snapshot: what committed while this one waited */
		dm_exec_catalog_latest("SELECT t.object, t.value FROM datamesh.tags t"
							   " WHERE t.tag = $1"
							   " AND (t.value IS NULL OR NOT t.value = ANY ($2))"
							   " ORDER BY 1 LIMIT 1",
							   2, types, values);
		if (SPI_processed > 0)
		{
			char	   *object = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("cannot define tag \"%s\" with these allowed values", tag),
					 errdetail("\"%s\" carries tag \"%s\" with a value that is not among them.",
							   object, tag),
					 errhint("Change or remove those tags first: SELECT * FROM datamesh.tags WHERE tag = '%s'.",
							 tag)));
		}
	}
	dm_exec_catalog("INSERT INTO datamesh.tag_definition AS d (tag, allowed_values, description)"
					" VALUES ($1, $2, $3)"
					" ON CONFLICT (tag) DO UPDATE SET allowed_values = excluded.allowed_values,"
					" description = excluded.description, defined_at = pg_catalog.now(),"
					" defined_by = CURRENT_USER",
					3, types, values, nulls, false);
	SPI_finish();
	PG_RETURN_VOID();
}

/* ---------------------------------------------------------------------
 * Descriptions
 * ---------------------------------------------------------------------
 */

/*
 * Writes the COMMENT of a relation or a column as the acting role (NULL
 * removes it).  A product's description is also its catalog row's.
 */
static void
describe(Oid relid, AttrNumber attnum, const char *description)
{
	DmDomain	domain;
	bool		in_mesh;
	Oid			role = object_role(relid, &domain, &in_mesh, "describe");
	char	   *sql = psprintf("COMMENT ON %s IS %s", object_sql(relid, attnum),
							   description ? quote_literal_cstr(description) : "NULL");

	bool		product = dm_contract_is_product_view(relid);

	dm_spi_connect();
	exec_for(role, in_mesh, sql);
	if (attnum == 0 && product)
	{
		Oid			types[2] = {TEXTOID, TEXTOID};
		Datum		values[2];
		char		nulls[2] = {' ', ' '};

		values[0] = CStringGetTextDatum(dm_qualified_name(relid));
		values[1] = description ? CStringGetTextDatum(description) : (Datum) 0;
		nulls[1] = description ? ' ' : 'n';
		dm_exec_catalog("UPDATE datamesh.product SET description = $2 WHERE product = $1",
						2, types, values, nulls, false);
	}
	SPI_finish();
	/* a product's description is in the search index, refreshed at commit */
	if (product)
		dm_contract_touch(relid);
}

/*
 * datamesh.describe(object regclass, description text)
 */
Datum
datamesh_describe(PG_FUNCTION_ARGS)
{
	describe(relation_arg(fcinfo), 0, dm_text_arg(fcinfo, 1));
	PG_RETURN_VOID();
}

/*
 * datamesh.describe(object regclass, col name, description text)
 */
Datum
datamesh_describe_column(PG_FUNCTION_ARGS)
{
	Oid			relid = relation_arg(fcinfo);

	describe(relid, column_arg(relid, fcinfo, 1), dm_text_arg(fcinfo, 2));
	PG_RETURN_VOID();
}

/* ---------------------------------------------------------------------
 * A product view made anew keeps its tags
 * ---------------------------------------------------------------------
 */

/*
 * The tags labels of a relation and its columns, and its columns'
 * descriptions, to give back with dm_tag_restore after it was dropped and
 * created again.  (The relation's own description is view.c's.)
 */
List *
dm_tag_save(Oid relid)
{
	List	   *saved = NIL;
	ObjectAddress addr;
	AttrNumber	natts = 0;
	AttrNumber	i;
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));

	if (HeapTupleIsValid(tuple))
	{
		natts = ((Form_pg_class) GETSTRUCT(tuple))->relnatts;
		ReleaseSysCache(tuple);
	}

	for (i = 0; i <= natts; i++)
	{
		char	   *label;
		char	   *comment;
		SavedLabel *s;

		if (i > 0 && get_attname(relid, i, true) == NULL)
			continue;
		ObjectAddressSubSet(addr, RelationRelationId, relid, i);
		label = GetSecurityLabel(&addr, DM_TAG_PROVIDER);
		comment = i > 0 ? GetComment(relid, RelationRelationId, i) : NULL;
		if (label == NULL && comment == NULL)
			continue;
		s = palloc(sizeof(SavedLabel));
		s->column = i > 0 ? get_attname(relid, i, false) : NULL;
		s->label = label;
		s->comment = comment;
		saved = lappend(saved, s);
	}
	return saved;
}

/* gives the saved labels back, to the columns that still have their names */
void
dm_tag_restore(Oid relid, List *saved)
{
	ListCell   *lc;

	foreach(lc, saved)
	{
		SavedLabel *s = lfirst(lc);
		AttrNumber	attnum = s->column ? get_attnum(relid, s->column) : 0;
		ObjectAddress addr;

		if (attnum < 0 || (attnum == InvalidAttrNumber && s->column != NULL))
			continue;
		ObjectAddressSubSet(addr, RelationRelationId, relid, attnum);
		if (s->label != NULL)
			SetSecurityLabel(&addr, DM_TAG_PROVIDER, s->label);
		if (s->comment != NULL)
			CreateComments(relid, RelationRelationId, attnum, s->comment);
	}
}
