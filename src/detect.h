/*-------------------------------------------------------------------------
 *
 * detect.h
 *		Detectors of personal data: values and column names.
 *
 * Pure C over (const char *, size_t): no PostgreSQL call, no allocation,
 * so that a fuzz harness builds them without a backend.  A value or a name
 * may hold any bytes (NULs included); nothing is read past its length.
 *
 * IDENTIFICATION
 *		src/detect.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_DETECT_H
#define DATAMESH_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/* what a value looks like; DM_DETECT_NONE: nothing of these */
typedef enum DmDetectKind
{
	DM_DETECT_NONE = 0,
	DM_DETECT_EMAIL,			/* an e-mail address */
	DM_DETECT_PHONE,			/* a phone number */
	DM_DETECT_IBAN,				/* an IBAN with a valid check (ISO 13616) */
	DM_DETECT_CARD,				/* a payment card number passing Luhn */
	DM_DETECT_IP				/* an IPv4 or IPv6 address */
} DmDetectKind;

#define DM_DETECT_KINDS 6

/* the longest value a detector looks at (an e-mail address: 254) */
#define DM_DETECT_MAX_VALUE 256

extern DmDetectKind dm_detect_value(const char *value, size_t len);
extern const char *dm_detect_kind_name(DmDetectKind kind);
extern const char *dm_detect_kind_plural(DmDetectKind kind);

/* the single detectors, on a value without surrounding white space */
extern bool dm_detect_email(const char *s, size_t len);
extern bool dm_detect_phone(const char *s, size_t len);
extern bool dm_detect_iban(const char *s, size_t len);
extern bool dm_detect_card(const char *s, size_t len);
extern bool dm_detect_ipv4(const char *s, size_t len);
extern bool dm_detect_ipv6(const char *s, size_t len);

/*
 * What a column name suggests: NULL, or the kind of personal data its
 * words name ("e-mail", "phone number", ...), a static string.
 */
extern const char *dm_detect_name(const char *name, size_t len);

#endif							/* DATAMESH_DETECT_H */
