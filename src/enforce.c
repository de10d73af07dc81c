/*-------------------------------------------------------------------------
 *
 * enforce.c
 *		The event triggers: they dispatch every DDL statement to the rules.
 *
 * Three event triggers, all created ENABLE ALWAYS by the install script:
 *
 * ddl_command_start: rules that must be judged before the command runs,
 *		while the old names still exist (dropping, renaming or re-owning a
 *		domain's schema, DROP OWNED BY a domain's owner, moving a product
 *		out of its schema).  Being a function of this library, it also
 *		loads the library, and so registers the "datamesh" label provider,
 *		before any SECURITY LABEL runs.
 * ddl_command_end: every other rule (rules.c), judged on the finished
 *		command from the collected commands (object addresses, ALTER TABLE
 *		subcommands, GRANT details) and the new pg_depend edges; the
 *		hand-over of new objects to the domain's owner role (ownership.c)
 *		and the metadata columns of raw tables (raw_metadata.c).  Then the
 *		relations whose classification may have changed go to product.c,
 *		which regenerates the products downstream -- also with enforcement
 *		off and whoever ran the statement.
 * sql_drop: a product view is dropped only by unpublish_product, also
 *		not through CASCADE.  Its tag filter keeps it to the statements that
 *		can drop a view.
 *
 * A rule that fails raises an error, which rolls back the whole command.
 * No rule runs when datamesh.enforce is off, for DDL that datamesh runs
 * itself (exec.c), or inside CREATE EXTENSION.
 *
 * Every trigger first asks the domain cache whether this database has any
 * domain at all; DDL outside the mesh by a role that can reach no private
 * schema then ends after one membership check, unless it can change a
 * product (a label, a replaced view or rule, a partition attached).
 *
 * IDENTIFICATION
 *		src/enforce.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/alter.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "commands/tablecmds.h"
#include "commands/typecmds.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/deparse_utility.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/aclchk_internal.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "classify.h"
#include "contract_enforce.h"
#include "datamesh.h"
#include "depend.h"
#include "enforce.h"
#include "exec.h"
#include "ownership.h"
#include "product.h"
#include "raw_metadata.h"
#include "rules.h"
#include "tag_label.h"

/*
 * Columns of the rows of pg_event_trigger_ddl_commands() and
 * pg_event_trigger_dropped_objects(), by number (PostgreSQL 15).
 */
#define DDL_COMMANDS_COMMAND		9	/* command pg_ddl_command */
#define DROPPED_CLASSID				1	/* classid oid */
#define DROPPED_OBJID				2	/* objid oid */
#define DROPPED_ORIGINAL			4	/* original bool */
#define DROPPED_OBJECT_TYPE			7	/* object_type text */
#define DROPPED_SCHEMA_NAME			8	/* schema_name text */
#define DROPPED_OBJECT_NAME			9	/* object_name text */
#define DROPPED_OBJECT_IDENTITY		10	/* object_identity text */

PG_FUNCTION_INFO_V1(datamesh_ddl_command_start);
PG_FUNCTION_INFO_V1(datamesh_ddl_command_end);
PG_FUNCTION_INFO_V1(datamesh_sql_drop);

static void for_each_event_row(Oid fn_oid,
							   void (*fn) (TupleTableSlot *slot, void *arg),
							   void *arg);
static void check_command(CollectedCommand *cmd, const ObjectAddress *object,
						  List **seen);
static List *partitions_named(Node *parsetree);
static bool attaches_partition(Node *parsetree);
static bool only_harmless(Node *parsetree);
static bool loosens_guarantees(Node *parsetree);
static void touch_before(Node *parsetree);
static void touch_schema_products(Oid nspid);
static bool is_tags_label(Node *parsetree);

/*
 * Runs one of the event trigger support functions (which return a
 * materialized set) and calls fn for each row.  Calling through fmgr
 * instead of SPI keeps the DDL path short; pg_ddl_command values are
 * pointers, valid until the trigger returns.
 */
static void
for_each_event_row(Oid fn_oid, void (*fn) (TupleTableSlot *slot, void *arg),
				   void *arg)
{
	FmgrInfo	flinfo;
	LOCAL_FCINFO(fcinfo, 0);
	ReturnSetInfo rsinfo;
	TupleTableSlot *slot;

	fmgr_info(fn_oid, &flinfo);
	MemSet(&rsinfo, 0, sizeof(rsinfo));
	rsinfo.type = T_ReturnSetInfo;
	rsinfo.econtext = CreateStandaloneExprContext();
	rsinfo.allowedModes = SFRM_Materialize;
	rsinfo.returnMode = SFRM_Materialize;
	InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, NULL,
							 (Node *) &rsinfo);
	FunctionCallInvoke(fcinfo);

	if (rsinfo.setResult != NULL)
	{
		slot = MakeSingleTupleTableSlot(rsinfo.setDesc, &TTSOpsMinimalTuple);
		while (tuplestore_gettupleslot(rsinfo.setResult, true, false, slot))
			fn(slot, arg);
		ExecDropSingleTupleTableSlot(slot);
		tuplestore_end(rsinfo.setResult);
	}
	FreeExprContext(rsinfo.econtext, true);
}

