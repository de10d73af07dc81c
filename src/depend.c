/*-------------------------------------------------------------------------
 *
 * depend.c
 *		Walks over pg_depend and pg_inherits: the layer rules, drop_domain,
 *		and the products downstream of a change.
 *
 * pg_depend records what views, materialized views, foreign keys,
 * defaults, triggers, policies, indexes and SQL-standard function bodies
 * read.  Many of those records hang off a part of the object rather than
 * the object itself: a view reads its tables through its rewrite rule, a
 * table references another through its foreign-key constraint.  So the
 * walks here treat an object together with its parts (everything that
 * depends on it internally or automatically), and place a part in the
 * schema of the relation it belongs to.
 *
 * Normal and automatic dependencies count as "reads", and so does being a
 * partition of a table (the partition's rows show up in the parent);
 * internal and extension dependencies are structure.  The downstream walk
 * follows every edge from a relation to the views, partitions and
 * children that read it.  A PL/pgSQL body records nothing, so it is
 * invisible here: the privileges of the private schemas guard it instead.
 *
 * IDENTIFICATION
 *		src/depend.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/objectaddress.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_type.h"
#include "access/transam.h"
#include "miscadmin.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"

#include "depend.h"

static bool owning_relation(Relation depRel, const ObjectAddress *object,
							Oid *relid);
static Oid	object_schema(Relation depRel, const ObjectAddress *object);

/* Does this class of object carry a schema of its own? */
static inline bool
has_own_schema(Oid classid)
{
	return is_objectclass_supported(classid) &&
		get_object_attnum_namespace(classid) != InvalidAttrNumber;
}

/*
 * Opens a scan of pg_depend by depender (by_reference = false) or by
 * referenced object (true).
 */
static SysScanDesc
depend_scan(Relation depRel, const ObjectAddress *object, bool by_reference)
{
	ScanKeyData key[2];

	ScanKeyInit(&key[0],
				by_reference ? Anum_pg_depend_refclassid : Anum_pg_depend_classid,
				BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(object->classId));
	ScanKeyInit(&key[1],
				by_reference ? Anum_pg_depend_refobjid : Anum_pg_depend_objid,
				BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(object->objectId));
	return systable_beginscan(depRel,
							  by_reference ? DependReferenceIndexId : DependDependerIndexId,
							  true, NULL, 2, key);
}

/*
 * Does a dependency of this type mean "reads"?  Normal and automatic ones
 * do; so does being a partition of a table (its rows show up there).
 */
static inline bool
is_reading(char deptype)
{
	return deptype == DEPENDENCY_NORMAL || deptype == DEPENDENCY_AUTO ||
		deptype == DEPENDENCY_PARTITION_PRI;
}

/*
 * The relation that an object without a schema of its own (a rewrite rule,
 * trigger, policy, column default) belongs to.
 */
static bool
owning_relation(Relation depRel, const ObjectAddress *object, Oid *relid)
{
	SysScanDesc scan = depend_scan(depRel, object, false);
	HeapTuple	tuple;
	bool		found = false;

	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);

		if (dep->refclassid == RelationRelationId &&
			(dep->deptype == DEPENDENCY_AUTO ||
			 dep->deptype == DEPENDENCY_INTERNAL))
		{
			*relid = dep->refobjid;
			found = true;
			break;
		}
	}
	systable_endscan(scan);
	return found;
}

/*
 * The schema an object lives in: its own, or that of the relation it is a
 * part of.  InvalidOid for objects outside every schema.
 */
Oid
dm_object_schema(const ObjectAddress *object)
{
	return object_schema(NULL, object);
}

/* dm_object_schema with pg_depend open already, or NULL */
static Oid
object_schema(Relation depRel, const ObjectAddress *object)
{
	Oid			relid;
	bool		found;

	switch (object->classId)
	{
		case RelationRelationId:
			return get_rel_namespace(object->objectId);
		case NamespaceRelationId:
			return object->objectId;
		default:
			break;
	}
	if (has_own_schema(object->classId))
		return get_object_namespace(object);
	if (depRel != NULL)
		found = owning_relation(depRel, object, &relid);
	else
	{
		depRel = table_open(DependRelationId, AccessShareLock);
		found = owning_relation(depRel, object, &relid);
		table_close(depRel, AccessShareLock);
	}
	return found ? get_rel_namespace(relid) : InvalidOid;
}

/*
 * The object and its parts: what depends on it internally or
 * automatically (rules, constraints, defaults, triggers, indexes, ...).
 */
