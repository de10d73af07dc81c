/*-------------------------------------------------------------------------
 *
 * datamesh.c
 *		Library entry point: settings, the label provider, internal DDL.
 *
 * The library needs no shared_preload_libraries.  It is loaded by the
 * first call of any of its functions; datamesh's ddl_command_start event
 * trigger is one of them, so the "datamesh" security label provider is
 * registered before the first SECURITY LABEL statement of a session runs.
 *
 * DDL that datamesh runs itself (creating a domain's schemas, adding the
 * metadata columns of a raw table) passes through dm_exec_internal(),
 * which raises a backend-local depth counter.  While it is above zero the
 * event triggers stand aside.  The counter is restored on the way out of
 * every call, also on error, and reset at transaction abort.
 *
 * IDENTIFICATION
 *		src/datamesh.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "catalog.h"
#include "datamesh.h"
#include "label.h"
#include "pii.h"

PG_MODULE_MAGIC;

const char *const dm_layer_names[DM_LAYER_COUNT] = {
	"raw",
	"raw_external",
	"intermediates",
	"information_objects",
	"data_products",
	"queries"
};

/* GUC variables */
bool		datamesh_enforce = true;

/* depth of DDL that datamesh runs itself; see dm_exec_internal() */
static int	internal_depth = 0;

void		_PG_init(void);
static void reset_on_abort(XactEvent event, void *arg);

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
	dm_catalog_init();
	dm_pii_init();
	RegisterXactCallback(reset_on_abort, NULL);
}

/*
 * A transaction that aborted inside internal DDL leaves no depth behind.
 */
static void
reset_on_abort(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		internal_depth = 0;
}

/*
 * Is the layer closed to other domains?  Everything but data_products.
 */
bool
dm_layer_is_private(DmLayer layer)
{
	return layer != DM_LAYER_DATA_PRODUCTS;
}

/*
 * Should the event triggers judge the current command?  Not when switched
 * off, not for DDL datamesh runs itself, and not inside CREATE/ALTER
 * EXTENSION datamesh.
 */
bool
dm_enforcing(void)
{
	return datamesh_enforce && internal_depth == 0 && !creating_extension;
}

/*
 * Is datamesh running DDL of its own right now?
 */
bool
dm_internal(void)
{
	return internal_depth > 0;
}

/*
 * Runs one SQL statement that datamesh issues itself, with its event
 * triggers standing aside.  The caller must be connected to SPI.
 */
void
dm_exec_internal(const char *sql)
{
	int			rc;

	internal_depth++;
	PG_TRY();
	{
		rc = SPI_execute(sql, false, 0);
		if (rc < 0)
			elog(ERROR, "SPI_execute failed (%s): %s",
				 SPI_result_code_string(rc), sql);
	}
	PG_FINALLY();
	{
		internal_depth--;
	}
	PG_END_TRY();
}

/*
 * Sets search_path to "pg_catalog, pg_temp" until dm_restore_settings:
 * SQL that datamesh runs with raised privileges must not resolve an
 * operator or function in a schema of the caller's choosing.  Returns the
 * GUC nest level to restore.
 */
int
dm_safe_search_path(void)
{
	int			nestlevel = NewGUCNestLevel();

	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

void
dm_restore_settings(int nestlevel)
{
	AtEOXact_GUC(true, nestlevel);
}

/*
 * SPI_connect, or an error.
 */
void
dm_spi_connect(void)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

/*
 * Is s a lower-case identifier: a letter, then letters, digits and '_'?
 * Domain key parts and pseudonym scopes are.
 */
bool
dm_is_lower_identifier(const char *s)
{
	const char *p;

	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/*
 * The name of a layer's schema: "{key}_{layer}", palloc'd.
 */
char *
dm_schema_name(const char *key, DmLayer layer)
{
	return psprintf("%s_%s", key, dm_layer_names[layer]);
}
