/*-------------------------------------------------------------------------
 *
 * domain.h
 *		create_domain, drop_domain and the mesh settings.
 *
 * IDENTIFICATION
 *		src/domain.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_DOMAIN_H
#define DATAMESH_DOMAIN_H

extern char *dm_consumer_role_sql(void);

#endif							/* DATAMESH_DOMAIN_H */
