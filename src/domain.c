/*-------------------------------------------------------------------------
 *
 * domain.c
 *		create_domain, drop_domain and the mesh settings.
 *
 * These are admin functions (EXECUTE revoked from PUBLIC, SECURITY
 * DEFINER with a fixed search_path).  Each validates all of its input
 * before it changes anything, then runs its DDL through dm_exec_internal
 * so that datamesh's own event triggers stand aside, and writes the
 * catalog through SPI with parameters.  Concurrent calls are serialized
 * by a lock on datamesh.domain taken before the existence checks, so two
 * sessions creating the same domain get one domain and one clean error.
 *
 * IDENTIFICATION
 *		src/domain.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "contract_enforce.h"
#include "datamesh.h"
#include "depend.h"
#include "domain.h"
#include "exec.h"
#include "pseudonym.h"
#include "settings.h"

PG_FUNCTION_INFO_V1(datamesh_create_domain);
PG_FUNCTION_INFO_V1(datamesh_drop_domain);

/* at most this many dependents are named in drop_domain's error */
#define MAX_DEPENDENTS_SHOWN 10

/* what drop_domain collects about objects outside the domain */
typedef struct DependentsState
{
	Oid			schemas[DM_LAYER_COUNT];	/* the domain's schemas */
	StringInfoData list;		/* the first few, one per line */
	int			count;			/* all of them */
	List	   *seen;			/* dependents counted, as ObjectAddress */
} DependentsState;

static const char *layer_comments[DM_LAYER_COUNT] = {
	"ingested data as it came, with metadata columns",
	"ingested data from sources outside the mesh, with metadata columns",
	"reusable views and materialized steps of the domain",
	"the domain's own curated tables and views",
	"published data products: the domain's public data API",
	"saved ad hoc queries; nothing may depend on them"
};




/* Is there a row for this key in datamesh.domain?  (SPI connected) */
static bool
domain_row_exists(const char *key)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	int			rc;

	values[0] = CStringGetTextDatum(key);
	rc = SPI_execute_with_args("SELECT 1 FROM datamesh.domain WHERE key = $1",
							   1, argtypes, values, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read datamesh.domain: %s",
			 SPI_result_code_string(rc));
	return SPI_processed > 0;
}

/*
 * A new schema may come with grants from default privileges of its owner
 * (ALTER DEFAULT PRIVILEGES FOR ROLE team GRANT ... ON SCHEMAS).  Revokes
 * every grant to a role outside the team, so that a private schema grants
 * nothing to anyone else.  (SPI connected)
 */
static void
revoke_foreign_grants(const char *nspname, Oid owner)
{
	Oid			nspid = get_namespace_oid(nspname, false);
	HeapTuple	tuple;
	Datum		datum;
	bool		isnull;
	Acl		   *acl;
	AclItem    *items;
	int			i;

	tuple = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nspid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for schema %u", nspid);
	datum = SysCacheGetAttr(NAMESPACEOID, tuple, Anum_pg_namespace_nspacl, &isnull);
	acl = isnull ? NULL : DatumGetAclPCopy(datum);
	ReleaseSysCache(tuple);
	if (acl == NULL)
		return;

	items = ACL_DAT(acl);
	for (i = 0; i < ACL_NUM(acl); i++)
	{
		Oid			grantee = items[i].ai_grantee;

		if (grantee != ACL_ID_PUBLIC && is_member_of_role(grantee, owner))
			continue;
		dm_exec_internal(psprintf("REVOKE ALL ON SCHEMA %s FROM %s",
								  quote_identifier(nspname),
								  grantee == ACL_ID_PUBLIC ? "PUBLIC" :
								  quote_identifier(GetUserNameFromId(grantee, false))));
	}
}

/*
 * datamesh.create_domain(name, owner, stage, organization, description)
 *		returns the key
 */