/* row callback: collects the pg_ddl_command of pg_event_trigger_ddl_commands */
static void
collect_command(TupleTableSlot *slot, void *arg)
{
	List	  **commands = (List **) arg;
	bool		isnull;
	Datum		value = slot_getattr(slot, DDL_COMMANDS_COMMAND, &isnull);

	if (!isnull)
		*commands = lappend(*commands, DatumGetPointer(value));
}

/*
 * Rule 6 at ddl_command_start: a domain's schemas keep their names and
 * owner.  Also refuses moving a data product out of its schema (rule 1).
 */
Datum
datamesh_ddl_command_start(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Node	   *parsetree;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "not fired by event trigger manager");
	trigdata = (EventTriggerData *) fcinfo->context;
	parsetree = trigdata->parsetree;

	/*
	 * Contracts judge the net effect at commit; what is about to lose its
	 * name or its index is remembered now, while its name is known.
	 */
	if (!dm_internal() && !creating_extension && dm_catalog_has_domains())
		touch_before(parsetree);

	if (!dm_enforcing())
		PG_RETURN_VOID();

	switch (nodeTag(parsetree))
	{
		case T_RenameStmt:
			{
				RenameStmt *stmt = (RenameStmt *) parsetree;

				if (stmt->renameType == OBJECT_SCHEMA &&
					dm_catalog_has_domains())
					dm_rules_schema_managed(stmt->subname, DM_SCHEMA_RENAME);
				break;
			}
		case T_AlterOwnerStmt:
			{
				AlterOwnerStmt *stmt = (AlterOwnerStmt *) parsetree;

				if (stmt->objectType == OBJECT_SCHEMA &&
					dm_catalog_has_domains())
					dm_rules_schema_managed(strVal(stmt->object), DM_SCHEMA_OWNER);
				break;
			}
		case T_DropStmt:
			{
				DropStmt   *stmt = (DropStmt *) parsetree;
				ListCell   *lc;

				if (stmt->removeType != OBJECT_SCHEMA || !dm_catalog_has_domains())
					break;
				foreach(lc, stmt->objects)
					dm_rules_schema_managed(strVal(lfirst(lc)), DM_SCHEMA_DROP);
				break;
			}
		case T_DropOwnedStmt:
			{
				DropOwnedStmt *stmt = (DropOwnedStmt *) parsetree;
				ListCell   *lc;

				if (!dm_catalog_has_domains())
					break;
				foreach(lc, stmt->roles)
				{
					Oid			roleid = get_rolespec_oid(lfirst(lc), true);
					DmDomain	domain;

					if (OidIsValid(roleid) &&
						dm_catalog_domain_of_owner(roleid, &domain))
						ereport(ERROR,
								(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
								 errmsg("cannot drop the objects owned by role \"%s\"",
										GetUserNameFromId(roleid, false)),
								 errdetail("Role \"%s\" owns the schemas of domain \"%s\". Rule 6: the schemas of a domain are dropped only with the domain.",
										   GetUserNameFromId(roleid, false), domain.key),
								 errhint("Drop the domain first with datamesh.drop_domain('%s'), or drop the objects one by one.",
										 domain.key)));
				}
				break;
			}
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;
				Oid			relid;
				DmDomain	domain;
				DmLayer		layer;

				if (stmt->relation == NULL || !dm_catalog_has_domains())
					break;
				relid = RangeVarGetRelid(stmt->relation, NoLock, true);
				if (OidIsValid(relid) &&
					dm_catalog_schema_domain(get_rel_namespace(relid),
											 &domain, &layer) &&
					layer == DM_LAYER_DATA_PRODUCTS)
					ereport(ERROR,
							(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
							 errmsg("cannot move \"%s\" out of data product schema \"%s\"",
									get_rel_name(relid),
									get_namespace_name(get_rel_namespace(relid))),
							 errdetail("Rule 1: the data products of domain \"%s\" are made and removed only by datamesh.%s",
									   domain.key, dm_contract_bound(dm_qualified_name(relid))),
							 errhint("Use datamesh.unpublish_product() to withdraw a product.")));
				break;
			}
		default:
			break;
	}
	PG_RETURN_VOID();
}


/*
 * The main rule check, after every DDL command.
 */
