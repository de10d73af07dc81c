/*-------------------------------------------------------------------------
 *
 * catalog.h
 *		Backend-local view of datamesh's catalog: domains and settings.
 *
 * IDENTIFICATION
 *		src/catalog.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_CATALOG_H
#define DATAMESH_CATALOG_H

#include "access/htup.h"
#include "nodes/pg_list.h"
#include "utils/relcache.h"

#include "layer.h"

/* one domain, as the event triggers need it */
typedef struct DmDomain
{
	char		key[NAMEDATALEN];	/* the domain key, e.g. "acme_sales_prod" */
	Oid			owner;			/* the owner role */
	Oid			schemas[DM_LAYER_COUNT];	/* layer schemas; InvalidOid if
											 * missing */
} DmDomain;

extern void dm_catalog_init(void);
extern void dm_catalog_invalidate(void);
extern bool dm_catalog_has_domains(void);
extern List *dm_catalog_product_schemas(void);
extern bool dm_catalog_schema_domain(Oid nspid, DmDomain *domain,
									 DmLayer *layer);
extern bool dm_catalog_schema_name_domain(const char *nspname,
										  DmDomain *domain, DmLayer *layer);
extern bool dm_catalog_find(const char *key, DmDomain *domain);
extern bool dm_catalog_domain_of_owner(Oid roleid, DmDomain *domain);
extern bool dm_catalog_may_reach_private(Oid roleid);
extern Oid	dm_catalog_relid(const char *relname);
extern void dm_catalog_lock_domains(void);
extern char *dm_qualify(const char *schema, const char *name);
extern char *dm_qualified_name(Oid relid);
extern char *dm_catalog_text_attr(HeapTuple tuple, Relation rel,
								  const char *attname);
extern char *dm_role_name(Oid roleid);
extern void dm_catalog_check_member(const DmDomain *domain, const char *action);

#endif							/* DATAMESH_CATALOG_H */
