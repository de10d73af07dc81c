/*-------------------------------------------------------------------------
 *
 * raw_metadata.c
 *		The metadata columns of every table in the raw layers.
 *
 * Every table in a domain's raw and raw_external schemas has _added_at
 * timestamptz NOT NULL DEFAULT now(), _type text and _source_system text.
 * A table created or moved there without them gets them (setting
 * raw_metadata = 'add') or is refused ('require'); dropping or renaming
 * them is refused.  This file is the one place that names them.
 *
 * IDENTIFICATION
 *		src/raw_metadata.c
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
#include "raw_metadata.h"
#include "settings.h"

bool
dm_is_metadata_column(const char *name)
{
	return name != NULL &&
		(strcmp(name, DM_COL_ADDED_AT) == 0 || strcmp(name, DM_COL_TYPE) == 0 ||
		 strcmp(name, DM_COL_SOURCE_SYSTEM) == 0);
}

/* Does the command drop or rename a metadata column? */
static bool
removes_metadata_column(Node *parsetree)
{
	ListCell   *lc;

	if (IsA(parsetree, RenameStmt))
	{
		RenameStmt *stmt = (RenameStmt *) parsetree;

		return stmt->renameType == OBJECT_COLUMN && dm_is_metadata_column(stmt->subname);
	}
	if (!IsA(parsetree, AlterTableStmt))
		return false;
	foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
	{
		AlterTableCmd *atc = lfirst_node(AlterTableCmd, lc);

		if (atc->subtype == AT_DropColumn && dm_is_metadata_column(atc->name))
			return true;
	}
	return false;
}

/* the metadata columns and their types */
static const struct
{
	const char *name;
	Oid			type;
}			raw_columns[] =
{
	{DM_COL_ADDED_AT, TIMESTAMPTZOID},
	{DM_COL_TYPE, TEXTOID},
	{DM_COL_SOURCE_SYSTEM, TEXTOID}
};

/*
 * A table in raw or raw_external carries the metadata columns: added by
 * datamesh when a command brings or changes a table there without them
 * (setting raw_metadata = 'add'; this also repairs a table moved in with
 * enforcement off), otherwise required.  Dropping or renaming one is
 * refused in either mode.  Partitions inherit them from their parent;
 * foreign tables mirror a remote table and are left alone.
 */
void
dm_raw_metadata_check(Oid relid, Oid nspid, Node *parsetree)
{
	bool		removing = removes_metadata_column(parsetree);
	char		relkind = get_rel_relkind(relid);
	const char *missing = NULL;
	char	   *mode;
	int			i;

	if ((relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE) ||
		get_rel_relispartition(relid))
		return;

	for (i = 0; i < lengthof(raw_columns); i++)
	{
		AttrNumber	attnum = get_attnum(relid, raw_columns[i].name);

		if (attnum == InvalidAttrNumber)
		{
			if (missing == NULL)
				missing = raw_columns[i].name;
			continue;
		}
		if (get_atttype(relid, attnum) != raw_columns[i].type)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
					 errmsg("column \"%s\" of table \"%s\" in raw schema \"%s\" must have type %s",
							raw_columns[i].name, get_rel_name(relid),
							get_namespace_name(nspid),
							format_type_be(raw_columns[i].type)),
					 errdetail("The metadata columns of a raw table are _added_at timestamptz NOT NULL DEFAULT now(), _type text and _source_system text."),
					 errhint("Rename the column of your own, or give it the type the mesh expects.")));
	}
	if (missing == NULL)
		return;

	mode = dm_setting("raw_metadata");
	if (!removing && mode != NULL && strcmp(mode, "add") == 0)
	{
		char	   *sql;

		sql = psprintf("ALTER TABLE %s"
					   " ADD COLUMN IF NOT EXISTS " DM_COL_ADDED_AT
					   " pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),"
					   " ADD COLUMN IF NOT EXISTS " DM_COL_TYPE " pg_catalog.text,"
					   " ADD COLUMN IF NOT EXISTS " DM_COL_SOURCE_SYSTEM " pg_catalog.text",
					   quote_qualified_identifier(get_namespace_name(nspid),
												  get_rel_name(relid)));
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		dm_exec_internal(sql);
		SPI_finish();
		return;
	}

	if (!removing)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table \"%s\" in raw schema \"%s\" has no column \"%s\"",
						get_rel_name(relid), get_namespace_name(nspid), missing),
				 errdetail("Setting raw_metadata is \"require\": every table in the raw and raw_external layers has the metadata columns _added_at timestamptz NOT NULL DEFAULT now(), _type text and _source_system text."),
				 errhint("Add the metadata columns to the table definition.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
			 errmsg("table \"%s\" in raw schema \"%s\" must keep column \"%s\"",
					get_rel_name(relid), get_namespace_name(nspid), missing),
			 errdetail("Every table in the raw and raw_external layers keeps the metadata columns _added_at, _type and _source_system."),
			 errhint("Keep the metadata columns, or move the table to another layer if it does not hold raw data.")));
}