Datum
datamesh_ddl_command_end(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	MemoryContext old;
	List	   *commands;
	List	   *seen = NIL;
	List	   *regenerate = NIL;
	ListCell   *lc;
	Node	   *parsetree;
	bool		may_change_products;
	bool		touch_contracts;
	bool		describes;
	bool		rules;
	bool		reach;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "not fired by event trigger manager");
	if (dm_internal() || creating_extension || !dm_catalog_has_domains())
		PG_RETURN_VOID();
	parsetree = ((EventTriggerData *) fcinfo->context)->parsetree;
	/* DROP statements collect no commands (sql_drop sees them): nothing to do */
	if (IsA(parsetree, DropStmt))
		PG_RETURN_VOID();

	/*
	 * A label, a view replaced, a table altered or a column renamed can
	 * change what a product must show, wherever the relation lives and
	 * whoever changed it, with enforcement on or off: such commands always
	 * look for products downstream.
	 */
	reach = dm_catalog_may_reach_private(GetUserId());
	may_change_products = (IsA(parsetree, SecLabelStmt) && !is_tags_label(parsetree)) ||
		/* a new partition or child: its parents' scans return its rows */
		(IsA(parsetree, CreateStmt) && ((CreateStmt *) parsetree)->inhRelations != NIL) ||
		(IsA(parsetree, CreateForeignTableStmt) &&
		 ((CreateForeignTableStmt *) parsetree)->base.inhRelations != NIL) ||
		(IsA(parsetree, ViewStmt) && ((ViewStmt *) parsetree)->replace) ||
		IsA(parsetree, RuleStmt) ||
		(IsA(parsetree, AlterTableStmt) &&
		 (attaches_partition(parsetree) || (reach && !only_harmless(parsetree)))) ||
		(reach && IsA(parsetree, RenameStmt));

	/*
	 * A role that is neither superuser nor member of a domain's owner role
	 * can create, change, label or grant nothing in the mesh and read no
	 * private object: nothing it does can break a rule.  DDL outside the
	 * mesh by such roles -- the common case -- needs no rule.  Of what such
	 * a role does, only a label, a replaced view or rule, or a partition
	 * attached or detached can change a product (a domain's view may read
	 * its table): its other ALTER TABLEs cannot reach a product's source,
	 * which is private, and a view keeps its columns' names and types.
	 */
	rules = datamesh_enforce && reach;

	/*
	 * What can break a contract without changing a product's view: a
	 * REVOKE, an enum's labels, a NOT NULL or a key dropped upstream.
	 * Contracts judge it at commit; here the products are only noted.
	 */
	touch_contracts = IsA(parsetree, GrantStmt) || IsA(parsetree, AlterEnumStmt) ||
		(IsA(parsetree, AlterTableStmt) && loosens_guarantees(parsetree)) ||
		(IsA(parsetree, CreateStmt) && ((CreateStmt *) parsetree)->inhRelations != NIL) ||
		(IsA(parsetree, CreateForeignTableStmt) &&
		 ((CreateForeignTableStmt *) parsetree)->base.inhRelations != NIL) ||
		(IsA(parsetree, RenameStmt) &&
		 (((RenameStmt *) parsetree)->renameType == OBJECT_TYPE ||
		  ((RenameStmt *) parsetree)->renameType == OBJECT_DOMAIN)) ||
		(IsA(parsetree, AlterObjectSchemaStmt) &&
		 (((AlterObjectSchemaStmt *) parsetree)->objectType == OBJECT_TYPE ||
		  ((AlterObjectSchemaStmt *) parsetree)->objectType == OBJECT_DOMAIN));
	/* a product's description or tags: the search index, at commit */
	describes = IsA(parsetree, CommentStmt) ||
		(IsA(parsetree, SecLabelStmt) && is_tags_label(parsetree));
	if (!rules && !may_change_products && !touch_contracts && !describes)
		PG_RETURN_VOID();

	cxt = AllocSetContextCreate(CurrentMemoryContext, "datamesh ddl_command_end",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);

	commands = NIL;
	for_each_event_row(F_PG_EVENT_TRIGGER_DDL_COMMANDS, collect_command,
					   &commands);
	foreach(lc, commands)
	{
		CollectedCommand *cmd = (CollectedCommand *) lfirst(lc);
		ObjectAddress object;

		if (cmd->in_extension)
			continue;

		/*
		 * A new label, or a replaced view, can change what a product shows:
		 * regenerate the products that read the relation.
		 */
		if (may_change_products && cmd->type == SCT_Simple &&
			cmd->d.simple.address.classId == RelationRelationId)
			regenerate = list_append_unique_oid(regenerate,
												cmd->d.simple.address.objectId);
		/* a rule's address is the rule: its relation is what changed */
		if (may_change_products && cmd->type == SCT_Simple &&
			IsA(cmd->parsetree, RuleStmt))
		{
			Oid			ruled = RangeVarGetRelid(((RuleStmt *) cmd->parsetree)->relation,
												 NoLock, true);

			if (OidIsValid(ruled))
				regenerate = list_append_unique_oid(regenerate, ruled);
		}
		if (may_change_products && cmd->type == SCT_AlterTable &&
			cmd->d.alterTable.classId == RelationRelationId)
		{
			regenerate = list_append_unique_oid(regenerate,
												cmd->d.alterTable.objectId);
			/* a partition attached or detached takes or loses labels */
			regenerate = list_concat_unique_oid(regenerate,
												partitions_named(cmd->parsetree));
		}
		if (describes && cmd->type == SCT_Simple &&
			cmd->d.simple.address.classId == RelationRelationId &&
			dm_contract_is_product_view(cmd->d.simple.address.objectId))
			dm_contract_touch(cmd->d.simple.address.objectId);
		if (touch_contracts)
		{
			if (cmd->type == SCT_Grant && !cmd->d.grant.istmt->is_grant &&
				(cmd->d.grant.istmt->objtype == OBJECT_TABLE ||
				 cmd->d.grant.istmt->objtype == OBJECT_SCHEMA))
			{
				ListCell   *lc2;

				/* SELECT on a product, or USAGE on its schema, revoked */
				foreach(lc2, cmd->d.grant.istmt->objects)
				{
					Oid			objid = lfirst_oid(lc2);

					if (cmd->d.grant.istmt->objtype == OBJECT_SCHEMA)
					{
						if (dm_is_product_schema(objid))
							touch_schema_products(objid);
					}
					else
						/* a product, or what products read with their owners' rights */
						dm_contract_touch_downstream(objid);
				}
				/* a REVOKE locks nothing else: against a concurrent publish_contract */
				dm_contract_lock_touched();
			}
			else if (cmd->type == SCT_Simple &&
					 cmd->d.simple.address.classId == TypeRelationId)
				/* an enum's labels, a type's name or schema changed */
				dm_contract_touch_type(cmd->d.simple.address.objectId);
			else if (cmd->type == SCT_Simple &&
					 (IsA(cmd->parsetree, CreateStmt) ||
					  IsA(cmd->parsetree, CreateForeignTableStmt)) &&
					 cmd->d.simple.address.classId == RelationRelationId)
			{
				ListCell   *lc2;

				/* a new inheritance child: its parents' keys no longer cover all rows */
				foreach(lc2, dm_depend_ancestors(cmd->d.simple.address.objectId))
					dm_contract_touch_downstream(lfirst_oid(lc2));
			}
			else if (cmd->type == SCT_AlterTable &&
					 cmd->d.alterTable.classId == RelationRelationId)
				dm_contract_touch_downstream(cmd->d.alterTable.objectId);
		}
		if (!rules)
			continue;

		switch (cmd->type)
		{
			case SCT_Simple:
				check_command(cmd, &cmd->d.simple.address, &seen);
				break;
			case SCT_AlterTable:
				{
					ListCell   *lc2;

					ObjectAddressSet(object, cmd->d.alterTable.classId,
									 cmd->d.alterTable.objectId);
					check_command(cmd, &object, &seen);

					/*
					 * ATTACH PARTITION ties another relation to this one; its
					 * subcommand carries no address in PostgreSQL 15, so the
					 * partition is found by the name the command gave.
					 */
					foreach(lc2, cmd->d.alterTable.subcmds)
					{
						CollectedATSubcmd *sub = lfirst(lc2);
						AlterTableCmd *atc = (AlterTableCmd *) sub->parsetree;
						ObjectAddress part;
						Oid			partid;

						if (atc == NULL || !IsA(atc, AlterTableCmd) ||
							atc->subtype != AT_AttachPartition ||
							atc->def == NULL || !IsA(atc->def, PartitionCmd))
							continue;
						partid = RangeVarGetRelid(((PartitionCmd *) atc->def)->name,
												  NoLock, true);
						if (!OidIsValid(partid))
							continue;
						ObjectAddressSet(part, RelationRelationId, partid);
						check_command(cmd, &part, &seen);
					}
					break;
				}
			case SCT_Grant:
				dm_rules_grant(cmd->d.grant.istmt);
				break;
			case SCT_AlterDefaultPrivileges:
				dm_rules_default_privileges((AlterDefaultPrivilegesStmt *) cmd->parsetree);
				break;
			case SCT_AlterOpFamily:
				check_command(cmd, &cmd->d.opfam.address, &seen);
				break;
			case SCT_CreateOpClass:
				check_command(cmd, &cmd->d.createopc.address, &seen);
				break;
			case SCT_AlterTSConfig:
				check_command(cmd, &cmd->d.atscfg.address, &seen);
				break;
		}
	}

	if (regenerate != NIL)
		dm_product_regenerate_for(regenerate,
								  IsA(parsetree, ViewStmt) || IsA(parsetree, RuleStmt) ||
								  (IsA(parsetree, AlterTableStmt) && attaches_partition(parsetree)));

	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	PG_RETURN_VOID();
}

