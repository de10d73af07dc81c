/*-------------------------------------------------------------------------
 *
 * product.h
 *		Data products: publishing, classification, regeneration.
 *
 * IDENTIFICATION
 *		src/product.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_PRODUCT_H
#define DATAMESH_PRODUCT_H

#include "nodes/pg_list.h"

extern void dm_product_regenerate_for(List *relids, bool redefined);

#endif							/* DATAMESH_PRODUCT_H */
