/*-------------------------------------------------------------------------
 *
 * siphash.c
 *		SipHash-2-4 (Aumasson and Bernstein, 2012), 64- or 128-bit output.
 *
 * The pseudorandom function behind the hash strategy.  Written from the
 * specification; checked against its published test vectors by the
 * regression suite (datamesh.siphash) and fuzzed by test/fuzz.  Pure C:
 * no allocation, no errors.
 *
 * IDENTIFICATION
 *		src/siphash.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "siphash.h"

/* ------------------------------------------------------------------------
 * SipHash-2-4 (Aumasson and Bernstein, 2012), 64- or 128-bit output.
 * ------------------------------------------------------------------------
 */
#define ROTL64(x, b) (uint64) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND \
	do { \
		v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32); \
		v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2; \
		v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0; \
		v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32); \
	} while (0)

uint64
dm_load_le64(const unsigned char *p)
{
	return (uint64) p[0] | ((uint64) p[1] << 8) | ((uint64) p[2] << 16) |
		((uint64) p[3] << 24) | ((uint64) p[4] << 32) | ((uint64) p[5] << 40) |
		((uint64) p[6] << 48) | ((uint64) p[7] << 56);
}

void
dm_store_le64(unsigned char *p, uint64 v)
{
	int			i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char) (v >> (8 * i));
}

/*
 * SipHash-2-4 of in[0..inlen) under a 16-byte key; outlen is 8 or 16.
 */
void
dm_siphash(const unsigned char *in, size_t inlen, const unsigned char *key,
		   unsigned char *out, int outlen)
{
	uint64		k0 = dm_load_le64(key);
	uint64		k1 = dm_load_le64(key + 8);
	uint64		v0 = UINT64CONST(0x736f6d6570736575) ^ k0;
	uint64		v1 = UINT64CONST(0x646f72616e646f6d) ^ k1;
	uint64		v2 = UINT64CONST(0x6c7967656e657261) ^ k0;
	uint64		v3 = UINT64CONST(0x7465646279746573) ^ k1;
	uint64		b = ((uint64) inlen) << 56;
	const unsigned char *end = in + inlen - (inlen % 8);
	int			left = inlen & 7;
	int			i;

	if (outlen == 16)
		v1 ^= 0xee;
	for (; in != end; in += 8)
	{
		uint64		m = dm_load_le64(in);

		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (i = left - 1; i >= 0; i--)
		b |= ((uint64) in[i]) << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;

	v2 ^= (outlen == 16) ? 0xee : 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	dm_store_le64(out, v0 ^ v1 ^ v2 ^ v3);
	if (outlen == 8)
		return;
	v1 ^= 0xdd;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	dm_store_le64(out + 8, v0 ^ v1 ^ v2 ^ v3);
}