/*
 * The relations an ALTER TABLE ties to or cuts from the altered one, by the
 * names it gives: partitions attached or detached, inheritance parents.
 */
static List *
partitions_named(Node *parsetree)
{
	List	   *result = NIL;
	ListCell   *lc;

	if (parsetree == NULL || !IsA(parsetree, AlterTableStmt))
		return NIL;
	foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
	{
		AlterTableCmd *atc = lfirst(lc);
		Oid			partid;

		if (!IsA(atc, AlterTableCmd) || atc->def == NULL)
			continue;
		if ((atc->subtype == AT_AddInherit || atc->subtype == AT_DropInherit) &&
			IsA(atc->def, RangeVar))
			partid = RangeVarGetRelid((RangeVar *) atc->def, NoLock, true);	/* the parent */
		else if ((atc->subtype == AT_AttachPartition || atc->subtype == AT_DetachPartition ||
				  atc->subtype == AT_DetachPartitionFinalize) &&
				 IsA(atc->def, PartitionCmd))
			partid = RangeVarGetRelid(((PartitionCmd *) atc->def)->name, NoLock, true);
		else
			continue;
		if (OidIsValid(partid))
			result = lappend_oid(result, partid);
	}
	return result;
}

/*
 * Does an ALTER TABLE only do what cannot change what a product shows?
 * Adding a column (products publish the columns they were given), an
 * index, a constraint, a default or storage settings.  Anything else --
 * options of a view, a generated column made plain, partitions,
 * inheritance, types -- may, and regenerates the products downstream.
 */
