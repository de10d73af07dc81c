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

extern void dm_product_regenerate_for(Oid relid);

#endif							/* DATAMESH_PRODUCT_H */
