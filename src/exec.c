/*-------------------------------------------------------------------------
 *
 * exec.c
 *		SQL that datamesh runs itself: internal DDL, privileged statements.
 *
 * DDL that datamesh runs itself (creating a domain's schemas, generating a
 * product view, adding metadata columns) passes through dm_exec_internal,
 * which raises a backend-local depth counter; while it is above zero the
 * event triggers stand aside.  The counter is restored on the way out of
 * every call, also on error, and reset at transaction abort.
 *
 * Statements that need privileges the caller lacks (catalog rows, a
 * product's DDL) run as the bootstrap superuser or a domain's owner role,
 * switched with SetUserIdAndSecContext and always switched back, with
 * search_path pg_catalog, pg_temp: they also run from event triggers,
 * under whatever search_path the caller chose, and must not resolve an
 * operator or function of his.
 *
 * IDENTIFICATION
 *		src/exec.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"

#include "exec.h"

/* depth of DDL that datamesh runs itself; see dm_exec_internal() */
static int	internal_depth = 0;

static void reset_on_abort(XactEvent event, void *arg);

/* registers the abort callback; called by _PG_init */
void
dm_exec_init(void)
{
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

/* one statement that datamesh runs with privileges of its own */
typedef struct Privileged
{
	const char *sql;
	int			nargs;			/* parameters $1.. of sql */
	Oid		   *types;
	Datum	   *values;
	const char *nulls;
	bool		internal;		/* DDL: datamesh's triggers stand aside */
	bool		latest;			/* a read with the latest snapshot */
	bool		read_only;
	int			rc;				/* SPI's result code */
} Privileged;

/*
 * Runs p->sql as role, with search_path pg_catalog, pg_temp, and switches
 * both back also on error.  (SPI connected)
 */
static void
run_privileged(Oid role, Privileged *p)
{
	Oid			save_user;
	int			save_sec;
	int			nestlevel;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(role, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	nestlevel = dm_safe_search_path();
	PG_TRY();
	{
		if (p->internal)
			dm_exec_internal(p->sql);
		else if (p->latest)
		{
			SPIPlanPtr	plan = SPI_prepare(p->sql, p->nargs, p->types);
			Snapshot	snap;

			if (plan == NULL)
				elog(ERROR, "SPI_prepare failed (%s): %s",
					 SPI_result_code_string(SPI_result), p->sql);
			snap = RegisterSnapshot(GetLatestSnapshot());
			p->rc = SPI_execute_snapshot(plan, p->values, p->nulls, snap,
										 InvalidSnapshot, true, false, 0);
			UnregisterSnapshot(snap);
		}
		else
			p->rc = SPI_execute_with_args(p->sql, p->nargs, p->types, p->values,
										  p->nulls, p->read_only, 0);
		if (!p->internal && p->rc < 0)
			elog(ERROR, "SPI failed (%s): %s", SPI_result_code_string(p->rc), p->sql);
	}
	PG_FINALLY();
	{
		dm_restore_settings(nestlevel);
		SetUserIdAndSecContext(save_user, save_sec);
	}
	PG_END_TRY();
}

/* DDL as role (the domain's owner, or the bootstrap superuser) */
void
dm_exec_as(Oid role, const char *sql)
{
	Privileged	p = {.sql = sql, .internal = true};

	run_privileged(role, &p);
}

/* SQL on datamesh's catalog tables, as the bootstrap superuser */
int
dm_exec_catalog(const char *sql, int nargs, Oid *types, Datum *values,
			 const char *nulls, bool read_only)
{
	Privileged	p = {.sql = sql, .nargs = nargs, .types = types,
	.values = values, .nulls = nulls, .read_only = read_only};

	run_privileged(BOOTSTRAP_SUPERUSERID, &p);
	return p.rc;
}

/*
 * A read of the catalog with the latest snapshot rather than the
 * statement's: regeneration after a lock wait must see the products that
 * the transaction it waited for committed, whatever the isolation level.
 */
void
dm_exec_catalog_latest(const char *sql, int nargs, Oid *types, Datum *values)
{
	Privileged	p = {.sql = sql, .nargs = nargs, .types = types,
	.values = values, .latest = true};

	run_privileged(BOOTSTRAP_SUPERUSERID, &p);
}