static bool
only_harmless(Node *parsetree)
{
	ListCell   *lc;

	foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
	{
		AlterTableCmd *atc = lfirst(lc);

		if (!IsA(atc, AlterTableCmd))
			return false;
		switch (atc->subtype)
		{
			case AT_AddColumn:
			case AT_AddIndex:
			case AT_AddIndexConstraint:
			case AT_AddConstraint:
			case AT_ValidateConstraint:
			case AT_DropConstraint:
			case AT_ColumnDefault:
			case AT_SetNotNull:
			case AT_DropNotNull:
			case AT_SetStatistics:
			case AT_SetStorage:
			case AT_SetCompression:
			case AT_DropCluster:
			case AT_SetTableSpace:
			case AT_ReplicaIdentity:
				break;
			default:
				return false;
		}
	}
	return true;
}

/*
 * Does an ALTER TABLE loosen what a contract may rely on (NOT NULL, a
 * key), or change a column's type, without anything else that makes
 * products be regenerated?
 */
static bool
loosens_guarantees(Node *parsetree)
{
	ListCell   *lc;

	foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
	{
		AlterTableCmd *atc = lfirst(lc);

		if (IsA(atc, AlterTableCmd) &&
			(atc->subtype == AT_DropNotNull || atc->subtype == AT_DropConstraint ||
			 atc->subtype == AT_AlterColumnType || atc->subtype == AT_DropColumn))
			return true;
	}
	return false;
}

/* the product views of a data_products schema, for contracts */
static void
touch_schema_products(Oid nspid)
{
	ListCell   *lc;

	foreach(lc, dm_schema_members(nspid))
	{
		ObjectAddress *member = lfirst(lc);

		if (member->classId == RelationRelationId &&
			dm_contract_is_product_view(member->objectId))
			dm_contract_touch(member->objectId);
	}
}

/*
 * At ddl_command_start, for contracts: a product view about to be renamed
 * or moved (or every product of a data_products schema about to be
 * renamed or dropped) is remembered under the name its contract knows; a
 * unique index about to be dropped makes the products that read its table
 * be judged at commit.
 */
