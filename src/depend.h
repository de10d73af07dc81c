/*-------------------------------------------------------------------------
 *
 * depend.h
 *		Walks over pg_depend for the layer rules and drop_domain.
 *
 * IDENTIFICATION
 *		src/depend.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_DEPEND_H
#define DATAMESH_DEPEND_H

#include "catalog/objectaddress.h"

/* called for each edge; "dependent" reads "referenced" */
typedef void (*DmDependCallback) (const ObjectAddress *dependent,
								  Oid dependent_schema,
								  const ObjectAddress *referenced,
								  Oid referenced_schema,
								  void *arg);

extern Oid	dm_object_schema(const ObjectAddress *object);
extern char *dm_describe_object(const ObjectAddress *object);
extern void dm_depend_references(const ObjectAddress *object,
								 DmDependCallback callback, void *arg);
extern void dm_depend_dependents(const ObjectAddress *object,
								 DmDependCallback callback, void *arg);
extern List *dm_schema_members(Oid nspid);
extern List *dm_depend_downstream(Oid relid, bool (*stop) (Oid relid));
extern List *dm_depend_ancestors(Oid relid);
extern List *dm_depend_type_users(Oid typid);

#endif							/* DATAMESH_DEPEND_H */
