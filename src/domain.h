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

/* create_domain, drop_domain and configure are called from SQL only */

#endif							/* DATAMESH_DOMAIN_H */
