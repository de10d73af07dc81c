/*-------------------------------------------------------------------------
 *
 * detect.c
 *		Detectors of personal data: values and column names.
 *
 * datamesh.lint() samples the values of unclassified text columns and
 * counts those that look like an e-mail address, a phone number, an IBAN,
 * a payment card number or an IP address; datamesh.detect_pii() shows the
 * verdict for one value.  A detector must rather miss than cry wolf: lint
 * flags a column only when most sampled values match one detector, and a
 * near miss (a wrong IBAN check, a card failing Luhn, 999.1.1.1, a
 * sentence with an @ in it) is no match.
 *
 * Values:
 *	e-mail	one "@", a dot-atom local part (RFC 5322 atext, no quoted
 *			forms) of at most 64 bytes, a domain of at least two labels
 *			(letters, digits, hyphens inside) whose last label is
 *			alphabetic or an IDN "xn--" label; at most 254 bytes.  Bytes
 *			beyond ASCII count as letters (internationalised addresses).
 *	IBAN	ISO 13616: country code of the SWIFT IBAN registry with its
 *			length, check digits 02..98, alphanumeric BBAN, the whole
 *			rearranged number mod 97 = 1; groups separated by single
 *			spaces allowed.
 *	card	13 to 19 digits, first digit 2..6 (the major networks), groups
 *			of 3 to 6 digits separated by single spaces or hyphens (one
 *			kind), passing the Luhn check, not one digit repeated.
 *	IP		IPv4 dotted quad (0..255, no leading zeros) or IPv6 (RFC 4291
 *			text forms, "::" once, an embedded IPv4 tail; no zone).
 *	phone	digits with single separators (space - . /), at most one
 *			parenthesised group, and one of: a leading "+" and 8..15
 *			digits; a "00" prefix (then no 0) and 10..17 digits; a
 *			parenthesised group and 7..15 digits; a national trunk "0" and
 *			9..12 digits (first group 2..5 digits, or 10..11 digits
 *			unseparated); the North American 3-3-4 form (optionally 1-
 *			before it).  A bare number
 *			without these marks (an order id, a date) is no phone number.
 *
 * Names: the words of a snake_case or camelCase name (letters and digits
 * split apart, acronyms kept whole: "customerIPAddress" is customer, ip,
 * address) are matched against a word list, whole words only, so that
 * "shipping" or "description" is not an IP address and "hotel" no phone;
 * a name whose last word is id, ids, key, fk, uuid or ref names a key that
 * points at such data (address_id), unless the pattern takes that word
 * (tax_id).
 *
 * Pure C: no PostgreSQL call and no allocation (test/fuzz/fuzz_detect.c).
 *
 * IDENTIFICATION
 *		src/detect.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "detect.h"

/* the most words of a name looked at, and the longest word kept */
#define MAX_WORDS		32
#define MAX_WORD_LEN	32

/* one country of the IBAN registry and the length of its IBANs */
typedef struct IbanCountry
{
	char		code[3];
	unsigned char length;
} IbanCountry;

