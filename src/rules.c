/*-------------------------------------------------------------------------
 *
 * rules.c
 *		The layer rules that the event triggers judge (enforce.c calls them).
 *
 * Rule 1 (only generated views in data_products) and the hand-over are
 * judged in enforce.c, where the command is at hand.  Here:
 *	rules 2 and 3: nothing outside a domain reads its private layers, and
 *		nothing at all depends on a saved query (one dependency edge at a
 *		time, from depend.c's walks);
 *	rule 4: private objects are granted to the domain's team only, also
 *		through default privileges, and products only SELECT, to anyone;
 *	rule 6: a domain's schemas are dropped, renamed or re-owned only by
 *		drop_domain.
 * Every rule raises its error with what, why (the rule) and how to fix it.
 *
 * IDENTIFICATION
 *		src/rules.c
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
#include "utils/aclchk_internal.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "datamesh.h"
#include "depend.h"
#include "exec.h"
#include "rules.h"

static void check_grantee(const DmDomain *domain, const char *objdesc,
						  Oid grantee, const char *hint);

/*
 * Rule 6: raises its error if nspname is a schema of a domain, with the
 * message and hint of the change tried.
 */
void
dm_rules_schema_managed(const char *nspname, DmSchemaChange change)
{
	DmDomain	domain;
	DmLayer		layer;
	const char *owner;

	if (!dm_catalog_schema_name_domain(nspname, &domain, &layer))
		return;
	owner = GetUserNameFromId(domain.owner, true);
	switch (change)
	{
		case DM_SCHEMA_DROP:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot drop schema \"%s\" of domain \"%s\"", nspname, domain.key),
					 errdetail("Rule 6: the schemas of a domain are created, named, owned and dropped only by datamesh.create_domain() and datamesh.drop_domain()."),
					 errhint("Drop the objects in the schema, or the whole domain with datamesh.drop_domain('%s').",
							 domain.key)));
			break;
		case DM_SCHEMA_RENAME:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot rename schema \"%s\" of domain \"%s\"", nspname, domain.key),
					 errdetail("Rule 6: the schemas of a domain are created, named, owned and dropped only by datamesh.create_domain() and datamesh.drop_domain()."),
					 errhint("A domain's schemas keep the names that datamesh.create_domain() gave them.")));
			break;
		case DM_SCHEMA_OWNER:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot change owner of schema \"%s\" of domain \"%s\"", nspname, domain.key),
					 errdetail("Rule 6: the schemas of a domain are created, named, owned and dropped only by datamesh.create_domain() and datamesh.drop_domain()."),
					 errhint("To hand the domain to another team, grant role \"%s\" to that team's role.",
							 owner ? owner : "?")));
			break;
	}
}

/*
 * Rules 2 and 3 for one dependency edge.
 */