static List *
object_with_parts(Relation depRel, const ObjectAddress *object)
{
	SysScanDesc scan;
	HeapTuple	tuple;
	ObjectAddress *self = palloc(sizeof(ObjectAddress));
	List	   *parts;
	char		relkind;

	*self = *object;
	self->objectSubId = 0;
	parts = list_make1(self);

	/* a composite type reads through its relation's columns */
	if (object->classId == TypeRelationId)
	{
		Oid			typrelid = get_typ_typrelid(object->objectId);

		if (OidIsValid(typrelid))
		{
			ObjectAddress *rel = palloc(sizeof(ObjectAddress));

			ObjectAddressSet(*rel, RelationRelationId, typrelid);
			parts = lappend(parts, rel);
		}
		return parts;
	}
	/* only tables, views and materialized views read through parts */
	if (object->classId != RelationRelationId)
		return parts;
	relkind = get_rel_relkind(object->objectId);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
		relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW &&
		relkind != RELKIND_FOREIGN_TABLE)
		return parts;

	scan = depend_scan(depRel, object, true);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
		ObjectAddress *part;

		if (dep->deptype != DEPENDENCY_INTERNAL &&
			dep->deptype != DEPENDENCY_AUTO)
			continue;
		/* row and array types read nothing; a toast table neither */
		if (dep->classid == TypeRelationId)
			continue;
		/* a relation is a part only as an index; others are neighbours */
		if (dep->classid == RelationRelationId)
		{
			char		partkind = get_rel_relkind(dep->objid);

			if (partkind != RELKIND_INDEX && partkind != RELKIND_PARTITIONED_INDEX)
				continue;
		}
		part = palloc(sizeof(ObjectAddress));
		part->classId = dep->classid;
		part->objectId = dep->objid;
		part->objectSubId = 0;
		parts = lappend(parts, part);
	}
	systable_endscan(scan);
	return parts;
}

/*
 * Calls callback for every object that the object or one of its parts
 * reads, with the schemas of both sides.  Edges to schemas themselves and
 * to the object itself are skipped.
 */
void
dm_depend_references(const ObjectAddress *object,
					 DmDependCallback callback, void *arg)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	List	   *parts = object_with_parts(depRel, object);
	Oid			schema = object_schema(depRel, object);
	ListCell   *lc;

	foreach(lc, parts)
	{
		ObjectAddress *part = lfirst(lc);
		SysScanDesc scan = depend_scan(depRel, part, false);
		HeapTuple	tuple;

		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
			ObjectAddress ref;
			Oid			ref_schema;

			/* built-in objects are never part of the mesh */
			if (dep->refobjid < FirstNormalObjectId ||
				!is_reading(dep->deptype) ||
				dep->refclassid == NamespaceRelationId)
				continue;
			if (dep->refclassid == object->classId &&
				dep->refobjid == object->objectId)
				continue;
			ref.classId = dep->refclassid;
			ref.objectId = dep->refobjid;
			ref.objectSubId = 0;
			/* a foreign key reads a table through its index: name the table */
			if (ref.classId == RelationRelationId &&
				(get_rel_relkind(ref.objectId) == RELKIND_INDEX ||
				 get_rel_relkind(ref.objectId) == RELKIND_PARTITIONED_INDEX))
				ref.objectId = IndexGetRelation(ref.objectId, false);
			ref_schema = object_schema(depRel, &ref);
			if (OidIsValid(ref_schema) && ref_schema != schema)
				callback(object, schema, &ref, ref_schema, arg);
		}
		systable_endscan(scan);
	}
	table_close(depRel, AccessShareLock);
	list_free_deep(parts);
}

/*
 * Calls callback for every object outside the object's own parts that
 * reads the object (any of its columns), placed in its schema.
 */
void
dm_depend_dependents(const ObjectAddress *object,
					 DmDependCallback callback, void *arg)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	Oid			schema = object_schema(depRel, object);
	SysScanDesc scan = depend_scan(depRel, object, true);
	HeapTuple	tuple;

	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
		ObjectAddress dependent;
		Oid			dependent_schema;
		Oid			relid;

		if (!is_reading(dep->deptype))
			continue;
		dependent.classId = dep->classid;
		dependent.objectId = dep->objid;
		dependent.objectSubId = 0;
		/* report a part (a view's rule) as the relation it belongs to */
		if (dependent.classId != RelationRelationId &&
			!has_own_schema(dependent.classId) &&
			owning_relation(depRel, &dependent, &relid))
		{
			dependent.classId = RelationRelationId;
			dependent.objectId = relid;
		}
		if (dependent.classId == object->classId &&
			dependent.objectId == object->objectId)
			continue;
		dependent_schema = object_schema(depRel, &dependent);
		if (OidIsValid(dependent_schema) && dependent_schema != schema)
			callback(&dependent, dependent_schema, object, schema, arg);
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);
}

/*
 * The relations that read relid, directly or through any number of
 * others, relid first: views and materialized views (their rewrite rules
 * read it), partitions and inheritance children (they take its labels).
 * Every edge counts, also within one schema; each relation is visited
 * once, so diamond-shaped view graphs cost what their size does.  The walk
 * does not go on past a relation for which stop (if given) says so.
 */
