/*-------------------------------------------------------------------------
 *
 * rules.h
 *		The layer rules that the event triggers judge.
 *
 * IDENTIFICATION
 *		src/rules.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_RULES_H
#define DATAMESH_RULES_H

#include "catalog/objectaddress.h"
#include "nodes/parsenodes.h"
#include "utils/aclchk_internal.h"

#include "catalog.h"

/* the changes of a schema that rule 6 judges */
typedef enum DmSchemaChange
{
	DM_SCHEMA_DROP,
	DM_SCHEMA_RENAME,
	DM_SCHEMA_OWNER
} DmSchemaChange;

extern void dm_rules_schema_managed(const char *nspname, DmSchemaChange change);
extern void dm_rules_reading(const ObjectAddress *dependent, Oid dependent_schema,
							 const ObjectAddress *referenced, Oid referenced_schema,
							 void *arg);
extern void dm_rules_grant(InternalGrant *istmt);
extern void dm_rules_default_privileges(AlterDefaultPrivilegesStmt *stmt);
extern void dm_rules_relation_acl(Oid relid, const DmDomain *domain, bool moved);

#endif							/* DATAMESH_RULES_H */
