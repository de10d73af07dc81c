/*-------------------------------------------------------------------------
 *
 * catalog.c
 *		Backend-local cache of datamesh's domains, and its settings.
 *
 * Every DDL statement in the database passes through datamesh's event
 * triggers, so the question "is this schema part of a domain, and which
 * layer?" must be cheap.  This module keeps a hash table from schema OID
 * to domain and layer, built from the table datamesh.domain on first use
 * and dropped whenever a schema changes (syscache callback on
 * NAMESPACEOID) or datamesh.domain itself is invalidated (relcache
 * callback; create_domain and drop_domain send one explicitly, so other
 * sessions learn of new domains at commit).
 *
 * Lookups copy the domain out to the caller: a later lookup may rebuild
 * the cache and free what an earlier one returned.
 *
 * The catalog is read with the low-level table API, which checks no
 * privileges: the triggers run as whoever issued the DDL.
 *
 * IDENTIFICATION
 *		src/catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_namespace.h"
#include "miscadmin.h"
#include "parser/parse_relation.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "catalog.h"

/* schema of the extension's own objects */
#define DM_SCHEMA "datamesh"

/* what the cache knows of one schema */
typedef struct SchemaEntry
{
	Oid			nspid;			/* hash key */
	int			domain;			/* index into domains[] */
	DmLayer		layer;			/* the schema's layer */
} SchemaEntry;

static MemoryContext cache_cxt = NULL;
static bool cache_valid = false;
static Oid	domain_relid = InvalidOid;	/* datamesh.domain, when built */
static DmDomain *domains = NULL;
static int	ndomains = 0;
static HTAB *schema_map = NULL;

static void invalidate_syscache(Datum arg, int cacheid, uint32 hashvalue);
static void invalidate_relcache(Datum arg, Oid relid);
static void build_cache(void);
static int	find_domain_index(const char *key);

/*
 * Registers the invalidation callbacks; called once from _PG_init.
 */
void
dm_catalog_init(void)
{
	CacheRegisterSyscacheCallback(NAMESPACEOID, invalidate_syscache, (Datum) 0);
	CacheRegisterRelcacheCallback(invalidate_relcache, (Datum) 0);
}

static void
invalidate_syscache(Datum arg, int cacheid, uint32 hashvalue)
{
	cache_valid = false;
}

static void
invalidate_relcache(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == domain_relid)
		cache_valid = false;
}

/*
 * Drops the cache of this backend now; other backends learn of a change
 * to datamesh.domain through CacheInvalidateRelcacheByRelid at commit.
 */
void
dm_catalog_invalidate(void)
{
	Oid			relid = dm_catalog_relid("domain");

	cache_valid = false;
	if (OidIsValid(relid))
		CacheInvalidateRelcacheByRelid(relid);
}

/*
 * OID of datamesh.<relname>, or InvalidOid when the extension is not
 * installed in this database.
 */
Oid
dm_catalog_relid(const char *relname)
{
	Oid			nspid = get_namespace_oid(DM_SCHEMA, true);

	if (!OidIsValid(nspid))
		return InvalidOid;
	return get_relname_relid(relname, nspid);
}

/*
 * Text value of a column of a datamesh catalog tuple, palloc'd, or NULL.
 */
