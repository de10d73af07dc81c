/*-------------------------------------------------------------------------
 *
 * label.h
 *		The "datamesh" security label provider and PII strategy labels.
 *
 * IDENTIFICATION
 *		src/label.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_LABEL_H
#define DATAMESH_LABEL_H

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

#define DM_LABEL_PROVIDER "datamesh"
#define DM_PII_STRATEGIES \
	"redact, hash, email, partial(p,s), year, month, bucket(n)"

extern void dm_label_register(void);
extern bool dm_pii_parse_strategy(const char *text, DmPiiStrategy *out);
extern bool dm_pii_parse_label(const char *label, DmPiiStrategy *out);
extern bool dm_pii_type_supported(const DmPiiStrategy *strategy, Oid basetype);
extern void dm_pii_check_type(const DmPiiStrategy *strategy, const char *text,
							  Oid typid, const char *column);

#endif							/* DATAMESH_LABEL_H */
