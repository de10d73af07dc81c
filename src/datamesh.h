/*-------------------------------------------------------------------------
 *
 * datamesh.h
 *		Shared constants and helpers of the datamesh extension.
 *
 * The setting datamesh.enforce, the names of the metadata columns, and
 * small helpers; the layers are in layer.h.
 *
 * IDENTIFICATION
 *		src/datamesh.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_H
#define DATAMESH_H

#include "layer.h"

/* the metadata columns of raw tables */
#define DM_COL_ADDED_AT "_added_at"
#define DM_COL_TYPE "_type"
#define DM_COL_SOURCE_SYSTEM "_source_system"

/* GUC datamesh.enforce */
extern bool datamesh_enforce;

extern bool dm_enforcing(void);
extern bool dm_is_lower_identifier(const char *s);

#endif							/* DATAMESH_H */
