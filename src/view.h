/*-------------------------------------------------------------------------
 *
 * view.h
 *		A data product's view: computed, generated, and compared.
 *
 * IDENTIFICATION
 *		src/view.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_VIEW_H
#define DATAMESH_VIEW_H

#include "nodes/pg_list.h"

#include "catalog.h"

/* the product's recorded parameters */
typedef struct ProductDef
{
	Oid			source;
	char	   *schema;			/* {key}_data_products */
	char	   *name;
	List	   *columns;		/* of char *, NIL: all but metadata */
	char	   *description;
	bool		by_user;		/* publish_product, not a regeneration */
} ProductDef;

extern Oid	dm_view_generate(const ProductDef *def, const DmDomain *domain,
							 List **hash_columns, bool *changed);
extern void dm_view_check_no_dependents(Oid viewid, const char *action);
extern bool dm_product_def(Oid viewid, ProductDef *def, DmDomain *domain);
extern List *dm_relation_columns(Oid relid, bool skip_metadata);

#endif							/* DATAMESH_VIEW_H */
