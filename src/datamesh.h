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

#include "fmgr.h"

#include "layer.h"

/* GUC datamesh.enforce */
extern bool datamesh_enforce;

extern bool dm_enforcing(void);
extern char *dm_text_arg(FunctionCallInfo fcinfo, int n);

#endif							/* DATAMESH_H */
