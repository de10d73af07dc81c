/*-------------------------------------------------------------------------
 *
 * datamesh.c
 *		Library entry point: settings, the label provider, layer names.
 *
 * The library needs no shared_preload_libraries.  It is loaded by the
 * first call of any of its functions; datamesh's ddl_command_start event
 * trigger is one of them, so the "datamesh" security label provider is
 * registered before the first SECURITY LABEL statement of a session runs.
 *
 * DDL that datamesh runs itself passes through src/exec.c, which keeps the
 * event triggers out of it.
 *
 * IDENTIFICATION
 *		src/datamesh.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/extension.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "access.h"
#include "catalog.h"
#include "datamesh.h"
#include "exec.h"
#include "label.h"
#include "tag_label.h"

PG_MODULE_MAGIC;

/* GUC variables */
bool		datamesh_enforce = true;

void		_PG_init(void);

/*
 * Module load: settings, the label provider, cache invalidation callbacks.
 */
void
_PG_init(void)
{
	DefineCustomBoolVariable("datamesh.enforce",
							 "Enforces the data mesh layout rules on DDL.",
							 "Only a superuser may switch it off, for example "
							 "to repair a domain by hand.",
							 &datamesh_enforce,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("datamesh");

	dm_label_register();
	dm_tag_register();
	dm_catalog_init();
	dm_access_init();
	dm_exec_init();
}

/*
 * Should the event triggers judge the current command?  Not when switched
 * off, not for DDL datamesh runs itself, and not inside CREATE/ALTER
 * EXTENSION datamesh.
 */
bool
dm_enforcing(void)
{
	return datamesh_enforce && !dm_internal() && !creating_extension;
}


/* a text argument as a C string, NULL for SQL NULL */
char *
dm_text_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}
