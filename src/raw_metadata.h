/*-------------------------------------------------------------------------
 *
 * raw_metadata.h
 *		The metadata columns of every table in the raw layers.
 *
 * IDENTIFICATION
 *		src/raw_metadata.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_RAW_METADATA_H
#define DATAMESH_RAW_METADATA_H

#include "nodes/nodes.h"

/* the metadata columns of raw tables */
#define DM_COL_ADDED_AT "_added_at"
#define DM_COL_TYPE "_type"
#define DM_COL_SOURCE_SYSTEM "_source_system"

extern bool dm_is_metadata_column(const char *name);
extern void dm_raw_metadata_check(Oid relid, Oid nspid, Node *parsetree);

#endif							/* DATAMESH_RAW_METADATA_H */
