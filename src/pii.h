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
extern void dm_siphash(const unsigned char *in, size_t inlen,
					   const unsigned char *key, unsigned char *out,
					   int outlen);

#endif							/* DATAMESH_PII_H */