/* SWIFT IBAN registry (countries and lengths as of 2024) */
static const IbanCountry iban_countries[] = {
	{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20},
	{"BE", 16}, {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28},
	{"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
	{"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
	{"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23},
	{"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
	{"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
	{"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
	{"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
	{"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18},
	{"NO", 15}, {"OM", 23}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25},
	{"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
	{"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23},
	{"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
	{"VA", 22}, {"VG", 24}, {"XK", 20}
};

/*
 * A pattern of consecutive words of a column name and what it names.  The
 * patterns are tried at each word in this order: longer ones first where
 * a shorter one would give the wrong kind (mac address before address).
 */
typedef struct NamePattern
{
	const char *words[3];		/* NULL-terminated when shorter */
	const char *kind;
} NamePattern;

#define K_EMAIL		"e-mail address"
#define K_PHONE		"phone number"
#define K_IBAN		"bank account"
#define K_NATID		"national identifier"
#define K_PASSPORT	"passport number"
#define K_IP		"IP address"
#define K_DEVICE	"device address"
#define K_BIRTH		"date or place of birth"
#define K_CARD		"payment card"
#define K_NAME		"person's name"
#define K_ADDRESS	"postal address"

static const NamePattern name_patterns[] = {
	/* several words */
	{{"e", "mail", NULL}, K_EMAIL},
	{{"social", "security", NULL}, K_NATID},
	{{"national", "id", NULL}, K_NATID},
	{{"national", "insurance", NULL}, K_NATID},
	{{"tax", "id", NULL}, K_NATID},
	{{"tax", "number", NULL}, K_NATID},
	{{"tax", "no", NULL}, K_NATID},
	{{"bank", "account", NULL}, K_IBAN},
	{{"credit", "card", NULL}, K_CARD},
	{{"debit", "card", NULL}, K_CARD},
	{{"card", "number", NULL}, K_CARD},
	{{"card", "no", NULL}, K_CARD},
	{{"card", "num", NULL}, K_CARD},
	{{"card", "nr", NULL}, K_CARD},
	{{"first", "name", NULL}, K_NAME},
	{{"last", "name", NULL}, K_NAME},
	{{"full", "name", NULL}, K_NAME},
	{{"given", "name", NULL}, K_NAME},
	{{"family", "name", NULL}, K_NAME},
	{{"middle", "name", NULL}, K_NAME},
	{{"maiden", "name", NULL}, K_NAME},
	{{"mac", "address", NULL}, K_DEVICE},
	{{"mac", "addr", NULL}, K_DEVICE},
	{{"postal", "code", NULL}, K_ADDRESS},
	{{"zip", "code", NULL}, K_ADDRESS},
	{{"house", "number", NULL}, K_ADDRESS},
	/* one word */
	{{"email", NULL}, K_EMAIL},
	{{"emails", NULL}, K_EMAIL},
	{{"mail", NULL}, K_EMAIL},
	{{"emailaddress", NULL}, K_EMAIL},
	{{"mailaddress", NULL}, K_EMAIL},
	{{"phone", NULL}, K_PHONE},
	{{"phones", NULL}, K_PHONE},
	{{"phonenumber", NULL}, K_PHONE},
	{{"telephone", NULL}, K_PHONE},
	{{"telefon", NULL}, K_PHONE},
	{{"tel", NULL}, K_PHONE},
	{{"mobile", NULL}, K_PHONE},
	{{"mobilephone", NULL}, K_PHONE},
	{{"cellphone", NULL}, K_PHONE},
	{{"msisdn", NULL}, K_PHONE},
	{{"fax", NULL}, K_PHONE},
	{{"iban", NULL}, K_IBAN},
	{{"ibans", NULL}, K_IBAN},
	{{"ssn", NULL}, K_NATID},
	{{"taxid", NULL}, K_NATID},
	{{"nationalid", NULL}, K_NATID},
	{{"passport", NULL}, K_PASSPORT},
	{{"ip", NULL}, K_IP},
	{{"ips", NULL}, K_IP},
	{{"ipv", NULL}, K_IP},		/* ipv4, ipv6: the digits are a word apart */
	{{"ipaddr", NULL}, K_IP},
	{{"ipaddress", NULL}, K_IP},
	{{"macaddress", NULL}, K_DEVICE},
	{{"birth", NULL}, K_BIRTH},
	{{"birthday", NULL}, K_BIRTH},
	{{"birthdate", NULL}, K_BIRTH},
	{{"birthplace", NULL}, K_BIRTH},
	{{"dob", NULL}, K_BIRTH},
	{{"creditcard", NULL}, K_CARD},
	{{"debitcard", NULL}, K_CARD},
	{{"cardnumber", NULL}, K_CARD},
	{{"cardno", NULL}, K_CARD},
	{{"pan", NULL}, K_CARD},
	{{"cvv", NULL}, K_CARD},
	{{"cvc", NULL}, K_CARD},
	{{"firstname", NULL}, K_NAME},
	{{"lastname", NULL}, K_NAME},
	{{"surname", NULL}, K_NAME},
	{{"fullname", NULL}, K_NAME},
	{{"givenname", NULL}, K_NAME},
	{{"familyname", NULL}, K_NAME},
	{{"forename", NULL}, K_NAME},
	{{"middlename", NULL}, K_NAME},
	{{"maidenname", NULL}, K_NAME},
	{{"address", NULL}, K_ADDRESS},
	{{"addresses", NULL}, K_ADDRESS},
	{{"street", NULL}, K_ADDRESS},
	{{"streetaddress", NULL}, K_ADDRESS},
	{{"zip", NULL}, K_ADDRESS},
	{{"zipcode", NULL}, K_ADDRESS},
	{{"postcode", NULL}, K_ADDRESS},
	{{"postalcode", NULL}, K_ADDRESS},
	{{"housenumber", NULL}, K_ADDRESS}
};

/* ------------------------------------------------------------------------
 * Character classes (ASCII only: no locale)
 * ------------------------------------------------------------------------
 */

static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool
is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool
is_alpha(unsigned char c)
{
	return is_upper(c) || is_lower(c);
}

static inline bool
is_alnum(unsigned char c)
{
	return is_alpha(c) || is_digit(c);
}

static inline bool
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline unsigned char
to_upper(unsigned char c)
{
	return is_lower(c) ? c - 'a' + 'A' : c;
}

static inline unsigned char
to_lower(unsigned char c)
{
	return is_upper(c) ? c - 'A' + 'a' : c;
}

/* ------------------------------------------------------------------------
 * E-mail addresses
 * ------------------------------------------------------------------------
 */

/* RFC 5322 atext, and bytes of UTF-8 sequences */
static inline bool
is_atext(unsigned char c)
{
	return is_alnum(c) || c >= 0x80 || strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

bool
dm_detect_email(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *) s;
	const unsigned char *at;
	size_t		local;
	size_t		i;
	size_t		label_start;
	int			labels = 0;

	if (len < 6 || len > 254)
		return false;
	at = memchr(u, '@', len);
	if (at == NULL)
		return false;
	local = at - u;
	if (local < 1 || local > 64 || memchr(at + 1, '@', len - local - 1) != NULL)
		return false;

	/* dot-atom local part: no dot first, last or twice in a row */
	if (u[0] == '.' || u[local - 1] == '.')
		return false;
	for (i = 0; i < local; i++)
	{
		if (u[i] == '.')
		{
			if (u[i + 1] == '.')
				return false;
		}
		else if (u[i] == 0 || !is_atext(u[i]))
			return false;
	}

	/* domain: labels of letters, digits, inner hyphens */
	label_start = local + 1;
	for (i = local + 1; i <= len; i++)
	{
		if (i == len || u[i] == '.')
		{
			size_t		llen = i - label_start;
			size_t		k;

			if (llen < 1 || llen > 63 ||
				u[label_start] == '-' || u[i - 1] == '-')
				return false;
			labels++;
			if (i == len)
			{
				/* the top-level label: alphabetic, or an IDN label */
				bool		idn = llen > 4 && to_lower(u[label_start]) == 'x' &&
					to_lower(u[label_start + 1]) == 'n' &&
					u[label_start + 2] == '-' && u[label_start + 3] == '-';

				if (llen < 2)
					return false;
				if (!idn)
					for (k = label_start; k < i; k++)
						if (!is_alpha(u[k]) && u[k] < 0x80)
							return false;
			}
			label_start = i + 1;
		}
		else if (!is_alnum(u[i]) && u[i] != '-' && u[i] < 0x80)
			return false;
	}
	return labels >= 2;
}

/* ------------------------------------------------------------------------
 * IBAN
 * ------------------------------------------------------------------------
 */

bool
dm_detect_iban(const char *s, size_t len)
{
	unsigned char compact[35];
	size_t		n = 0;
	size_t		i;
	unsigned int rem = 0;
	const IbanCountry *country = NULL;

	if (len < 15 || len > 42)
		return false;
	/* compact form; single spaces between groups only */
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == ' ')
		{
			if (i == 0 || i + 1 == len || s[i + 1] == ' ' || n < 4)
				return false;
			continue;
		}
		if (!is_alnum(c) || n >= 34)
			return false;
		compact[n++] = to_upper(c);
	}
	if (n < 15)
		return false;
	if (!is_upper(compact[0]) || !is_upper(compact[1]) ||
		!is_digit(compact[2]) || !is_digit(compact[3]))
		return false;
	for (i = 0; i < sizeof(iban_countries) / sizeof(iban_countries[0]); i++)
		if (iban_countries[i].code[0] == compact[0] &&
			iban_countries[i].code[1] == compact[1])
			country = &iban_countries[i];
	if (country == NULL || country->length != n)
		return false;
	/* check digits 00, 01 and 99 are never issued (98 - (x mod 97)) */
	if ((compact[2] == '0' && (compact[3] == '0' || compact[3] == '1')) ||
		(compact[2] == '9' && compact[3] == '9'))
		return false;

	/* the BBAN, then country and check digits; letters are 10..35 */
	for (i = 0; i < n; i++)
	{
		unsigned char c = compact[(i + 4) % n];

		if (is_digit(c))
			rem = (rem * 10 + (c - '0')) % 97;
		else
			rem = (rem * 100 + (c - 'A' + 10)) % 97;
	}
	return rem == 1;
}

/* ------------------------------------------------------------------------
 * Payment card numbers
 * ------------------------------------------------------------------------
 */

bool
dm_detect_card(const char *s, size_t len)
{
	unsigned char digits[19];
	size_t		n = 0;
	size_t		i;
	size_t		group = 0;
	char		sep = 0;
	int			sum = 0;
	bool		same = true;

	if (len < 13 || len > 19 + 6)
		return false;
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (is_digit(c))
		{
			if (n >= 19)
				return false;
			digits[n++] = c - '0';
			group++;
			continue;
		}
		if (c != ' ' && c != '-')
			return false;
		if (sep != 0 && c != sep)
			return false;
		sep = c;
		/* a separator ends a group of 3 to 6 digits */
		if (group < 3 || group > 6 || i + 1 == len)
			return false;
		group = 0;
	}
	if (sep != 0 && (group < 3 || group > 6))
		return false;
	if (n < 13 || digits[0] < 2 || digits[0] > 6)
		return false;

	/* Luhn: double every second digit from the right */
	for (i = 0; i < n; i++)
	{
		int			d = digits[n - 1 - i];

		if (i % 2 == 1)
		{
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		if (digits[i] != digits[0])
			same = false;
	}
	return sum % 10 == 0 && !same;
}

/* ------------------------------------------------------------------------
 * IP addresses
 * ------------------------------------------------------------------------
 */

bool
dm_detect_ipv4(const char *s, size_t len)
{
	size_t		i = 0;
	int			part;

	if (len < 7 || len > 15)
		return false;
	for (part = 0; part < 4; part++)
	{
		size_t		start = i;
		int			value = 0;

		while (i < len && is_digit((unsigned char) s[i]) && i - start < 3)
		{
			value = value * 10 + (s[i] - '0');
			i++;
		}
		if (i == start || value > 255 || (s[start] == '0' && i - start > 1))
			return false;
		if (part < 3)
		{
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == len;
}

bool
dm_detect_ipv6(const char *s, size_t len)
{
	size_t		i = 0;
	int			groups = 0;
	bool		compressed = false;

	if (len < 2 || len > 45)
		return false;
	if (s[0] == ':')
	{
		if (s[1] != ':')
			return false;
		compressed = true;
		i = 2;
		if (i == len)
			return true;
	}
	while (i < len)
	{
		size_t		start = i;

		while (i < len && is_hex((unsigned char) s[i]) && i - start < 5)
			i++;
		if (i < len && s[i] == '.')
		{
			/* an embedded IPv4 address ends the text and counts twice */
			if (!dm_detect_ipv4(s + start, len - start))
				return false;
			groups += 2;
			break;
		}
		if (i == start || i - start > 4)
			return false;
		groups++;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < len && s[i] == ':')
		{
			if (compressed)
				return false;
			compressed = true;
			i++;
		}
		else if (i == len)
			return false;
	}
	return compressed ? groups <= 7 : groups == 8;
}

/* ------------------------------------------------------------------------
 * Phone numbers
 * ------------------------------------------------------------------------
 */

bool
dm_detect_phone(const char *s, size_t len)
{
	size_t		i = 0;
	int			digits = 0;
	int			groups = 0;
	int			group_len[8];
	int			first_group = 0;
	int			cur = 0;
	bool		plus = false;
	bool		paren = false;	/* a parenthesised group seen */
	bool		in_paren = false;
	bool		separated = false;
	unsigned char prev = 0;

	if (len < 7 || len > 32)
		return false;
	if (s[0] == '+')
	{
		plus = true;
		i = 1;
		if (len < 2 || !is_digit((unsigned char) s[1]))
			return false;
	}
	for (; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (is_digit(c))
		{
			digits++;
			cur++;
		}
		else if (c == '(')
		{
			/* once, after a separator or at the start, then digits */
			if (paren || (prev != 0 && prev != ' ' && prev != '+'))
				return false;
			paren = in_paren = true;
		}
		else if (c == ')')
		{
			if (!in_paren || !is_digit(prev) || cur > 5)
				return false;
			in_paren = false;
		}
		else if (c == ' ' || c == '-' || c == '.' || c == '/')
		{
			/* single separators between digits; a space may follow ")" */
			if (in_paren || !(is_digit(prev) || (prev == ')' && c == ' ')))
				return false;
			separated = true;
		}
		else
			return false;
		if (!is_digit(c) && cur > 0)
		{
			if (groups == 0)
				first_group = cur;
			if (groups < 8)
				group_len[groups] = cur;
			groups++;
			cur = 0;
		}
		prev = c;
	}
	if (in_paren || !is_digit(prev))
		return false;
	if (groups == 0)
		first_group = cur;
	if (groups < 8)
		group_len[groups] = cur;
	groups++;

	if (plus)
		return digits >= 8 && digits <= 15;
	if (s[0] == '0' && s[1] == '0')
		return s[2] >= '1' && s[2] <= '9' && digits >= 10 && digits <= 17;
	if (paren)
		return digits >= 7 && digits <= 15;
	if (s[0] == '0')
		return separated ?
			(first_group >= 2 && first_group <= 5 && digits >= 9 && digits <= 12) :
			(digits >= 10 && digits <= 11);
	/* North America: NXX-NXX-XXXX, or 1 before it */
	if (separated && groups == 3 && group_len[0] == 3 && group_len[1] == 3 &&
		group_len[2] == 4 && s[0] >= '2')
		return true;
	if (separated && groups == 4 && group_len[0] == 1 && s[0] == '1' &&
		group_len[1] == 3 && group_len[2] == 3 && group_len[3] == 4 && s[2] >= '2')
		return true;
	return false;
}

/* ------------------------------------------------------------------------
 * One value
 * ------------------------------------------------------------------------
 */

/*
 * What a value looks like, after white space at either end; values longer
 * than DM_DETECT_MAX_VALUE are none of these.
 */
DmDetectKind
dm_detect_value(const char *value, size_t len)
{
	const char *s = value;

	while (len > 0 && is_space((unsigned char) s[0]))
	{
		s++;
		len--;
	}
	while (len > 0 && is_space((unsigned char) s[len - 1]))
		len--;
	if (len == 0 || len > DM_DETECT_MAX_VALUE)
		return DM_DETECT_NONE;
	if (memchr(s, '@', len) != NULL)
		return dm_detect_email(s, len) ? DM_DETECT_EMAIL : DM_DETECT_NONE;
	if (is_alpha((unsigned char) s[0]) && len > 1 && is_alpha((unsigned char) s[1]) &&
		dm_detect_iban(s, len))
		return DM_DETECT_IBAN;
	if (dm_detect_ipv4(s, len) || dm_detect_ipv6(s, len))
		return DM_DETECT_IP;
	if (dm_detect_card(s, len))
		return DM_DETECT_CARD;
	if (dm_detect_phone(s, len))
		return DM_DETECT_PHONE;
	return DM_DETECT_NONE;
}

/* the name datamesh.detect_pii() returns for a kind; NULL for none */
const char *
dm_detect_kind_name(DmDetectKind kind)
{
	switch (kind)
	{
		case DM_DETECT_EMAIL:
			return "email";
		case DM_DETECT_PHONE:
			return "phone";
		case DM_DETECT_IBAN:
			return "iban";
		case DM_DETECT_CARD:
			return "card";
		case DM_DETECT_IP:
			return "ip";
		case DM_DETECT_NONE:
			break;
	}
	return NULL;
}

/* the kind in a sentence: "holds e-mail addresses" */
const char *
dm_detect_kind_plural(DmDetectKind kind)
{
	switch (kind)
	{
		case DM_DETECT_EMAIL:
			return "e-mail addresses";
		case DM_DETECT_PHONE:
			return "phone numbers";
		case DM_DETECT_IBAN:
			return "IBANs";
		case DM_DETECT_CARD:
			return "payment card numbers";
		case DM_DETECT_IP:
			return "IP addresses";
		case DM_DETECT_NONE:
			break;
	}
	return "nothing";
}

/* ------------------------------------------------------------------------
 * Column names
 * ------------------------------------------------------------------------
 */

/*
 * The words of a name, lower-cased, into words[] (at most MAX_WORDS; a
 * longer word is kept truncated, marked by a length past MAX_WORD_LEN so
 * that it matches nothing).  Boundaries: any byte that is no letter or
 * digit, a lower-case letter followed by an upper-case one, the last
 * capital of an acronym before a capitalised word ("IPAddress"), and a
 * change between letters and digits.  Bytes beyond ASCII belong to words.
 */
static int
split_words(const char *name, size_t len,
			char words[MAX_WORDS][MAX_WORD_LEN + 1], size_t *lens)
{
	const unsigned char *u = (const unsigned char *) name;
	int			n = 0;
	size_t		i;
	bool		in_word = false;

	for (i = 0; i < len && n <= MAX_WORDS; i++)
	{
		unsigned char c = u[i];
		bool		word_char = is_alnum(c) || c >= 0x80;
		bool		boundary = false;

		if (!word_char)
		{
			in_word = false;
			continue;
		}
		if (in_word)
		{
			unsigned char p = u[i - 1];

			if ((is_lower(p) || is_digit(p)) && is_upper(c))
				boundary = true;
			else if (is_upper(p) && is_upper(c) && i + 1 < len && is_lower(u[i + 1]))
				boundary = true;
			else if (is_digit(p) != is_digit(c))
				boundary = true;
		}
		if (!in_word || boundary)
		{
			if (n == MAX_WORDS)
				break;
			lens[n] = 0;
			n++;
			in_word = true;
		}
		if (lens[n - 1] < MAX_WORD_LEN)
			words[n - 1][lens[n - 1]] = (char) to_lower(c);
		lens[n - 1]++;
		if (lens[n - 1] <= MAX_WORD_LEN)
			words[n - 1][lens[n - 1]] = '\0';
	}
	return n;
}

const char *
dm_detect_name(const char *name, size_t len)
{
	char		words[MAX_WORDS][MAX_WORD_LEN + 1];
	size_t		lens[MAX_WORDS];
	int			n;
	int			i;
	size_t		p;
	bool		key_suffix;

	n = split_words(name, len, words, lens);
	/* "card" alone is a card; with other words it may be anything */
	if (n == 1 && lens[0] == 4 && strcmp(words[0], "card") == 0)
		return K_CARD;
	/* "address_id", "customer_email_key": a key that points at the data */
	key_suffix = n >= 2 && lens[n - 1] <= MAX_WORD_LEN &&
		(strcmp(words[n - 1], "id") == 0 || strcmp(words[n - 1], "ids") == 0 ||
		 strcmp(words[n - 1], "key") == 0 || strcmp(words[n - 1], "fk") == 0 ||
		 strcmp(words[n - 1], "uuid") == 0 || strcmp(words[n - 1], "ref") == 0);
	for (i = 0; i < n; i++)
	{
		for (p = 0; p < sizeof(name_patterns) / sizeof(name_patterns[0]); p++)
		{
			const NamePattern *pat = &name_patterns[p];
			int			k;
			bool		match = true;

			for (k = 0; k < 3 && pat->words[k] != NULL; k++)
			{
				if (i + k >= n || lens[i + k] > MAX_WORD_LEN ||
					strcmp(words[i + k], pat->words[k]) != 0)
				{
					match = false;
					break;
				}
			}
			/* a key's name, unless the pattern takes the suffix (tax_id) */
			if (match && key_suffix && i + k < n)
				match = false;
			if (match)
				return pat->kind;
		}
	}
	return NULL;
}
