/*-------------------------------------------------------------------------
 *
 * siphash.h
 *		SipHash-2-4 (Aumasson and Bernstein, 2012), 64- or 128-bit output.
 *
 * IDENTIFICATION
 *		src/siphash.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_SIPHASH_H
#define DATAMESH_SIPHASH_H

extern void dm_siphash(const unsigned char *in, size_t inlen,
					   const unsigned char *key, unsigned char *out,
					   int outlen);
extern uint64 dm_load_le64(const unsigned char *p);
extern void dm_store_le64(unsigned char *p, uint64 v);

#endif							/* DATAMESH_SIPHASH_H */
