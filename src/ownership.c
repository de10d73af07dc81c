/*-------------------------------------------------------------------------
 *
 * ownership.c
 *		Objects in a domain's schemas belong to the domain's owner role.
 *
 * Whatever a member creates in (or moves into) a domain schema is handed to
 * the domain's owner role in the same statement, so that every member can
 * change it and products (owned by the owner role) can read it.  Called by
 * the ddl_command_end trigger (enforce.c) once per object and statement.
 *
 * IDENTIFICATION
 *		src/ownership.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/alter.h"
#include "commands/tablecmds.h"
#include "commands/typecmds.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "datamesh.h"
#include "depend.h"
#include "exec.h"
#include "ownership.h"

/*
 * Hands an object in a domain schema to the domain's owner role, in the
 * same statement, so that every member can change it.  Parts of other
 * objects (indexes, owned sequences, row and array types) follow their
 * owner and are left alone.  Called once per object and statement.
 */
void
dm_ownership_ensure(const ObjectAddress *object, const DmDomain *domain)
{
	AttrNumber	attnum;

	if (!OidIsValid(domain->owner))
		return;

	if (object->classId == RelationRelationId)
	{
		HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(object->objectId));
		Form_pg_class form;
		Oid			owner;
		char		relkind;
		Oid			tableId;
		int32		colId;

		if (!HeapTupleIsValid(tuple))
			return;
		form = (Form_pg_class) GETSTRUCT(tuple);
		owner = form->relowner;
		relkind = form->relkind;
		ReleaseSysCache(tuple);
		if (owner == domain->owner ||
			relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX ||
			relkind == RELKIND_TOASTVALUE)
			return;
		if (relkind == RELKIND_SEQUENCE &&
			(sequenceIsOwned(object->objectId, DEPENDENCY_AUTO, &tableId, &colId) ||
			 sequenceIsOwned(object->objectId, DEPENDENCY_INTERNAL, &tableId, &colId)))
			return;
		ATExecChangeOwner(object->objectId, domain->owner, false,
						  AccessExclusiveLock);
	}
	else if (object->classId == TypeRelationId)
	{
		HeapTuple	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(object->objectId));
		Form_pg_type form;
		bool		skip;

		if (!HeapTupleIsValid(tuple))
			return;
		form = (Form_pg_type) GETSTRUCT(tuple);
		skip = form->typowner == domain->owner ||
			IsTrueArrayType(form) ||
			form->typtype == TYPTYPE_MULTIRANGE ||
			(form->typtype == TYPTYPE_COMPOSITE &&
			 get_rel_relkind(form->typrelid) != RELKIND_COMPOSITE_TYPE);
		ReleaseSysCache(tuple);
		if (skip)
			return;
		AlterTypeOwner_oid(object->objectId, domain->owner, true);
	}
	else if (object->classId != NamespaceRelationId &&
			 is_objectclass_supported(object->classId) &&
			 (attnum = get_object_attnum_owner(object->classId)) != InvalidAttrNumber)
	{
		Relation	catalog = table_open(object->classId, RowExclusiveLock);
		HeapTuple	tuple = get_catalog_object_by_oid(catalog,
													  get_object_attnum_oid(object->classId),
													  object->objectId);
		bool		isnull;

		if (HeapTupleIsValid(tuple) &&
			DatumGetObjectId(heap_getattr(tuple, attnum,
										  RelationGetDescr(catalog),
										  &isnull)) != domain->owner)
			AlterObjectOwner_internal(catalog, object->objectId, domain->owner);
		table_close(catalog, RowExclusiveLock);
	}
	/*
	 * No CommandCounterIncrement: nothing later in this trigger depends on
	 * the new owner being visible, the object is handed over once per
	 * statement, and the statement ends with one.
	 */
}

