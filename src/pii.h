/*-------------------------------------------------------------------------
 *
 * pii.h
 *		Masking functions of data products, keyed pseudonyms.
 *
 * IDENTIFICATION
 *		src/pii.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_PII_H
#define DATAMESH_PII_H

#define DM_KEY_BYTES 16

extern void dm_pii_init(void);

#endif							/* DATAMESH_PII_H */
