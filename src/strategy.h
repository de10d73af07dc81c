/*-------------------------------------------------------------------------
 *
 * strategy.h
 *		Parsing "pii:" labels and the types each masking strategy supports.
 *
 * IDENTIFICATION
 *		src/strategy.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_STRATEGY_H
#define DATAMESH_STRATEGY_H

/* the masking strategies a "pii:" label may name */
typedef enum DmPiiKind
{
	DM_PII_REDACT,
	DM_PII_HASH,
	DM_PII_EMAIL,
	DM_PII_PARTIAL,
	DM_PII_YEAR,
	DM_PII_MONTH,
	DM_PII_BUCKET
} DmPiiKind;

/* a parsed strategy */
typedef struct DmPiiStrategy
{
	DmPiiKind	kind;
	int			prefix;			/* partial: characters kept at the start */
	int			suffix;			/* partial: characters kept at the end */
	char		bucket[64];		/* bucket: the width, as a numeric literal */
} DmPiiStrategy;

#define DM_PII_STRATEGIES \
	"redact, hash, email, partial(p,s), year, month, bucket(n)"

extern bool dm_pii_parse_strategy(const char *text, DmPiiStrategy *out);
extern bool dm_pii_parse_label(const char *label, DmPiiStrategy *out);
extern bool dm_pii_type_supported(const DmPiiStrategy *strategy, Oid basetype);

#endif							/* DATAMESH_STRATEGY_H */
