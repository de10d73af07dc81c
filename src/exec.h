/*-------------------------------------------------------------------------
 *
 * exec.h
 *		SQL that datamesh runs itself: internal DDL, privileged statements.
 *
 * IDENTIFICATION
 *		src/exec.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_EXEC_H
#define DATAMESH_EXEC_H

extern void dm_exec_init(void);
extern bool dm_internal(void);
extern void dm_exec_internal(const char *sql);
extern void dm_spi_connect(void);
extern int	dm_safe_search_path(void);
extern void dm_restore_settings(int nestlevel);
extern void dm_exec_as(Oid role, const char *sql);
extern int	dm_exec_catalog(const char *sql, int nargs, Oid *types, Datum *values,
							const char *nulls, bool read_only);
extern void dm_exec_catalog_latest(const char *sql, int nargs, Oid *types,
								   Datum *values);

#endif							/* DATAMESH_EXEC_H */
