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

/*
 * Validates one part of a domain key: a lower-case identifier of at most
 * DM_KEY_MAXLEN characters.  NULL passes unless required.
 */
void
dm_check_key_part(const char *what, const char *value, bool required,
			   const char *example)
{
	if (value == NULL)
	{
		if (required)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("domain %s must not be null", what),
					 errhint("Pass a lower-case identifier such as 'sales'.")));
		return;
	}
	if (strlen(value) > DM_KEY_MAXLEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("domain %s is too long", what),
				 errdetail("A domain key has at most %d characters, so that the name of each of its schemas fits in %d bytes.",
						   DM_KEY_MAXLEN, NAMEDATALEN - 1),
				 errhint("Choose a shorter %s.", what)));
	if (!dm_is_lower_identifier(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid domain %s \"%s\"", what, value),
				 errdetail("A domain %s starts with a lower-case letter and contains only lower-case letters, digits and underscores.",
						   what),
				 errhint("For example %s.", example)));
}

/*
 * Is s a lower-case identifier: a letter, then letters, digits and '_'?
 * Domain key parts and pseudonym scopes are.
 */
bool
dm_is_lower_identifier(const char *s)
{
	const char *p;

	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}