static void
touch_before(Node *parsetree)
{
	RangeVar   *relation = NULL;
	ListCell   *lc;

	if (IsA(parsetree, RenameStmt))
	{
		RenameStmt *stmt = (RenameStmt *) parsetree;

		if (stmt->renameType == OBJECT_SCHEMA)
		{
			Oid			nspid = get_namespace_oid(stmt->subname, true);

			if (OidIsValid(nspid) && dm_is_product_schema(nspid))
				touch_schema_products(nspid);
		}
		else if (stmt->renameType == OBJECT_VIEW || stmt->renameType == OBJECT_TABLE)
			relation = stmt->relation;
	}
	else if (IsA(parsetree, AlterObjectSchemaStmt))
		relation = ((AlterObjectSchemaStmt *) parsetree)->relation;
	else if (IsA(parsetree, DropOwnedStmt))
	{
		/* it revokes the roles' grants too: the consumer role's, say */
		foreach(lc, dm_catalog_product_schemas())
			touch_schema_products(lfirst_oid(lc));
	}
	else if (IsA(parsetree, DropStmt))
	{
		DropStmt   *stmt = (DropStmt *) parsetree;

		foreach(lc, stmt->objects)
		{
			if (stmt->removeType == OBJECT_INDEX)
			{
				Oid			indexid = RangeVarGetRelid(makeRangeVarFromNameList(lfirst(lc)),
													   NoLock, true);

				if (OidIsValid(indexid) && get_rel_relkind(indexid) == RELKIND_INDEX)
					dm_contract_touch_downstream(IndexGetRelation(indexid, false));
			}
			else if (stmt->removeType == OBJECT_SCHEMA)
			{
				Oid			nspid = get_namespace_oid(strVal(lfirst(lc)), true);

				if (OidIsValid(nspid) && dm_is_product_schema(nspid))
					touch_schema_products(nspid);
			}
		}
	}
	if (relation != NULL)
	{
		Oid			relid = RangeVarGetRelid(relation, NoLock, true);

		if (OidIsValid(relid) && dm_contract_is_product_view(relid))
			dm_contract_touch(relid);
	}
}

/* does an ALTER TABLE attach or detach a partition, or change inheritance? */
static bool
attaches_partition(Node *parsetree)
{
	ListCell   *lc;

	foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
	{
		AlterTableCmd *atc = lfirst(lc);

		if (IsA(atc, AlterTableCmd) &&
			(atc->subtype == AT_AttachPartition || atc->subtype == AT_DetachPartition ||
			 atc->subtype == AT_DetachPartitionFinalize ||
			 atc->subtype == AT_AddInherit || atc->subtype == AT_DropInherit))
			return true;
	}
	return false;
}

/* Is this SECURITY LABEL one of tags, which classify nothing? */
static bool
is_tags_label(Node *parsetree)
{
	const char *provider = ((SecLabelStmt *) parsetree)->provider;

	return provider != NULL && strcmp(provider, DM_TAG_PROVIDER) == 0;
}

/* May this command touch an object in a data_products schema? */
static bool
allowed_in_products(Node *parsetree)
{
	switch (nodeTag(parsetree))
	{
		case T_CommentStmt:
		case T_SecLabelStmt:
		case T_GrantStmt:
		case T_RefreshMatViewStmt:
		case T_IndexStmt:
			return true;
		default:
			return false;
	}
}

/* Does this command change an owner explicitly? */
static bool
is_owner_change(Node *parsetree)
{
	ListCell   *lc;

	if (IsA(parsetree, AlterOwnerStmt))
		return true;
	if (!IsA(parsetree, AlterTableStmt))
		return false;
	foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
	{
		AlterTableCmd *atc = lfirst_node(AlterTableCmd, lc);

		if (atc->subtype == AT_ChangeOwner)
			return true;
	}
	return false;
}

/*
 * Does this command bring an object into its schema: create it (CREATE
 * ..., CREATE TABLE AS, SELECT INTO, IMPORT FOREIGN SCHEMA) or move it
 * there (ALTER ... SET SCHEMA)?
 */
static bool
brings_object(Node *parsetree)
{
	return IsA(parsetree, AlterObjectSchemaStmt) ||
		IsA(parsetree, CreateTableAsStmt) ||
		IsA(parsetree, ImportForeignSchemaStmt) ||
		strncmp(CreateCommandName(parsetree), "CREATE ", 7) == 0;
}

static bool
object_exists(const ObjectAddress *object)
{
	if (!OidIsValid(object->objectId))
		return false;
	if (object->classId == RelationRelationId)
		return SearchSysCacheExists1(RELOID, ObjectIdGetDatum(object->objectId));
	return true;
}

static bool
seen_before(List **seen, const ObjectAddress *object)
{
	ListCell   *lc;
	ObjectAddress *copy;

	foreach(lc, *seen)
	{
		ObjectAddress *o = lfirst(lc);

		if (o->classId == object->classId && o->objectId == object->objectId)
			return true;
	}
	copy = palloc(sizeof(ObjectAddress));
	*copy = *object;
	copy->objectSubId = 0;
	*seen = lappend(*seen, copy);
	return false;
}

/*
 * Judges one collected command on one object: rule 1, ownership, raw
 * metadata, rule 4 for new relations, rules 2 and 3 on its dependencies.
 */
