/*-------------------------------------------------------------------------
 *
 * layer.c
 *		The six layers of a domain and the names of their schemas.
 *
 * A domain with key K owns the schemas K_raw, K_raw_external,
 * K_intermediates, K_information_objects, K_data_products and K_queries.
 * Every layer but data_products is private to the domain's team.  This
 * file is the one place that names them (the install script's view
 * datamesh.layers lists them again for SQL).
 *
 * IDENTIFICATION
 *		src/layer.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "layer.h"

const char *const dm_layer_names[DM_LAYER_COUNT] = {
	"raw",
	"raw_external",
	"intermediates",
	"information_objects",
	"data_products",
	"queries"
};

/*
 * Is the layer closed to other domains?  Everything but data_products.
 */
bool
dm_layer_is_private(DmLayer layer)
{
	return layer != DM_LAYER_DATA_PRODUCTS;
}

/*
 * The name of a layer's schema: "{key}_{layer}", palloc'd.
 */
char *
dm_schema_name(const char *key, DmLayer layer)
{
	return psprintf("%s_%s", key, dm_layer_names[layer]);
}
