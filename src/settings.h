/*-------------------------------------------------------------------------
 *
 * settings.h
 *		The mesh settings: datamesh.configure and what the others read.
 *
 * IDENTIFICATION
 *		src/settings.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_SETTINGS_H
#define DATAMESH_SETTINGS_H

extern char *dm_setting(const char *name);
extern char *dm_grantee_sql(const char *role);
extern char *dm_consumer_role_sql(void);

#endif							/* DATAMESH_SETTINGS_H */