static void
check_command(CollectedCommand *cmd, const ObjectAddress *object, List **seen)
{
	ObjectAddress whole;
	Oid			nspid;
	DmDomain	domain;
	DmLayer		layer;
	bool		in_mesh;
	bool		first;

	if (!object_exists(object))
		return;
	whole = *object;
	whole.objectSubId = 0;
	first = !seen_before(seen, &whole);
	nspid = dm_object_schema(&whole);
	in_mesh = dm_catalog_schema_domain(nspid, &domain, &layer);

	if (in_mesh)
	{
		/* rule 1: data_products holds only what publish_product made */
		if (layer == DM_LAYER_DATA_PRODUCTS &&
			!allowed_in_products(cmd->parsetree))
		{
			char	   *tag = asc_tolower(CreateCommandName(cmd->parsetree),
										  strlen(CreateCommandName(cmd->parsetree)));

			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot %s in data product schema \"%s\"",
							tag, get_namespace_name(nspid)),
					 errdetail("Rule 1: schema \"%s\" holds only the views that datamesh.publish_product() generates; %s was not made by it.%s",
							   get_namespace_name(nspid),
							   dm_describe_object(&whole),
							   whole.classId == RelationRelationId ?
							   dm_contract_bound(dm_qualified_name(whole.objectId)) : ""),
					 errhint("Build the object in a private layer of domain \"%s\" (for example schema \"%s\") and publish it with datamesh.publish_product().",
							 domain.key,
							 dm_schema_name(domain.key, DM_LAYER_INFORMATION_OBJECTS))));
		}

		if (whole.classId == RelationRelationId &&
			(layer == DM_LAYER_RAW || layer == DM_LAYER_RAW_EXTERNAL))
			dm_raw_metadata_check(whole.objectId, nspid, cmd->parsetree);

		if (is_owner_change(cmd->parsetree))
		{
			/* an explicit owner change must name the domain's owner */
			HeapTuple	tuple;
			AttrNumber	attnum = get_object_attnum_owner(whole.classId);

			if (attnum != InvalidAttrNumber)
			{
				Relation	catalog = table_open(whole.classId, AccessShareLock);
				bool		isnull;
				Datum		owner;

				tuple = get_catalog_object_by_oid(catalog,
												  get_object_attnum_oid(whole.classId),
												  whole.objectId);
				owner = HeapTupleIsValid(tuple) ?
					heap_getattr(tuple, attnum, RelationGetDescr(catalog), &isnull) :
					ObjectIdGetDatum(domain.owner);
				table_close(catalog, AccessShareLock);
				if (DatumGetObjectId(owner) != domain.owner)
					ereport(ERROR,
							(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
							 errmsg("cannot change owner of %s in domain \"%s\"",
									dm_describe_object(&whole), domain.key),
							 errdetail("Role \"%s\" owns every object in the schemas of domain \"%s\", so that every member of the team can change it.",
									   GetUserNameFromId(domain.owner, false),
									   domain.key),
							 errhint("Grant role \"%s\" to the role that should work on the object instead.",
									 GetUserNameFromId(domain.owner, false))));
			}
		}
		else if (first && brings_object(cmd->parsetree))
			dm_ownership_ensure(&whole, &domain);

		if (whole.classId == RelationRelationId &&
			dm_layer_is_private(layer) && brings_object(cmd->parsetree))
			dm_rules_relation_acl(whole.objectId, &domain,
							   IsA(cmd->parsetree, AlterObjectSchemaStmt));
	}

	/*
	 * Rules 2 and 3, once per object.  Outside the mesh, a role that cannot
	 * reach any private schema cannot have made the object depend on one:
	 * the common case of DDL outside the mesh skips the walk.
	 */
	if (!first || (!in_mesh && !dm_catalog_may_reach_private(GetUserId())))
		return;
	dm_depend_references(&whole, dm_rules_reading, NULL);
	if (IsA(cmd->parsetree, AlterObjectSchemaStmt) && in_mesh)
		dm_depend_dependents(&whole, dm_rules_reading, NULL);
}

/*
 * Is the dropped object of this pg_event_trigger_dropped_objects row a view
 * of a data_products schema?  Sets its domain and schema name.
 */
static bool
dropped_product_view(TupleTableSlot *slot, DmDomain *domain, char **schema)
{
	bool		isnull;
	Datum		classid = slot_getattr(slot, DROPPED_CLASSID, &isnull);
	Datum		value;
	DmLayer		layer;

	if (isnull || DatumGetObjectId(classid) != RelationRelationId)
		return false;
	value = slot_getattr(slot, DROPPED_OBJECT_TYPE, &isnull);
	if (isnull || strcmp(TextDatumGetCString(value), "view") != 0)
		return false;
	value = slot_getattr(slot, DROPPED_SCHEMA_NAME, &isnull);
	if (isnull)
		return false;
	*schema = TextDatumGetCString(value);
	return dm_catalog_schema_name_domain(*schema, domain, &layer) &&
		layer == DM_LAYER_DATA_PRODUCTS;
}