void
dm_rules_reading(const ObjectAddress *dependent, Oid dependent_schema,
			  const ObjectAddress *referenced, Oid referenced_schema,
			  void *arg)
{
	DmDomain	ref_domain;
	DmDomain	dep_domain;
	DmLayer		ref_layer;
	DmLayer		dep_layer;

	if (!dm_catalog_schema_domain(referenced_schema, &ref_domain, &ref_layer))
	{
		/*
		 * A private table made a partition or child of a table outside its
		 * domain: the parent's scan returns its rows, to whoever may read
		 * the parent.
		 */
		if (dependent->classId == RelationRelationId &&
			referenced->classId == RelationRelationId &&
			dm_catalog_schema_domain(dependent_schema, &dep_domain, &dep_layer) &&
			dm_layer_is_private(dep_layer) &&
			list_member_oid(dm_depend_ancestors(dependent->objectId), referenced->objectId))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot make private %s of domain \"%s\" a partition or child of %s",
							dm_describe_object(dependent), dep_domain.key,
							dm_describe_object(referenced)),
					 errdetail("Rule 2: a parent outside domain \"%s\" would show the private rows to whoever may read it.",
							   dep_domain.key),
					 errhint("Keep partitions and children in the layer of their parent, or publish the data with datamesh.publish_product().")));
		return;
	}

	if (ref_layer == DM_LAYER_QUERIES)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("cannot make %s depend on saved query %s",
						dm_describe_object(dependent),
						dm_describe_object(referenced)),
				 errdetail("Rule 3: nothing may depend on objects in a queries schema (\"%s\"), not even within domain \"%s\".",
						   get_namespace_name(referenced_schema), ref_domain.key),
				 errhint("Move what others need into schema \"%s\" or \"%s\".",
						 dm_schema_name(ref_domain.key, DM_LAYER_INTERMEDIATES),
						 dm_schema_name(ref_domain.key, DM_LAYER_INFORMATION_OBJECTS))));

	if (!dm_layer_is_private(ref_layer))
		return;
	if (dm_catalog_schema_domain(dependent_schema, &dep_domain, &dep_layer) &&
		strcmp(dep_domain.key, ref_domain.key) == 0)
		return;

	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("cannot make %s depend on private %s of domain \"%s\"",
					dm_describe_object(dependent),
					dm_describe_object(referenced), ref_domain.key),
			 errdetail("Rule 2: only the objects of domain \"%s\" may depend on its private layer \"%s\"; other domains read its data products.",
					   ref_domain.key, get_namespace_name(referenced_schema)),
			 errhint("Read from a view in schema \"%s\" instead, or ask the owners of domain \"%s\" to publish one with datamesh.publish_product().",
					 dm_schema_name(ref_domain.key, DM_LAYER_DATA_PRODUCTS),
					 ref_domain.key)));
}

/*
 * Rule 4: a private object is granted only to members of the domain's
 * owner role.
 */
static void
check_grantee(const DmDomain *domain, const char *objdesc, Oid grantee,
			  const char *hint)
{
	const char *rolename;

	if (grantee != ACL_ID_PUBLIC && is_member_of_role(grantee, domain->owner))
		return;
	rolename = grantee == ACL_ID_PUBLIC ? "PUBLIC" :
		GetUserNameFromId(grantee, false);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("cannot grant privileges on private %s to role \"%s\"",
					objdesc, rolename),
			 errdetail("Rule 4: the private objects of domain \"%s\" are granted only to members of its owner role \"%s\", and \"%s\" is not one.",
					   domain->key, GetUserNameFromId(domain->owner, false),
					   rolename),
			 errhint("%s", hint)));
}

#define RULE4_HINT "Publish the data with datamesh.publish_product(); other teams read the data product."

/* does a GRANT give anything but SELECT, on the table or a column? */
static bool
grants_more_than_select(InternalGrant *istmt)
{
	ListCell   *lc;

	if (istmt->all_privs || (istmt->privileges & ~ACL_SELECT) != 0)
		return true;
	foreach(lc, istmt->col_privs)
	{
		AccessPriv *priv = lfirst(lc);

		if (priv->priv_name == NULL || strcmp(priv->priv_name, "select") != 0)
			return true;
	}
	return false;
}

void
dm_rules_grant(InternalGrant *istmt)
{
	ListCell   *lc;
	Oid			classid;

	if (!istmt->is_grant)
		return;
	switch (istmt->objtype)
	{
		case OBJECT_TABLE:
		case OBJECT_SEQUENCE:
			classid = RelationRelationId;
			break;
		case OBJECT_FUNCTION:
		case OBJECT_PROCEDURE:
		case OBJECT_ROUTINE:
			classid = ProcedureRelationId;
			break;
		case OBJECT_TYPE:
		case OBJECT_DOMAIN:
			classid = TypeRelationId;
			break;
		case OBJECT_SCHEMA:
			classid = NamespaceRelationId;
			break;
		default:
			return;
	}
	foreach(lc, istmt->objects)
	{
		ObjectAddress object;
		DmDomain	domain;
		DmLayer		layer;
		ListCell   *lc2;

		ObjectAddressSet(object, classid, lfirst_oid(lc));
		if (!dm_catalog_schema_domain(dm_object_schema(&object), &domain, &layer))
			continue;
		/* products are read-only: SELECT is all anyone may be granted */
		if (classid == RelationRelationId && layer == DM_LAYER_DATA_PRODUCTS &&
			grants_more_than_select(istmt))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot grant privileges other than SELECT on data product %s",
							dm_describe_object(&object)),
					 errdetail("Data products are read-only: a product that could be written would let its readers run expressions of their choosing over its source."),
					 errhint("Grant SELECT only.")));
		/* a data_products schema gives consumers USAGE, and nothing more */
		if (!dm_layer_is_private(layer) &&
			!(classid == NamespaceRelationId && (istmt->privileges & ~ACL_USAGE) != 0))
			continue;
		foreach(lc2, istmt->grantees)
			check_grantee(&domain, dm_describe_object(&object),
						  lfirst_oid(lc2), RULE4_HINT);
	}
}

