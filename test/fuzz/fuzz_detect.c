/*-------------------------------------------------------------------------
 *
 * fuzz_detect.c
 *		libFuzzer harness for the detectors of personal data (src/detect.c).
 *
 * Any byte string, as a value and as a column name, must be judged without
 * a crash, an out-of-bounds access or undefined behaviour (ASan/UBSan);
 * the input is copied into a buffer of exactly its length, so a read past
 * the end is caught.  Whatever a detector accepts must have the shape of
 * its kind (checked here independently: one "@" and no white space in an
 * e-mail address, 13..19 digits passing Luhn in a card number, the digits
 * and letters of an IBAN, only hex digits, colons and dots in an IP
 * address), white space at either end must not change a verdict, and
 * each detector must agree with the dispatcher.
 *
 * Without libFuzzer (cc -DFUZZ_STANDALONE) it reads the files named on the
 * command line, or runs its built-in cases, and checks the same.
 *
 * IDENTIFICATION
 *		test/fuzz/fuzz_detect.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const name_kinds[] = {
	"e-mail address", "phone number", "bank account", "national identifier",
	"passport number", "IP address", "device address",
	"date or place of birth", "payment card", "person's name",
	"postal address"
};

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* the value without white space at either end */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && is_ws((unsigned char) (*s)[0]))
	{
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_ws((unsigned char) (*s)[*len - 1]))
		(*len)--;
}

/* Luhn over the digits of s, and their count */
static int
luhn_ok(const char *s, size_t len, int *ndigits)
{
	int			sum = 0;
	int			n = 0;
	size_t		i;

	for (i = len; i > 0; i--)
	{
		int			d;

		if (s[i - 1] < '0' || s[i - 1] > '9')
			continue;
		d = s[i - 1] - '0';
		if (n % 2 == 1)
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
		n++;
	}
	*ndigits = n;
	return sum % 10 == 0;
}

static void
check_shape(DmDetectKind kind, const char *s, size_t len)
{
	size_t		i;
	int			ats = 0;
	int			ndigits;

	switch (kind)
	{
		case DM_DETECT_NONE:
			return;
		case DM_DETECT_EMAIL:
			for (i = 0; i < len; i++)
			{
				if (s[i] == '@')
					ats++;
				if (is_ws((unsigned char) s[i]) || s[i] == '\0')
					abort();
			}
			if (ats != 1 || len > 254 || !dm_detect_email(s, len))
				abort();
			return;
		case DM_DETECT_IBAN:
			for (i = 0; i < len; i++)
				if (!(s[i] == ' ' || (s[i] >= '0' && s[i] <= '9') ||
					  (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
					abort();
			if (!dm_detect_iban(s, len))
				abort();
			return;
		case DM_DETECT_CARD:
			for (i = 0; i < len; i++)
				if (!(s[i] == ' ' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9')))
					abort();
			if (!luhn_ok(s, len, &ndigits) || ndigits < 13 || ndigits > 19 ||
				!dm_detect_card(s, len))
				abort();
			return;
		case DM_DETECT_IP:
			for (i = 0; i < len; i++)
				if (!(s[i] == ':' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9') ||
					  (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
					abort();
			if (!dm_detect_ipv4(s, len) && !dm_detect_ipv6(s, len))
				abort();
			return;
		case DM_DETECT_PHONE:
			for (i = 0; i < len; i++)
				if (!strchr("0123456789+()-./ ", s[i]) || s[i] == '\0')
					abort();
			if (!dm_detect_phone(s, len))
				abort();
			return;
	}
	abort();					/* no other kind exists */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *buf = malloc(size > 0 ? size : 1);
	char	   *padded = malloc(size + 4);
	const char *s;
	size_t		len;
	DmDetectKind kind;
	const char *name_kind;
	size_t		i;

	memcpy(buf, data, size);
	kind = dm_detect_value(buf, size);
	if ((int) kind < 0 || (int) kind >= DM_DETECT_KINDS)
		abort();
	if ((kind == DM_DETECT_NONE) != (dm_detect_kind_name(kind) == NULL))
		abort();
	(void) dm_detect_kind_plural(kind);
	s = buf;
	len = size;
	trim(&s, &len);
	if (kind != DM_DETECT_NONE)
	{
		if (len > DM_DETECT_MAX_VALUE)
			abort();
		check_shape(kind, s, len);
	}

	/* white space around a value changes nothing */
	padded[0] = ' ';
	padded[1] = '\t';
	memcpy(padded + 2, data, size);
	padded[size + 2] = '\n';
	padded[size + 3] = ' ';
	if (dm_detect_value(padded, size + 4) != kind)
		abort();

	/* every single detector on the raw bytes, too */
	(void) dm_detect_email(buf, size);
	(void) dm_detect_phone(buf, size);
	(void) dm_detect_iban(buf, size);
	(void) dm_detect_card(buf, size);
	(void) dm_detect_ipv4(buf, size);
	(void) dm_detect_ipv6(buf, size);

	/* as a column name */
	name_kind = dm_detect_name(buf, size);
	if (name_kind != NULL)
	{
		int			known = 0;

		for (i = 0; i < sizeof(name_kinds) / sizeof(name_kinds[0]); i++)
			if (strcmp(name_kind, name_kinds[i]) == 0)
				known = 1;
		if (!known)
			abort();
	}
	free(padded);
	free(buf);
	return 0;
}

#ifdef FUZZ_STANDALONE
/* built-in cases: positives and near misses of every detector */
static const char *const cases[] = {
	"alice@example.com", "write to me@home please", "a..b@example.com",
	"DE89 3704 0044 0532 0130 00", "DE88370400440532013000",
	"4111 1111 1111 1111", "4111111111111112", "192.168.1.1", "999.1.1.1",
	"2001:db8::8a2e:370:7334", "1:2:3:4:5:6:7", "+49 30 1234567",
	"2024-01-15", "customerIPAddress", "shipping", "", "@", "::", "(",
	NULL
};

int
main(int argc, char **argv)
{
	int			i;
	char		chunk[1 << 16];

	if (argc < 2)
	{
		for (i = 0; cases[i] != NULL; i++)
			LLVMFuzzerTestOneInput((const uint8_t *) cases[i], strlen(cases[i]));
		printf("fuzz_detect: %d built-in cases passed\n", i);
		return 0;
	}
	for (i = 1; i < argc; i++)
	{
		FILE	   *f = fopen(argv[i], "rb");
		size_t		n;

		if (f == NULL)
		{
			perror(argv[i]);
			return 1;
		}
		n = fread(chunk, 1, sizeof(chunk), f);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *) chunk, n);
	}
	printf("fuzz_detect: %d inputs passed\n", argc - 1);
	return 0;
}
#endif
