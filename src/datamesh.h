/*-------------------------------------------------------------------------
 *
 * datamesh.h
 *		Shared constants and helpers of the datamesh extension.
 *
 * The setting datamesh.enforce and small helpers; the layers are in
 * layer.h, the metadata columns in raw_metadata.h.
 *
 * IDENTIFICATION
 *		src/datamesh.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_H
#define DATAMESH_H

#include "layer.h"

/* GUC datamesh.enforce */
extern bool datamesh_enforce;

extern bool dm_enforcing(void);
extern bool dm_is_lower_identifier(const char *s);

#endif							/* DATAMESH_H */
