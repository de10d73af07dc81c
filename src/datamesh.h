/*-------------------------------------------------------------------------
 *
 * datamesh.h
 *		Shared constants and helpers of the datamesh extension.
 *
 * A domain owns six schemas, one per layer.  Every module speaks of layers
 * through DmLayer and of internal DDL through dm_exec_internal(), which
 * keeps datamesh's own event triggers from judging the statements that
 * datamesh itself runs.
 *
 * IDENTIFICATION
 *		src/datamesh.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_H
#define DATAMESH_H

/* the layers of a domain, in the order create_domain makes them */
typedef enum DmLayer
{
	DM_LAYER_RAW,
	DM_LAYER_RAW_EXTERNAL,
	DM_LAYER_INTERMEDIATES,
	DM_LAYER_INFORMATION_OBJECTS,
	DM_LAYER_DATA_PRODUCTS,
	DM_LAYER_QUERIES
} DmLayer;

#define DM_LAYER_COUNT 6

/* a domain key leaves room for the longest layer suffix in 63 bytes */
#define DM_KEY_MAXLEN 43

/* schema of the extension's own objects */
#define DM_SCHEMA "datamesh"

/* the metadata columns of raw tables */
#define DM_COL_ADDED_AT "_added_at"
#define DM_COL_TYPE "_type"
#define DM_COL_SOURCE_SYSTEM "_source_system"

extern const char *const dm_layer_names[DM_LAYER_COUNT];

/* GUC datamesh.enforce */
extern bool datamesh_enforce;

extern bool dm_layer_is_private(DmLayer layer);
extern bool dm_enforcing(void);
extern char *dm_schema_name(const char *key, DmLayer layer);
extern bool dm_is_lower_identifier(const char *s);

#endif							/* DATAMESH_H */