char *
dm_catalog_text_attr(HeapTuple tuple, Relation rel, const char *attname)
{
	bool		isnull;
	Datum		d;

	d = heap_getattr(tuple, attnameAttNum(rel, attname, false),
					 RelationGetDescr(rel), &isnull);
	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * (Re)builds the cache from datamesh.domain.
 */
static void
build_cache(void)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	HASHCTL		ctl;
	int			capacity = 16;
	Oid			relid;

	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(CacheMemoryContext,
										  "datamesh domain cache",
										  ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(cache_cxt);

	/* a callback that fires while we build marks the result stale again */
	cache_valid = true;
	domains = NULL;
	ndomains = 0;
	schema_map = NULL;

	relid = dm_catalog_relid("domain");
	domain_relid = relid;
	if (!OidIsValid(relid))
		return;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(SchemaEntry);
	ctl.hcxt = cache_cxt;
	schema_map = hash_create("datamesh schemas", 64, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	domains = MemoryContextAllocZero(cache_cxt, capacity * sizeof(DmDomain));

	rel = table_open(relid, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		DmDomain   *dom;
		char	   *key = dm_catalog_text_attr(tuple, rel, "key");
		bool		isnull;
		Datum		owner;
		int			layer;

		if (key == NULL || strlen(key) > DM_KEY_MAXLEN)
			continue;
		if (ndomains == capacity)
		{
			capacity *= 2;
			domains = repalloc(domains, capacity * sizeof(DmDomain));
		}
		dom = &domains[ndomains];
		memset(dom, 0, sizeof(DmDomain));
		strlcpy(dom->key, key, NAMEDATALEN);
		owner = heap_getattr(tuple, attnameAttNum(rel, "owner", false),
							 RelationGetDescr(rel), &isnull);
		dom->owner = isnull ? InvalidOid : DatumGetObjectId(owner);

		for (layer = 0; layer < DM_LAYER_COUNT; layer++)
		{
			char	   *nspname = dm_schema_name(key, (DmLayer) layer);
			Oid			nspid = get_namespace_oid(nspname, true);
			SchemaEntry *entry;

			dom->schemas[layer] = nspid;
			if (OidIsValid(nspid))
			{
				entry = hash_search(schema_map, &nspid, HASH_ENTER, NULL);
				entry->domain = ndomains;
				entry->layer = (DmLayer) layer;
			}
			pfree(nspname);
		}
		pfree(key);
		ndomains++;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

static inline void
ensure_cache(void)
{
	if (!cache_valid)
	{
		MemoryContext old = CurrentMemoryContext;

		PG_TRY();
		{
			build_cache();
		}
		PG_CATCH();
		{
			cache_valid = false;
			MemoryContextSwitchTo(old);
			PG_RE_THROW();
		}
		PG_END_TRY();
	}
}

/*
 * Does this database have any domain?  The cheapest early exit of the
 * event triggers.
 */
bool
dm_catalog_has_domains(void)
{
	ensure_cache();
	return ndomains > 0;
}

/* the data_products schemas of every domain (a List of Oid, palloc'd) */
List *
dm_catalog_product_schemas(void)
{
	List	   *result = NIL;
	int			i;

	ensure_cache();
	for (i = 0; i < ndomains; i++)
		if (OidIsValid(domains[i].schemas[DM_LAYER_DATA_PRODUCTS]))
			result = lappend_oid(result, domains[i].schemas[DM_LAYER_DATA_PRODUCTS]);
	return result;
}

/*
 * If nspid is a layer schema of a domain, copies the domain to *domain,
 * sets *layer and returns true.
 */
bool
dm_catalog_schema_domain(Oid nspid, DmDomain *domain, DmLayer *layer)
{
	SchemaEntry *entry;

	ensure_cache();
	if (schema_map == NULL || !OidIsValid(nspid))
		return false;
	entry = hash_search(schema_map, &nspid, HASH_FIND, NULL);
	if (entry == NULL)
		return false;
	if (domain)
		*domain = domains[entry->domain];
	if (layer)
		*layer = entry->layer;
	return true;
}

static int
find_domain_index(const char *key)
{
	int			i;

	for (i = 0; i < ndomains; i++)
		if (strcmp(domains[i].key, key) == 0)
			return i;
	return -1;
}

/*
 * Like dm_catalog_schema_domain, by schema name: works for a schema
 * that is being dropped or renamed (ddl_command_start sees names).
 */
bool
dm_catalog_schema_name_domain(const char *nspname, DmDomain *domain,
							  DmLayer *layer)
{
	size_t		len = strlen(nspname);
	int			l;

	ensure_cache();
	for (l = 0; l < DM_LAYER_COUNT; l++)
	{
		size_t		slen = strlen(dm_layer_names[l]);
		char		key[NAMEDATALEN];
		int			i;

		if (len <= slen + 1 || len - slen - 1 >= NAMEDATALEN)
			continue;
		if (nspname[len - slen - 1] != '_' ||
			strcmp(nspname + len - slen, dm_layer_names[l]) != 0)
			continue;
		memcpy(key, nspname, len - slen - 1);
		key[len - slen - 1] = '\0';
		i = find_domain_index(key);
		if (i < 0)
			continue;
		if (domain)
			*domain = domains[i];
		if (layer)
			*layer = (DmLayer) l;
		return true;
	}
	return false;
}

/*
 * Copies the domain with this key to *domain; false if there is none.
 */
bool
dm_catalog_find(const char *key, DmDomain *domain)
{
	int			i;

	ensure_cache();
	i = find_domain_index(key);
	if (i < 0)
		return false;
	if (domain)
		*domain = domains[i];
	return true;
}

/*
 * Does roleid own a schema of some domain?  Copies the first such domain.
 */
bool
dm_catalog_domain_of_owner(Oid roleid, DmDomain *domain)
{
	int			i;
	int			layer;

	ensure_cache();
	for (i = 0; i < ndomains; i++)
	{
		for (layer = 0; layer < DM_LAYER_COUNT; layer++)
		{
			HeapTuple	tuple;
			bool		owned;

			if (!OidIsValid(domains[i].schemas[layer]))
				continue;
			tuple = SearchSysCache1(NAMESPACEOID,
									ObjectIdGetDatum(domains[i].schemas[layer]));
			if (!HeapTupleIsValid(tuple))
				continue;
			owned = ((Form_pg_namespace) GETSTRUCT(tuple))->nspowner == roleid;
			ReleaseSysCache(tuple);
			if (owned)
			{
				if (domain)
					*domain = domains[i];
				return true;
			}
		}
	}
	return false;
}

/*
 * Can this role reach a private object of some domain?  Only superusers
 * and members of a domain's owner role can: private schemas grant USAGE to
 * nobody else (create_domain strips other grants, rule 4 refuses new
 * ones), and without USAGE no object can be made to depend on anything
 * in them.  Membership is asked of PostgreSQL's own cache every time.
 */
bool
dm_catalog_may_reach_private(Oid roleid)
{
	int			i;

	if (superuser_arg(roleid))
		return true;
	ensure_cache();
	for (i = 0; i < ndomains; i++)
		if (OidIsValid(domains[i].owner) &&
			is_member_of_role(roleid, domains[i].owner))
			return true;
	return false;
}

/*
 * schema.name quoted as datamesh's catalog keys are: only where needed,
 * whatever quote_all_identifiers the session set.
 */
char *
dm_qualify(const char *schema, const char *name)
{
	bool		save = quote_all_identifiers;
	char	   *result;

	quote_all_identifiers = false;
	result = quote_qualified_identifier(schema, name);
	quote_all_identifiers = save;
	return result;
}

char *
dm_qualified_name(Oid relid)
{
	return dm_qualify(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
}

/*
 * Locks datamesh.domain against concurrent create_domain/drop_domain;
 * held to the end of the transaction.
 */
void
dm_catalog_lock_domains(void)
{
	Oid			relid = dm_catalog_relid("domain");

	if (!OidIsValid(relid))
		elog(ERROR, "datamesh catalog table \"datamesh.domain\" is missing");
	LockRelationOid(relid, ShareRowExclusiveLock);
}

/* a role's name, or "with OID n" for a role that is gone */
char *
dm_role_name(Oid roleid)
{
	char	   *name = GetUserNameFromId(roleid, true);

	return name ? name : psprintf("with OID %u", roleid);
}

/*
 * The caller must be a member of the domain's owner role (superusers are
 * members of every role), or gets "permission denied to ACTION in domain
 * KEY", naming the role to ask.
 */
void
dm_catalog_check_member(const DmDomain *domain, const char *action)
{
	if (is_member_of_role(GetUserId(), domain->owner))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s in domain \"%s\"", action, domain->key),
			 errdetail("Only members of role \"%s\", the owner of domain \"%s\", may do that.",
					   dm_role_name(domain->owner), domain->key),
			 errhint("Ask the domain's team to do it, or to grant you its role.")));
}
