/*-------------------------------------------------------------------------
 *
 * enforce.h
 *		The event triggers that enforce the data mesh layout.
 *
 * IDENTIFICATION
 *		src/enforce.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_ENFORCE_H
#define DATAMESH_ENFORCE_H

/* the event trigger functions are called by PostgreSQL only (SQL-callable) */

#endif							/* DATAMESH_ENFORCE_H */