List *
dm_depend_downstream(Oid relid, bool (*stop) (Oid relid))
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	List	   *found = list_make1_oid(relid);
	int			i;

	/* found is also the queue: relations are appended as they are found */
	for (i = 0; i < list_length(found); i++)
	{
		ObjectAddress object;
		SysScanDesc scan;
		HeapTuple	tuple;

		CHECK_FOR_INTERRUPTS();
		/* a relation where the walk stops is found, not followed */
		if (i > 0 && stop != NULL && stop(list_nth_oid(found, i)))
			continue;
		ObjectAddressSet(object, RelationRelationId, list_nth_oid(found, i));
		scan = depend_scan(depRel, &object, true);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
			ObjectAddress dependent;
			Oid			reader;
			char		relkind;

			if (dep->classid == RewriteRelationId)
			{
				/* a view's rule: the view reads the relation */
				ObjectAddressSet(dependent, RewriteRelationId, dep->objid);
				if (!owning_relation(depRel, &dependent, &reader))
					continue;
			}
			else if (dep->classid == RelationRelationId)
				reader = dep->objid;
			else
				continue;
			relkind = get_rel_relkind(reader);
			if (relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW &&
				relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
				relkind != RELKIND_FOREIGN_TABLE)
				continue;
			if (!list_member_oid(found, reader))
				found = lappend_oid(found, reader);
		}
		systable_endscan(scan);
	}
	table_close(depRel, AccessShareLock);
	return found;
}

/*
 * Every ancestor of a relation in inheritance trees and partitioning
 * (parents, their parents, ...), each once, nearest first.
 */
List *
dm_depend_ancestors(Oid relid)
{
	Relation	inhRel = table_open(InheritsRelationId, AccessShareLock);
	List	   *found = NIL;
	List	   *todo = list_make1_oid(relid);
	int			i;

	for (i = 0; i < list_length(todo); i++)
	{
		ScanKeyData key;
		SysScanDesc scan;
		HeapTuple	tuple;

		CHECK_FOR_INTERRUPTS();
		ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(list_nth_oid(todo, i)));
		scan = systable_beginscan(inhRel, InheritsRelidSeqnoIndexId, true,
								  NULL, 1, &key);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Oid			parent = ((Form_pg_inherits) GETSTRUCT(tuple))->inhparent;

			if (parent != relid && !list_member_oid(found, parent))
			{
				found = lappend_oid(found, parent);
				todo = lappend_oid(todo, parent);
			}
		}
		systable_endscan(scan);
	}
	table_close(inhRel, AccessShareLock);
	return found;
}

/*
 * "view sales_raw.v": type and qualified identity, for messages.
 */
char *
dm_describe_object(const ObjectAddress *object)
{
	return psprintf("%s %s",
					getObjectTypeDescription(object, false),
					getObjectIdentity(object, false));
}

/*
 * The objects that live directly in a schema, as a list of palloc'd
 * ObjectAddress.
 */
List *
dm_schema_members(Oid nspid)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	ObjectAddress schema;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *members = NIL;

	ObjectAddressSet(schema, NamespaceRelationId, nspid);
	scan = depend_scan(depRel, &schema, true);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
		ObjectAddress *member;

		if (dep->deptype != DEPENDENCY_NORMAL)
			continue;
		member = palloc(sizeof(ObjectAddress));
		member->classId = dep->classid;
		member->objectId = dep->objid;
		member->objectSubId = 0;
		members = lappend(members, member);
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);
	return members;
}

/*
 * Everything built on a type, in any schema: the types (domains, arrays,
 * composite types, ranges) and the relations whose columns use it,
 * directly or through those types.  Returns the relations (each once).
 */
List *
dm_depend_type_users(Oid typid)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	List	   *types = list_make1_oid(typid);
	List	   *relids = NIL;
	ListCell   *lc;

	foreach(lc, types)
	{
		ObjectAddress type;
		SysScanDesc scan;
		HeapTuple	tuple;

		CHECK_FOR_INTERRUPTS();
		ObjectAddressSet(type, TypeRelationId, lfirst_oid(lc));
		scan = depend_scan(depRel, &type, true);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);

			if (dep->classid == TypeRelationId)
				types = list_append_unique_oid(types, dep->objid);
			else if (dep->classid == RelationRelationId)
			{
				Oid			rowtype = get_rel_type_id(dep->objid);

				relids = list_append_unique_oid(relids, dep->objid);
				/* a composite type's columns: the tables of that type too */
				if (OidIsValid(rowtype))
					types = list_append_unique_oid(types, rowtype);
			}
		}
		systable_endscan(scan);
	}
	table_close(depRel, AccessShareLock);
	return relids;
}
