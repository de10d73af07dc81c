/*-------------------------------------------------------------------------
 *
 * settings.c
 *		The mesh settings: datamesh.configure and what the others read.
 *
 * Three settings live in datamesh.setting (a row only where a setting
 * differs from its default; the view datamesh.settings shows them all):
 * consumer_role (the role that reads data products: USAGE on every
 * data_products schema and SELECT on every product), raw_metadata (add or
 * require the metadata columns of raw tables) and default_organization.
 * This file reads and writes them; the install script lists their names
 * (a CHECK on the table, the view).  The setting datamesh.enforce is a GUC
 * of its own (datamesh.c).
 *
 * IDENTIFICATION
 *		src/settings.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "catalog.h"
#include "datamesh.h"
#include "exec.h"
#include "settings.h"

PG_FUNCTION_INFO_V1(datamesh_configure);

/*
 * Effective value of a mesh setting (datamesh.setting, else the default),
 * palloc'd; NULL for a setting that is unset and has no default.
 */
char *
dm_setting(const char *name)
{
	Oid			relid = dm_catalog_relid("setting");
	Oid			indexid = dm_catalog_relid("setting_pkey");
	char	   *value = NULL;
	bool		found = false;

	if (OidIsValid(relid) && OidIsValid(indexid))
	{
		Relation	rel = table_open(relid, AccessShareLock);
		ScanKeyData skey;
		SysScanDesc scan;
		HeapTuple	tuple;

		/* by the primary key (name) */
		ScanKeyEntryInitialize(&skey, 0, 1, BTEqualStrategyNumber, InvalidOid,
							   DEFAULT_COLLATION_OID, F_TEXTEQ, CStringGetTextDatum(name));
		scan = systable_beginscan(rel, indexid, true, NULL, 1, &skey);

		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			char	   *n = dm_catalog_text_attr(tuple, rel, "name");

			if (n != NULL && strcmp(n, name) == 0)
			{
				value = dm_catalog_text_attr(tuple, rel, "value");
				found = true;
				break;
			}
		}
		systable_endscan(scan);
		table_close(rel, AccessShareLock);
	}
	if (found)
		return value;
	if (strcmp(name, "consumer_role") == 0)
		return pstrdup("PUBLIC");
	if (strcmp(name, "raw_metadata") == 0)
		return pstrdup("add");
	return NULL;
}

/*
 * "GRANT ... TO <this>": the consumer role setting as SQL, palloc'd.
 */
char *
dm_grantee_sql(const char *role)
{
	if (role == NULL || pg_strcasecmp(role, "public") == 0)
		return pstrdup("PUBLIC");
	return pstrdup(quote_identifier(role));
}

/* the consumer role as SQL, for GRANT ... TO */
char *
dm_consumer_role_sql(void)
{
	return dm_grantee_sql(dm_setting("consumer_role"));
}

/*
 * datamesh.configure(setting, value): sets a mesh setting; NULL restores
 * the default.  Changing consumer_role moves the USAGE grant of every
 * data_products schema, and the SELECT grant of every product, to the new
 * role.
 */
Datum
datamesh_configure(PG_FUNCTION_ARGS)
{
	char	   *setting = dm_text_arg(fcinfo, 0);
	char	   *value = dm_text_arg(fcinfo, 1);
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	int			rc;

	if (setting == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("setting name must not be null")));

	if (strcmp(setting, "raw_metadata") == 0)
	{
		if (value != NULL && strcmp(value, "add") != 0 &&
			strcmp(value, "require") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for setting \"raw_metadata\": \"%s\"", value),
					 errhint("Valid values are \"add\" and \"require\".")));
	}
	else if (strcmp(setting, "default_organization") == 0)
		dm_check_key_part("organization", value, false, "'acme'");
	else if (strcmp(setting, "consumer_role") == 0)
	{
		if (value != NULL && pg_strcasecmp(value, "public") != 0 &&
			!OidIsValid(get_role_oid(value, true)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("role \"%s\" does not exist", value),
					 errhint("Create the consumer role first, or use PUBLIC.")));
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("unrecognized datamesh setting \"%s\"", setting),
				 errhint("The settings are consumer_role, raw_metadata and default_organization; the view datamesh.settings shows them.")));

	dm_spi_connect();
	dm_catalog_lock_domains();

	if (strcmp(setting, "consumer_role") == 0)
	{
		char	   *old = dm_consumer_role_sql();
		char	   *new;
		uint64		i;

		new = dm_grantee_sql(value);

		rc = SPI_execute("SELECT key FROM datamesh.domain ORDER BY key", true, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "could not read datamesh.domain");
		{
			SPITupleTable *tuptable = SPI_tuptable;
			uint64		n = SPI_processed;

			for (i = 0; i < n; i++)
			{
				char	   *key = SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 1);
				char	   *nspname = dm_schema_name(key, DM_LAYER_DATA_PRODUCTS);

				if (!OidIsValid(get_namespace_oid(nspname, true)))
					continue;
				dm_exec_internal(psprintf("REVOKE USAGE ON SCHEMA %s FROM %s",
										  quote_identifier(nspname), old));
				dm_exec_internal(psprintf("REVOKE SELECT ON ALL TABLES IN SCHEMA %s FROM %s",
										  quote_identifier(nspname), old));
				dm_exec_internal(psprintf("GRANT USAGE ON SCHEMA %s TO %s",
										  quote_identifier(nspname), new));
				dm_exec_internal(psprintf("GRANT SELECT ON ALL TABLES IN SCHEMA %s TO %s",
										  quote_identifier(nspname), new));
			}
		}
	}

	values[0] = CStringGetTextDatum(setting);
	rc = SPI_execute_with_args("DELETE FROM datamesh.setting WHERE name = $1",
							   1, argtypes, values, NULL, false, 0);
	if (rc != SPI_OK_DELETE)
		elog(ERROR, "could not write datamesh.setting");
	if (value != NULL)
	{
		values[1] = CStringGetTextDatum(value);
		nulls[1] = ' ';
		rc = SPI_execute_with_args("INSERT INTO datamesh.setting (name, value) VALUES ($1, $2)",
								   2, argtypes, values, nulls, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "could not write datamesh.setting");
	}
	SPI_finish();
	PG_RETURN_VOID();
}