/* row callback of sql_drop: a dropped view of a data_products schema */
static void
check_dropped_product(TupleTableSlot *slot, void *arg)
{
	bool		isnull;
	Datum		identity;
	Datum		original;
	DmDomain	domain;
	char	   *schema;

	if (!dropped_product_view(slot, &domain, &schema))
		return;
	identity = slot_getattr(slot, DROPPED_OBJECT_IDENTITY, &isnull);
	original = slot_getattr(slot, DROPPED_ORIGINAL, &isnull);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("cannot drop data product %s", TextDatumGetCString(identity)),
			 errdetail("Rule 1: the data products of domain \"%s\" are made and removed only by datamesh; this statement would drop one %s.%s",
					   domain.key, DatumGetBool(original) ? "directly" : "through CASCADE",
					   dm_contract_bound(dm_qualify(schema, TextDatumGetCString(slot_getattr(slot, DROPPED_OBJECT_NAME, &isnull))))),
			 errhint("Withdraw the product with datamesh.unpublish_product() first.")));
}

/*
 * Row callback: a dropped product view is judged by its contract at
 * commit; so are the products that read a table of the schema of a
 * dropped index (dropped by a CASCADE from a collation, operator class,
 * type or function: its table is not named by the row, and lives in the
 * index's schema).
 */
static void
touch_dropped_product(TupleTableSlot *slot, void *arg)
{
	bool		isnull;
	Datum		objid;
	Datum		name;
	DmDomain	domain;
	char	   *schema;
	Datum		type = slot_getattr(slot, DROPPED_OBJECT_TYPE, &isnull);

	if (!isnull && strcmp(TextDatumGetCString(type), "index") == 0)
	{
		Datum		nsp = slot_getattr(slot, DROPPED_SCHEMA_NAME, &isnull);
		Oid			nspid = isnull ? InvalidOid :
			get_namespace_oid(TextDatumGetCString(nsp), true);
		ListCell   *lc;

		if (OidIsValid(nspid))
			foreach(lc, dm_schema_members(nspid))
			{
				ObjectAddress *member = lfirst(lc);

				if (member->classId == RelationRelationId &&
					(get_rel_relkind(member->objectId) == RELKIND_RELATION ||
					 get_rel_relkind(member->objectId) == RELKIND_PARTITIONED_TABLE))
					dm_contract_touch_downstream(member->objectId);
			}
		return;
	}
	if (!dropped_product_view(slot, &domain, &schema))
		return;
	name = slot_getattr(slot, DROPPED_OBJECT_NAME, &isnull);
	if (isnull)
		return;
	objid = slot_getattr(slot, DROPPED_OBJID, &isnull);
	dm_contract_touch_name(dm_qualify(schema, TextDatumGetCString(name)),
						   isnull ? InvalidOid : DatumGetObjectId(objid));
}

/*
 * sql_drop: a data product is dropped only by unpublish_product.  Only a
 * DROP VIEW, DROP OWNED, or a drop with CASCADE can drop a view, so other
 * drops return at once.
 */
Datum
datamesh_sql_drop(PG_FUNCTION_ARGS)
{
	Node	   *parsetree;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "not fired by event trigger manager");
	if (!dm_catalog_has_domains())
		PG_RETURN_VOID();
	if (!dm_enforcing())
	{
		/* a superuser's drop: contracts judge (and record) it at commit */
		if (!dm_internal() && !creating_extension)
			for_each_event_row(F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, touch_dropped_product, NULL);
		PG_RETURN_VOID();
	}
	parsetree = ((EventTriggerData *) fcinfo->context)->parsetree;
	if (IsA(parsetree, DropStmt))
	{
		DropStmt   *stmt = (DropStmt *) parsetree;

		if (stmt->behavior != DROP_CASCADE && stmt->removeType != OBJECT_VIEW)
			PG_RETURN_VOID();
	}
	else if (IsA(parsetree, AlterTableStmt))
	{
		ListCell   *lc;
		bool		cascade = false;

		foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
			cascade |= ((AlterTableCmd *) lfirst(lc))->behavior == DROP_CASCADE;
		if (!cascade)
			PG_RETURN_VOID();
	}
	for_each_event_row(F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, check_dropped_product, NULL);
	/* indexes dropped by the CASCADE: contracts judge their tables at commit */
	for_each_event_row(F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, touch_dropped_product, NULL);
	PG_RETURN_VOID();
}
