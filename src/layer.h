/*-------------------------------------------------------------------------
 *
 * layer.h
 *		The six layers of a domain and the names of their schemas.
 *
 * IDENTIFICATION
 *		src/layer.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_LAYER_H
#define DATAMESH_LAYER_H

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

extern const char *const dm_layer_names[DM_LAYER_COUNT];

extern bool dm_layer_is_private(DmLayer layer);
extern char *dm_schema_name(const char *key, DmLayer layer);
extern bool dm_is_lower_identifier(const char *s);
extern void dm_check_key_part(const char *what, const char *value, bool required,
							  const char *example);

#endif							/* DATAMESH_LAYER_H */