Datum
datamesh_create_domain(PG_FUNCTION_ARGS)
{
	char	   *name = dm_text_arg(fcinfo, 0);
	Oid			owner = PG_ARGISNULL(1) ? InvalidOid : PG_GETARG_OID(1);
	char	   *stage = dm_text_arg(fcinfo, 2);
	char	   *organization = dm_text_arg(fcinfo, 3);
	char	   *description = dm_text_arg(fcinfo, 4);
	char	   *ownername;
	StringInfoData key;
	int			layer;
	Oid			argtypes[6] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, REGROLEOID, TEXTOID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	char	   *consumer;
	int			rc;

	/* validate everything first */
	dm_check_key_part("name", name, true, "'sales' or 'web_shop'");
	dm_check_key_part("stage", stage, false, "'dev' or 'prod'");
	dm_check_key_part("organization", organization, false, "'acme'");
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("domain owner must not be null"),
				 errhint("Pass the role of the team that owns the domain.")));
	ownername = GetUserNameFromId(owner, true);
	if (ownername == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role with OID %u does not exist", owner),
				 errhint("Create the team's role first.")));

	dm_spi_connect();

	if (organization == NULL)
	{
		organization = dm_setting("default_organization");
		dm_check_key_part("organization", organization, false, "'acme'");
	}

	initStringInfo(&key);
	if (organization != NULL)
		appendStringInfo(&key, "%s_", organization);
	appendStringInfoString(&key, name);
	if (stage != NULL)
		appendStringInfo(&key, "_%s", stage);
	if (key.len > DM_KEY_MAXLEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("domain key \"%s\" is too long", key.data),
				 errdetail("A domain key ([organization_]name[_stage]) has at most %d characters, so that the name of each of its schemas fits in %d bytes; this one has %d.",
						   DM_KEY_MAXLEN, NAMEDATALEN - 1, key.len),
				 errhint("Choose a shorter name, stage or organization.")));

	dm_catalog_lock_domains();
	if (domain_row_exists(key.data))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("domain \"%s\" already exists", key.data),
				 errhint("Choose another name or stage, or drop the domain first with datamesh.drop_domain().")));
	for (layer = 0; layer < DM_LAYER_COUNT; layer++)
	{
		char	   *nspname = dm_schema_name(key.data, (DmLayer) layer);

		if (OidIsValid(get_namespace_oid(nspname, true)))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_SCHEMA),
					 errmsg("schema \"%s\" already exists", nspname),
					 errdetail("Domain \"%s\" needs the schemas %s_raw, %s_raw_external, %s_intermediates, %s_information_objects, %s_data_products and %s_queries.",
							   key.data, key.data, key.data, key.data,
							   key.data, key.data, key.data),
					 errhint("Rename or drop the existing schema, or choose another domain name.")));
	}

	/* the six schemas, owned by the team */
	consumer = dm_consumer_role_sql();
	for (layer = 0; layer < DM_LAYER_COUNT; layer++)
	{
		const char *nsp = quote_identifier(dm_schema_name(key.data, (DmLayer) layer));

		dm_exec_internal(psprintf("CREATE SCHEMA %s AUTHORIZATION %s",
								  nsp, quote_identifier(ownername)));
		dm_exec_internal(psprintf("COMMENT ON SCHEMA %s IS %s", nsp,
								  quote_literal_cstr(psprintf("Domain %s: %s.",
															  key.data,
															  layer_comments[layer]))));
		revoke_foreign_grants(dm_schema_name(key.data, (DmLayer) layer), owner);
		if (layer == DM_LAYER_DATA_PRODUCTS)
			dm_exec_internal(psprintf("GRANT USAGE ON SCHEMA %s TO %s",
									  nsp, consumer));
	}

	values[0] = CStringGetTextDatum(key.data);
	values[1] = CStringGetTextDatum(name);
	values[2] = organization ? CStringGetTextDatum(organization) : (Datum) 0;
	nulls[2] = organization ? ' ' : 'n';
	values[3] = stage ? CStringGetTextDatum(stage) : (Datum) 0;
	nulls[3] = stage ? ' ' : 'n';
	values[4] = ObjectIdGetDatum(owner);
	values[5] = description ? CStringGetTextDatum(description) : (Datum) 0;
	nulls[5] = description ? ' ' : 'n';
	rc = SPI_execute_with_args("INSERT INTO datamesh.domain"
							   " (key, name, organization, stage, owner, description)"
							   " VALUES ($1, $2, $3, $4, $5, $6)",
							   6, argtypes, values, nulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not insert into datamesh.domain: %s",
			 SPI_result_code_string(rc));

	dm_catalog_invalidate();
	/* its own pseudonym scope gets a fresh key, never an old one */
	CommandCounterIncrement();
	dm_pseudonym_sync_keys();
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(key.data));
}

/* dm_depend_dependents callback: collects dependents outside the domain */
static void
collect_dependent(const ObjectAddress *dependent, Oid dependent_schema,
				  const ObjectAddress *referenced, Oid referenced_schema,
				  void *arg)
{
	DependentsState *state = (DependentsState *) arg;
	int			i;
	ListCell   *lc;
	ObjectAddress *copy;

	for (i = 0; i < DM_LAYER_COUNT; i++)
		if (state->schemas[i] == dependent_schema)
			return;
	/* a view reads each column separately: count it once */
	foreach(lc, state->seen)
	{
		ObjectAddress *o = lfirst(lc);

		if (o->classId == dependent->classId && o->objectId == dependent->objectId)
			return;
	}
	copy = palloc(sizeof(ObjectAddress));
	*copy = *dependent;
	state->seen = lappend(state->seen, copy);
	if (state->count < MAX_DEPENDENTS_SHOWN)
		appendStringInfo(&state->list, "\n%s depends on %s",
						 dm_describe_object(dependent),
						 dm_describe_object(referenced));
	state->count++;
}

/*
 * datamesh.drop_domain(key, force): drops the six schemas with everything
 * in them, and the catalog row.  Refuses while objects outside the domain
 * depend on it, unless force, which drops them too.
 */