/*
 * Rule 4 for ALTER DEFAULT PRIVILEGES IN SCHEMA private GRANT ...
 */
void
dm_rules_default_privileges(AlterDefaultPrivilegesStmt *stmt)
{
	ListCell   *lc;

	if (!stmt->action->is_grant)
		return;
	foreach(lc, stmt->options)
	{
		DefElem    *opt = lfirst_node(DefElem, lc);
		ListCell   *lc2;

		if (strcmp(opt->defname, "schemas") != 0)
			continue;
		foreach(lc2, (List *) opt->arg)
		{
			char	   *nspname = strVal(lfirst(lc2));
			DmDomain	domain;
			DmLayer		layer;
			ListCell   *lc3;
			char	   *desc;

			if (!dm_catalog_schema_name_domain(nspname, &domain, &layer))
				continue;
			if (layer == DM_LAYER_DATA_PRODUCTS)
			{
				/* products are read-only, also through default privileges */
				ListCell   *lc4;
				bool		more = stmt->action->privileges == NIL;

				foreach(lc4, stmt->action->privileges)
				{
					AccessPriv *priv = lfirst(lc4);

					if (priv->priv_name == NULL || strcmp(priv->priv_name, "select") != 0)
						more = true;
				}
				if (stmt->action->objtype == OBJECT_TABLE && more)
					ereport(ERROR,
							(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
							 errmsg("cannot grant privileges other than SELECT on tables in data product schema %s",
									quote_identifier(nspname)),
							 errdetail("Data products are read-only."),
							 errhint("Grant SELECT only.")));
				continue;
			}
			if (!dm_layer_is_private(layer))
				continue;
			desc = psprintf("objects in schema %s",
							quote_identifier(nspname));
			foreach(lc3, stmt->action->grantees)
			{
				RoleSpec   *spec = lfirst(lc3);
				Oid			grantee = spec->roletype == ROLESPEC_PUBLIC ?
					ACL_ID_PUBLIC : get_rolespec_oid(spec, false);

				check_grantee(&domain, desc, grantee, RULE4_HINT);
			}
		}
	}
}

/*
 * Rule 4 for a relation that arrives in a private schema already carrying
 * grants (from default privileges, or moved in with its grants).
 */
void
dm_rules_relation_acl(Oid relid, const DmDomain *domain, bool moved)
{
	HeapTuple	tuple;
	Datum		datum;
	bool		isnull;
	Acl		   *acl;
	AclItem    *items;
	int			i;
	ObjectAddress object;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		return;
	datum = SysCacheGetAttr(RELOID, tuple, Anum_pg_class_relacl, &isnull);
	if (isnull)
	{
		ReleaseSysCache(tuple);
		return;
	}
	acl = DatumGetAclPCopy(datum);
	ReleaseSysCache(tuple);

	ObjectAddressSet(object, RelationRelationId, relid);
	items = ACL_DAT(acl);
	for (i = 0; i < ACL_NUM(acl); i++)
		check_grantee(domain, dm_describe_object(&object), items[i].ai_grantee,
					  moved ?
					  "Revoke those privileges before moving the relation into the domain." :
					  "The grant comes from default privileges: revoke them (ALTER DEFAULT PRIVILEGES ... REVOKE) or limit them to schemas outside the domain.");
}

