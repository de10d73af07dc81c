/*-------------------------------------------------------------------------
 *
 * fuzz_labels.c
 *		libFuzzer harness for the "pii:" label parser (src/strategy.c).
 *
 * Any byte string must be parsed without a crash, an out-of-bounds access
 * or undefined behaviour (ASan/UBSan), and whatever is accepted must be a
 * strategy the masks can apply: partial widths within bounds, a bucket
 * width that is a non-empty, non-zero decimal literal.
 *
 * IDENTIFICATION
 *		test/fuzz/fuzz_labels.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>

#include "catalog/pg_type.h"

#include "strategy.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size + 1);
	DmPiiStrategy st;
	static const Oid types[] = {TEXTOID, INT4OID, INT8OID, NUMERICOID, DATEOID,
	UUIDOID, JSONBOID};
	size_t		i;

	memcpy(text, data, size);
	text[size] = '\0';
	if (dm_pii_parse_label(text, &st))
	{
		if (st.kind == DM_PII_PARTIAL &&
			(st.prefix < 0 || st.prefix > 1000 || st.suffix < 0 || st.suffix > 1000))
			abort();
		if (st.kind == DM_PII_BUCKET &&
			(st.bucket[0] == '\0' || strlen(st.bucket) >= sizeof(st.bucket) ||
			 strspn(st.bucket, "0123456789.") != strlen(st.bucket) ||
			 strspn(st.bucket, "0.") == strlen(st.bucket)))
			abort();
		for (i = 0; i < lengthof(types); i++)
			(void) dm_pii_type_supported(&st, types[i]);
	}
	(void) dm_pii_parse_strategy(text, &st);
	free(text);
	return 0;
}