Datum
datamesh_drop_domain(PG_FUNCTION_ARGS)
{
	char	   *key = dm_text_arg(fcinfo, 0);
	bool		force = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	DependentsState state;
	StringInfoData sql;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	int			layer;
	int			rc;

	if (key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("domain key must not be null")));

	dm_spi_connect();
	dm_catalog_lock_domains();
	if (!domain_row_exists(key))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("domain \"%s\" does not exist", key),
				 errhint("The view datamesh.domains lists the domains.")));

	memset(&state, 0, sizeof(state));
	initStringInfo(&state.list);
	for (layer = 0; layer < DM_LAYER_COUNT; layer++)
		state.schemas[layer] = get_namespace_oid(dm_schema_name(key, (DmLayer) layer), true);

	if (!force)
	{
		for (layer = 0; layer < DM_LAYER_COUNT; layer++)
		{
			List	   *members;
			ListCell   *lc;

			if (!OidIsValid(state.schemas[layer]))
				continue;
			members = dm_schema_members(state.schemas[layer]);
			foreach(lc, members)
				dm_depend_dependents(lfirst(lc), collect_dependent, &state);
		}
		if (state.count > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("cannot drop domain \"%s\" because objects outside it depend on it",
							key),
					 errdetail_plural("%d object outside the domain depends on it:%s%s",
									  "%d objects outside the domain depend on it:%s%s",
									  state.count, state.count, state.list.data,
							   state.count > MAX_DEPENDENTS_SHOWN ? "\n..." : ""),
					 errhint("Drop or change those objects first, or call datamesh.drop_domain('%s', force => true) to drop them too.",
							 key)));
	}

	/*
	 * The products it takes with it, here and (with force) downstream in
	 * other domains, are judged by their contracts at commit: a domain
	 * whose contracts are active is not dropped.
	 */
	if (OidIsValid(state.schemas[DM_LAYER_DATA_PRODUCTS]))
	{
		ListCell   *lc;

		foreach(lc, dm_schema_members(state.schemas[DM_LAYER_DATA_PRODUCTS]))
		{
			ObjectAddress *member = lfirst(lc);

			if (member->classId == RelationRelationId)
				dm_contract_touch_all_downstream(member->objectId);
		}
	}

	/* and products whose view is gone already (dropped with enforcement off) */
	values[0] = CStringGetTextDatum(key);
	if (SPI_execute_with_args("SELECT product FROM datamesh.product WHERE domain = $1",
							  1, argtypes, values, NULL, false, 0) == SPI_OK_SELECT)
	{
		uint64		i;

		for (i = 0; i < SPI_processed; i++)
			dm_contract_touch_name(SPI_getvalue(SPI_tuptable->vals[i],
												SPI_tuptable->tupdesc, 1),
								   InvalidOid);
	}

	initStringInfo(&sql);
	appendStringInfoString(&sql, "DROP SCHEMA IF EXISTS ");
	for (layer = 0; layer < DM_LAYER_COUNT; layer++)
		appendStringInfo(&sql, "%s%s", layer > 0 ? ", " : "",
						 quote_identifier(dm_schema_name(key, (DmLayer) layer)));
	appendStringInfoString(&sql, " CASCADE");
	dm_exec_internal(sql.data);

	values[0] = CStringGetTextDatum(key);
	rc = SPI_execute_with_args("DELETE FROM datamesh.domain WHERE key = $1",
							   1, argtypes, values, NULL, false, 0);
	if (rc != SPI_OK_DELETE)
		elog(ERROR, "could not delete from datamesh.domain: %s",
			 SPI_result_code_string(rc));
	/* its products, their grants, its scope; keys no domain uses go too */
	if (SPI_execute_with_args("DELETE FROM datamesh.unmasked u USING datamesh.product p"
							  " WHERE u.product = p.product AND p.domain = $1",
							  1, argtypes, values, NULL, false, 0) < 0 ||
		SPI_execute_with_args("DELETE FROM datamesh.product WHERE domain = $1",
							  1, argtypes, values, NULL, false, 0) < 0 ||
		SPI_execute_with_args("DELETE FROM datamesh.pseudonym_scope WHERE domain = $1",
							  1, argtypes, values, NULL, false, 0) < 0 ||
		/* products of other domains that force dropped with it, and their grants */
		SPI_execute("DELETE FROM datamesh.unmasked u WHERE pg_catalog.to_regclass(u.product) IS NULL",
					false, 0) < 0 ||
		SPI_execute("DELETE FROM datamesh.product p WHERE pg_catalog.to_regclass(p.product) IS NULL",
					false, 0) < 0)
		elog(ERROR, "could not clean up the catalog of domain \"%s\"", key);
	CommandCounterIncrement();
	dm_pseudonym_sync_keys();

	dm_catalog_invalidate();
	SPI_finish();
	PG_RETURN_VOID();
}
