/*-------------------------------------------------------------------------
 *
 * contract.c
 *		The rule engine of data contracts: every change between two models.
 *
 * dm_contract_diff compares two DmContract models (two published
 * documents, or a document and the product as the catalogs describe it
 * now) and appends one DmChange per change, each with the id of its rule
 * in CONTRACTS.md, a JSON path, short old and new values and a sentence.
 * The severity of every rule under FORWARD and under BACKWARD is in one
 * static table, dm_rules; the severity under a mode is derived from it by
 * rule_severity() alone (FULL: the worse of both; NONE: info, except the
 * governance rules O1, O8, C18 and G8, which are never silent: a
 * contracted product is withdrawn after deprecation, in every mode).
 *
 * Pure C: no PostgreSQL, no jansson, no errors, no global mutable state
 * other than the allocation hook, so that the same code runs in the
 * backend and in a libFuzzer harness.  Every input the parser can produce
 * is accepted: NULL strings, NULL arrays with counts, negative counts and
 * positions, duplicate names.  Everything returned, and every scratch
 * array, is allocated through dm_contract_alloc and never freed here: the
 * caller drops its memory context or arena as a whole.
 *
 * Values and sentences only ever quote what the contract documents
 * themselves contain (names, types, thresholds, labels), or counts; never
 * a data value of the product.
 *
 * IDENTIFICATION
 *		src/contract.c
 *
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"

#if defined(__GNUC__) || defined(__clang__)
#define DM_PRINTF_ATTR(f, a) __attribute__((format(printf, f, a)))
#else
#define DM_PRINTF_ATTR(f, a)
#endif

/* the longest old or new value reported, in bytes, before "..." */
#define DM_VALUE_MAX 60

/* the path of the product's schema object in a document */
#define DM_SCHEMA_PATH "$.schema[0]"

/*
 * Every kind of change the engine reports.  Some rules of CONTRACTS.md
 * come in variants with different severities (C6 for a base type or for
 * a length, G3 loosened or tightened): one kind per variant.
 */
typedef enum DmRuleKind
{
	DM_R_O1,
	DM_R_O2,
	DM_R_O3,
	DM_R_O4,
	DM_R_O6,
	DM_R_O8,
	DM_R_C1,
	DM_R_C2,
	DM_R_C3,
	DM_R_C4,
	DM_R_C5,
	DM_R_C6_BASE,
	DM_R_C6_LENGTH,
	DM_R_C7_BASE,
	DM_R_C7_LENGTH,
	DM_R_C7_OTHER,
	DM_R_C8,
	DM_R_C9,
	DM_R_C10,
	DM_R_C11,
	DM_R_C12,
	DM_R_C13,
	DM_R_C14,
	DM_R_C15,
	DM_R_C16,
	DM_R_C17,
	DM_R_C18,
	DM_R_C20,
	DM_R_G1_REMOVED,
	DM_R_G1_LOOSENED,
	DM_R_G1_CHANGED,
	DM_R_G2_ADDED,
	DM_R_G2_TIGHTENED,
	DM_R_G3_LOOSENED,
	DM_R_G3_TIGHTENED,
	DM_R_G3_REMOVED,
	DM_R_G3_ADDED,
	DM_R_G3_CHANGED,
	DM_R_G5_EARLIER,
	DM_R_G5_NOTICE,
	DM_R_G6,
	DM_R_G7,
	DM_R_G8,
	DM_R_COUNT
} DmRuleKind;

/* one line of the rule table */
typedef struct DmRule
{
	const char *id;				/* rule id of CONTRACTS.md */
	const char *change;			/* what changed, for the README */
	DmSeverity	forward;		/* severity under FORWARD */
	DmSeverity	backward;		/* severity under BACKWARD */
	bool		governance;		/* stays at its worst under NONE */
	bool		shape;			/* a change of shape or guarantees: no O6 */
} DmRule;

#define I DM_SEV_INFO
#define W DM_SEV_WARNING
#define B DM_SEV_BREAKING

/*
 * The rules, one line each: id, change, FORWARD, BACKWARD, governance,
 * shape.  The README's rule table is generated from these lines.
 */
static const DmRule dm_rules[DM_R_COUNT] = {
	[DM_R_O1] = {"O1", "product view dropped", B, B, true, false},
	[DM_R_O2] = {"O2", "product view renamed or moved", B, B, false, false},
	[DM_R_O3] = {"O3", "SELECT revoked from the consumer role", B, B, false, false},
	[DM_R_O4] = {"O4", "primary key removed or changed", B, B, false, true},
	[DM_R_O6] = {"O6", "view body replaced, same shape", I, I, false, false},
	[DM_R_O8] = {"O8", "contract unpublished", B, B, true, false},
	[DM_R_C1] = {"C1", "column removed", B, I, false, true},
	[DM_R_C2] = {"C2", "column renamed", B, B, false, true},
	[DM_R_C3] = {"C3", "column added", I, B, false, true},
	[DM_R_C4] = {"C4", "column order changed", W, W, false, true},
	[DM_R_C5] = {"C5", "type family changed", B, B, false, true},
	[DM_R_C6_BASE] = {"C6", "base type widened", B, I, false, true},
	[DM_R_C6_LENGTH] = {"C6", "length, precision or scale widened", W, I, false, true},
	[DM_R_C7_BASE] = {"C7", "base type narrowed", W, B, false, true},
	[DM_R_C7_LENGTH] = {"C7", "length, precision or scale narrowed", W, W, false, true},
	[DM_R_C7_OTHER] = {"C7", "type changed in its family, not comparable", W, W, false, true},
	[DM_R_C8] = {"C8", "required lost", B, I, false, true},
	[DM_R_C9] = {"C9", "required gained", I, B, false, true},
	[DM_R_C10] = {"C10", "uniqueness removed", B, I, false, true},
	[DM_R_C11] = {"C11", "uniqueness added", I, B, false, true},
	[DM_R_C12] = {"C12", "allowed values widened or list dropped", B, I, false, true},
	[DM_R_C13] = {"C13", "allowed values narrowed or list added", I, B, false, true},
	[DM_R_C14] = {"C14", "enum label renamed", B, B, false, true},
	[DM_R_C15] = {"C15", "bound, length or pattern loosened", W, I, false, true},
	[DM_R_C16] = {"C16", "bound, length or pattern tightened", I, W, false, true},
	[DM_R_C17] = {"C17", "PII or classification added or changed", W, W, false, true},
	[DM_R_C18] = {"C18", "PII or classification removed", B, B, true, true},
	[DM_R_C20] = {"C20", "description, business name or tags changed", I, I, false, false},
	[DM_R_G1_REMOVED] = {"G1", "quality rule removed", W, I, false, true},
	[DM_R_G1_LOOSENED] = {"G1", "quality rule loosened", W, I, false, true},
	[DM_R_G1_CHANGED] = {"G1", "quality rule changed, not comparable", W, W, false, true},
	[DM_R_G2_ADDED] = {"G2", "quality rule added", I, W, false, true},
	[DM_R_G2_TIGHTENED] = {"G2", "quality rule tightened", I, W, false, true},
	[DM_R_G3_LOOSENED] = {"G3", "SLA loosened", W, I, false, true},
	[DM_R_G3_TIGHTENED] = {"G3", "SLA tightened", I, W, false, true},
	[DM_R_G3_REMOVED] = {"G3", "SLA removed", W, I, false, true},
	[DM_R_G3_ADDED] = {"G3", "SLA added", I, W, false, true},
	[DM_R_G3_CHANGED] = {"G3", "SLA changed, not comparable", W, W, false, true},
	[DM_R_G5_EARLIER] = {"G5", "end of support moved earlier", B, B, false, false},
	[DM_R_G5_NOTICE] = {"G5", "end of support inside the notice period", B, B, false, false},
	[DM_R_G6] = {"G6", "element or contract deprecated", I, I, false, false},
	[DM_R_G7] = {"G7", "deprecated column removed after end of support", I, I, false, true},
	[DM_R_G8] = {"G8", "breaking change without a major version", B, B, true, false},
};

#undef I
#undef W
#undef B

/* what one run of dm_contract_diff works with */
typedef struct DiffState
{
	const DmContract *old_c;
	const DmContract *new_c;
	DmCompat	mode;
	bool		has_today;		/* today was a valid date */
	long long	today;			/* days since 1970-01-01 */
	DmChangeList *out;
	int			first;			/* the first change of this run in out */
	int			nshape;			/* shape or guarantee changes so far */
} DiffState;

/* a property of the old model and its counterpart in the new one */
typedef struct PropPair
{
	const DmProperty *op;
	const DmProperty *np;
	const char *name;			/* the name to print (the new one) */
	const char *obase;			/* JSON path of the property in old */
	const char *nbase;			/* JSON path in new (or old, lacking one) */
} PropPair;

/* a key and the index of its element, to sort and match */
typedef struct KeyRef
{
	const char *key;
	int			index;
} KeyRef;

/* a place in a sequence: sort key, then index */
typedef struct PosRef
{
	long long	pos;
	int			index;
	int			item;			/* what the place belongs to */
} PosRef;

/* give dm_contract_printf a format check (and -Wmissing-format-attribute) */
extern char *dm_contract_printf(const char *fmt,...) DM_PRINTF_ATTR(1, 2);

static void *default_alloc(size_t size);
static DmSeverity rule_severity(const DmRule *rule, DmCompat mode);
static void emit(DiffState *st, DmRuleKind kind, const char *path,
				 const char *old_value, const char *new_value, char *detail);
static bool streq(const char *a, const char *b);
static bool ascii_ieq(const char *a, const char *b);
static bool ascii_icontains(const char *haystack, const char *needle);
static const char *nm(const char *name);
static char *short_text(const char *s);
static char *count_text(int n, const char *singular, const char *plural);
static char *number_text(double v);
static int	safe_count(const void *array, int n);
static void *scratch(size_t count, size_t size);
static void match_keys(const char *const *okeys, int n,
					   const char *const *nkeys, int m,
					   int *omatch, int *nmatch);
static int	cmp_keyref(const void *a, const void *b);
static int	cmp_posref(const void *a, const void *b);
static int	cmp_str(const void *a, const void *b);
static const char **sorted_strings(char *const *array, int n, int *nout);
static void string_set_diff(char *const *a, int na, char *const *b, int nb,
							int *only_a, int *only_b);
static bool same_string_multiset(char *const *a, int na,
								 char *const *b, int nb);
static bool is_digit(char c);
static bool parse_semver_number(const char **p, int *out);
static bool parse_semver_identifiers(const char **p, bool prerelease);
static long long days_from_civil(long long y, int m, int d);
static char *civil_text(long long days);
static bool is_deprecated_status(const char *status);
static char *join_path(const char *base, const char *suffix);
static char *indexed_path(const char *array_path, int index);
static long long effective_position(const DmProperty *p, int index);
static bool same_property_type(const DmProperty *a, const DmProperty *b);
static const char *type_text(const DmProperty *p);
static void diff_actual(DiffState *st);
static void diff_contract_level(DiffState *st);
static void diff_text(DiffState *st, const char *path, const char *what,
					  const char *old_value, const char *new_value);
static void diff_tags(DiffState *st, const char *path, const char *what,
					  char *const *otags, int notags,
					  char *const *ntags, int nntags);
static void diff_end_of_support(DiffState *st, const char *path,
								const char *what, const char *old_eos,
								const char *new_eos);
static void diff_primary_key(DiffState *st);
static void diff_properties(DiffState *st);
static void diff_order(DiffState *st, const int *omatch);
static void diff_property(DiffState *st, const PropPair *pp);
static void diff_type(DiffState *st, const PropPair *pp);
static int	width_cmp(int o, int n);
static int	exact_width_cmp(const DmType *ot, const DmType *nt);
static void diff_valid_values(DiffState *st, const PropPair *pp);
static void diff_bounds(DiffState *st, const PropPair *pp);
static char *bound_text(bool has, double v, bool exclusive, bool minimum);
static char *length_text(int n);
static void diff_classification(DiffState *st, const PropPair *pp);
static void diff_quality_list(DiffState *st, const DmQuality *oq, int no,
							  const DmQuality *nq, int nn,
							  const char *obase, const char *nbase,
							  const char *owner, bool compare_values);
static bool same_quality(const DmQuality *a, const DmQuality *b);
static void diff_quality(DiffState *st, const DmQuality *oq,
						 const DmQuality *nq, const char *path,
						 const char *owner, bool compare_values);
static char *quality_text(const DmQuality *q);
static char *quality_label(const DmQuality *q, const char *owner);
static void diff_slas(DiffState *st);
static char *sla_key(const DmSla *s);
static char *sla_text(const DmSla *s);
static char *sla_label(const DmSla *s);
static void diff_major_version(DiffState *st);

/* ------------------------------------------------------------------------
 * Allocation and small string helpers
 * ------------------------------------------------------------------------
 */

/*
 * The default allocation hook: zeroed memory from calloc; aborts when
 * memory is exhausted, so that it never returns NULL.
 */
static void *
default_alloc(size_t size)
{
	void	   *p = calloc(1, size > 0 ? size : 1);

	if (p == NULL)
	{
		fprintf(stderr, "datamesh: out of memory\n");
		abort();
	}
	return p;
}

void	   *(*dm_contract_alloc) (size_t size) = default_alloc;

/*
 * A copy of s through the allocation hook; NULL for NULL.
 */
char *
dm_contract_strdup(const char *s)
{
	size_t		len;
	char	   *copy;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	copy = dm_contract_alloc(len + 1);
	memcpy(copy, s, len + 1);
	return copy;
}

/*
 * printf into memory from the allocation hook.  Never NULL: an encoding
 * error gives an empty string.
 */
char *
dm_contract_printf(const char *fmt,...)
{
	va_list		ap;
	int			len;
	char	   *buf;

	if (fmt == NULL)
		return dm_contract_strdup("");
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return dm_contract_strdup("");
	buf = dm_contract_alloc((size_t) len + 1);
	va_start(ap, fmt);
	vsnprintf(buf, (size_t) len + 1, fmt, ap);
	va_end(ap);
	return buf;
}

/* NULL-safe string equality: two NULLs are equal */
static bool
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* ASCII case-insensitive equality, independent of the locale */
static bool
ascii_ieq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	for (;; a++, b++)
	{
		char		ca = *a;
		char		cb = *b;

		if (ca >= 'A' && ca <= 'Z')
			ca = (char) (ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (char) (cb - 'A' + 'a');
		if (ca != cb)
			return false;
		if (ca == '\0')
			return true;
	}
}

/* whether haystack contains the lower-case ASCII needle, ignoring case */
static bool
ascii_icontains(const char *haystack, const char *needle)
{
	size_t		n = strlen(needle);
	const char *h;

	if (haystack == NULL)
		return false;
	for (h = haystack; *h != '\0'; h++)
	{
		size_t		i;

		for (i = 0; i < n; i++)
		{
			char		c = h[i];

			if (c >= 'A' && c <= 'Z')
				c = (char) (c - 'A' + 'a');
			if (c != needle[i])
				break;
		}
		if (i == n)
			return true;
	}
	return false;
}

/* a name to print: never NULL */
static const char *
nm(const char *name)
{
	return name != NULL ? name : "(unnamed)";
}

/*
 * A copy of s short enough for old_value and new_value: at most
 * DM_VALUE_MAX bytes, cut on a UTF-8 character boundary and marked with
 * "...".  NULL for NULL.
 */
static char *
short_text(const char *s)
{
	size_t		len;
	size_t		cut;
	char	   *copy;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (len <= DM_VALUE_MAX)
		return dm_contract_strdup(s);
	cut = DM_VALUE_MAX - 3;
	/* never cut inside a multi-byte character */
	while (cut > 0 && ((unsigned char) s[cut] & 0xC0) == 0x80)
		cut--;
	copy = dm_contract_alloc(cut + 4);
	memcpy(copy, s, cut);
	memcpy(copy + cut, "...", 4);
	return copy;
}

/* "1 label", "3 labels" */
static char *
count_text(int n, const char *singular, const char *plural)
{
	return dm_contract_printf("%d %s", n, n == 1 ? singular : plural);
}

/* a number as a contract would write it: 0, 2.5, 1e+20 */
static char *
number_text(double v)
{
	return dm_contract_printf("%.15g", v);
}

/* the usable length of an array: 0 when it is NULL or n is negative */
static int
safe_count(const void *array, int n)
{
	return (array != NULL && n > 0) ? n : 0;
}

/* a zeroed scratch array of count elements (at least one) */
static void *
scratch(size_t count, size_t size)
{
	return dm_contract_alloc((count > 0 ? count : 1) * size);
}

/* ------------------------------------------------------------------------
 * Sorting and matching
 * ------------------------------------------------------------------------
 */

/* KeyRef order: key, then index */
static int
cmp_keyref(const void *a, const void *b)
{
	const KeyRef *x = (const KeyRef *) a;
	const KeyRef *y = (const KeyRef *) b;
	int			c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

/* PosRef order: position, then index */
static int
cmp_posref(const void *a, const void *b)
{
	const PosRef *x = (const PosRef *) a;
	const PosRef *y = (const PosRef *) b;

	if (x->pos != y->pos)
		return (x->pos > y->pos) - (x->pos < y->pos);
	return (x->index > y->index) - (x->index < y->index);
}

/* strcmp for qsort over an array of strings */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/*
 * Pairs the elements of two lists by key: the k-th occurrence of a key in
 * the old list with the k-th occurrence in the new one, so duplicates pair
 * in order.  NULL keys never pair.  omatch[i] receives the new index of
 * old element i or -1, nmatch[j] the old index of new element j or -1.
 * O((n + m) log(n + m)).
 */
static void
match_keys(const char *const *okeys, int n, const char *const *nkeys, int m,
		   int *omatch, int *nmatch)
{
	KeyRef	   *ok = scratch((size_t) n, sizeof(KeyRef));
	KeyRef	   *nk = scratch((size_t) m, sizeof(KeyRef));
	int			no = 0;
	int			nn = 0;
	int			i;
	int			j;

	for (i = 0; i < n; i++)
	{
		omatch[i] = -1;
		if (okeys[i] != NULL)
		{
			ok[no].key = okeys[i];
			ok[no].index = i;
			no++;
		}
	}
	for (j = 0; j < m; j++)
	{
		nmatch[j] = -1;
		if (nkeys[j] != NULL)
		{
			nk[nn].key = nkeys[j];
			nk[nn].index = j;
			nn++;
		}
	}
	qsort(ok, (size_t) no, sizeof(KeyRef), cmp_keyref);
	qsort(nk, (size_t) nn, sizeof(KeyRef), cmp_keyref);
	i = 0;
	j = 0;
	while (i < no && j < nn)
	{
		int			c = strcmp(ok[i].key, nk[j].key);

		if (c == 0)
		{
			omatch[ok[i].index] = nk[j].index;
			nmatch[nk[j].index] = ok[i].index;
			i++;
			j++;
		}
		else if (c < 0)
			i++;
		else
			j++;
	}
}

/*
 * The non-NULL strings of an array, sorted (a new array of pointers to
 * the same strings); *nout receives their number.
 */
static const char **
sorted_strings(char *const *array, int n, int *nout)
{
	const char **sorted;
	int			count = 0;
	int			i;

	n = safe_count(array, n);
	sorted = scratch((size_t) n, sizeof(char *));
	for (i = 0; i < n; i++)
		if (array[i] != NULL)
			sorted[count++] = array[i];
	qsort(sorted, (size_t) count, sizeof(char *), cmp_str);
	*nout = count;
	return sorted;
}

/*
 * The number of distinct strings only in a (*only_a) and only in b
 * (*only_b).  NULL entries are ignored.
 */
static void
string_set_diff(char *const *a, int na, char *const *b, int nb,
				int *only_a, int *only_b)
{
	int			ca;
	int			cb;
	const char **sa = sorted_strings(a, na, &ca);
	const char **sb = sorted_strings(b, nb, &cb);
	int			i = 0;
	int			j = 0;

	*only_a = 0;
	*only_b = 0;
	while (i < ca || j < cb)
	{
		int			c;
		const char *cur;

		if (i >= ca)
			c = 1;
		else if (j >= cb)
			c = -1;
		else
			c = strcmp(sa[i], sb[j]);
		if (c < 0)
			(*only_a)++;
		else if (c > 0)
			(*only_b)++;
		/* skip every copy of the current string on both sides */
		cur = c <= 0 ? sa[i] : sb[j];
		while (i < ca && strcmp(sa[i], cur) == 0)
			i++;
		while (j < cb && strcmp(sb[j], cur) == 0)
			j++;
	}
}

/* whether two arrays hold the same strings, counting copies, in any order */
static bool
same_string_multiset(char *const *a, int na, char *const *b, int nb)
{
	int			ca;
	int			cb;
	const char **sa = sorted_strings(a, na, &ca);
	const char **sb = sorted_strings(b, nb, &cb);
	int			i;

	if (ca != cb)
		return false;
	for (i = 0; i < ca; i++)
		if (strcmp(sa[i], sb[i]) != 0)
			return false;
	return true;
}

/* ------------------------------------------------------------------------
 * Versions and dates
 * ------------------------------------------------------------------------
 */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A numeric part of a version at *p: digits, no leading zero, at most
 * INT_MAX.  Advances *p.
 */
static bool
parse_semver_number(const char **p, int *out)
{
	const char *s = *p;
	long long	v = 0;

	if (!is_digit(*s))
		return false;
	if (*s == '0' && is_digit(s[1]))
		return false;
	while (is_digit(*s))
	{
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return false;
		s++;
	}
	*out = (int) v;
	*p = s;
	return true;
}

/*
 * Dot-separated non-empty identifiers of [0-9A-Za-z-] at *p; in a
 * pre-release, a numeric identifier has no leading zero.  Advances *p.
 */
static bool
parse_semver_identifiers(const char **p, bool prerelease)
{
	const char *s = *p;

	for (;;)
	{
		const char *start = s;
		bool		numeric = true;

		while (is_digit(*s) || (*s >= 'a' && *s <= 'z') ||
			   (*s >= 'A' && *s <= 'Z') || *s == '-')
		{
			if (!is_digit(*s))
				numeric = false;
			s++;
		}
		if (s == start)
			return false;
		if (prerelease && numeric && *start == '0' && s - start > 1)
			return false;
		if (*s != '.')
			break;
		s++;
	}
	*p = s;
	return true;
}

/*
 * Parses a semantic version 2.0.0 (MAJOR.MINOR.PATCH, then optionally
 * -pre.release and +build.meta).  On success fills the three numbers (any
 * of the pointers may be NULL); on failure sets them to 0.
 */
bool
dm_contract_parse_semver(const char *text, int *major, int *minor,
						 int *patch)
{
	const char *p = text;
	int			v[3] = {0, 0, 0};
	bool		ok = false;

	if (p != NULL &&
		parse_semver_number(&p, &v[0]) && *p++ == '.' &&
		parse_semver_number(&p, &v[1]) && *p++ == '.' &&
		parse_semver_number(&p, &v[2]))
	{
		ok = true;
		if (*p == '-')
		{
			p++;
			ok = parse_semver_identifiers(&p, true);
		}
		if (ok && *p == '+')
		{
			p++;
			ok = parse_semver_identifiers(&p, false);
		}
		if (ok && *p != '\0')
			ok = false;
	}
	if (!ok)
		v[0] = v[1] = v[2] = 0;
	if (major != NULL)
		*major = v[0];
	if (minor != NULL)
		*minor = v[1];
	if (patch != NULL)
		*patch = v[2];
	return ok;
}

/*
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil).
 */
static long long
days_from_civil(long long y, int m, int d)
{
	long long	era;
	long long	yoe;
	long long	doy;
	long long	doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* the date (YYYY-MM-DD) of a day number, the inverse of days_from_civil */
static char *
civil_text(long long days)
{
	long long	z = days + 719468;
	long long	era = (z >= 0 ? z : z - 146096) / 146097;
	long long	doe = z - era * 146097;
	long long	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long	y = yoe + era * 400;
	long long	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long	mp = (5 * doy + 2) / 153;
	int			d = (int) (doy - (153 * mp + 2) / 5 + 1);
	int			m = (int) (mp < 10 ? mp + 3 : mp - 9);

	if (m <= 2)
		y++;
	return dm_contract_printf("%04lld-%02d-%02d", y, m, d);
}

/*
 * Parses exactly "YYYY-MM-DD" (a real date, year 0001 to 9999) into a day
 * number.  Anything else is no date: the caller treats it as absent.
 */
bool
dm_contract_parse_date(const char *s, long long *days)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y;
	int			m;
	int			d;
	int			dim;
	int			i;

	if (s == NULL)
		return false;
	for (i = 0; i < 10; i++)
	{
		if (i == 4 || i == 7)
		{
			if (s[i] != '-')
				return false;
		}
		else if (!is_digit(s[i]))
			return false;
	}
	if (s[10] != '\0')
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	dim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d > dim)
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

/* ------------------------------------------------------------------------
 * Names, properties
 * ------------------------------------------------------------------------
 */

/*
 * The name of a compatibility mode as the "compatibility" custom property
 * spells it.  NONE has no transitive variant.
 */
const char *
dm_contract_compat_name(DmCompat mode, bool transitive)
{
	switch (mode)
	{
		case DM_COMPAT_FORWARD:
			return transitive ? "FORWARD_TRANSITIVE" : "FORWARD";
		case DM_COMPAT_BACKWARD:
			return transitive ? "BACKWARD_TRANSITIVE" : "BACKWARD";
		case DM_COMPAT_FULL:
			return transitive ? "FULL_TRANSITIVE" : "FULL";
		case DM_COMPAT_NONE:
			return "NONE";
	}
	return "UNKNOWN";
}

/* "info", "warning" or "breaking" */
const char *
dm_contract_severity_name(DmSeverity severity)
{
	switch (severity)
	{
		case DM_SEV_INFO:
			return "info";
		case DM_SEV_WARNING:
			return "warning";
		case DM_SEV_BREAKING:
			return "breaking";
	}
	return "unknown";
}

/*
 * The first property of c named name, or NULL (also for a NULL contract
 * or name).
 */
const DmProperty *
dm_contract_property(const DmContract *c, const char *name)
{
	int			n;
	int			i;

	if (c == NULL || name == NULL)
		return NULL;
	n = safe_count(c->props, c->nprops);
	for (i = 0; i < n; i++)
		if (c->props[i].name != NULL && strcmp(c->props[i].name, name) == 0)
			return &c->props[i];
	return NULL;
}

/* the worst severity of a list; info for an empty or NULL list */
DmSeverity
dm_contract_worst(const DmChangeList *changes)
{
	DmSeverity	worst = DM_SEV_INFO;
	int			n;
	int			i;

	if (changes == NULL)
		return worst;
	n = safe_count(changes->items, changes->n);
	for (i = 0; i < n; i++)
		if (changes->items[i].severity > worst)
			worst = changes->items[i].severity;
	return worst;
}

/* whether a contract status says deprecated */
static bool
is_deprecated_status(const char *status)
{
	return status != NULL && ascii_ieq(status, "deprecated");
}

/* base + suffix, a new string */
static char *
join_path(const char *base, const char *suffix)
{
	return dm_contract_printf("%s%s", base, suffix);
}

/* array_path[index], a new string */
static char *
indexed_path(const char *array_path, int index)
{
	return dm_contract_printf("%s[%d]", array_path, index);
}

/* the place of a property: its position if it has one, else its index */
static long long
effective_position(const DmProperty *p, int index)
{
	return p->position > 0 ? p->position : (long long) index + 1;
}

/*
 * Whether two properties have the same type, for rename detection: the
 * same OID and typmod when both are resolved, else the same logical type.
 */
static bool
same_property_type(const DmProperty *a, const DmProperty *b)
{
	if (a->type.oid != 0 && b->type.oid != 0)
		return a->type.oid == b->type.oid && a->type.typmod == b->type.typmod;
	if (a->logical_type != NULL && b->logical_type != NULL)
		return ascii_ieq(a->logical_type, b->logical_type);
	return false;
}

/* the type of a property as written: physical, else logical; or NULL */
static const char *
type_text(const DmProperty *p)
{
	return p->type.physical != NULL ? p->type.physical : p->logical_type;
}

/* ------------------------------------------------------------------------
 * Severities and the change list
 * ------------------------------------------------------------------------
 */

/*
 * The severity of a rule under a mode: FORWARD and BACKWARD from the
 * table, FULL the worse of both, NONE info except for governance rules,
 * which keep the worse of both.  A mode out of range counts as FULL.
 */
static DmSeverity
rule_severity(const DmRule *rule, DmCompat mode)
{
	DmSeverity	worse = rule->forward > rule->backward ?
	rule->forward : rule->backward;

	switch (mode)
	{
		case DM_COMPAT_FORWARD:
			return rule->forward;
		case DM_COMPAT_BACKWARD:
			return rule->backward;
		case DM_COMPAT_NONE:
			return rule->governance ? worse : DM_SEV_INFO;
		case DM_COMPAT_FULL:
			return worse;
	}
	return worse;
}

/*
 * Appends one change to st->out, growing the array through the hook
 * (the old array is left to the caller's context).  old_value and
 * new_value are copied short; path and detail are taken as they are.
 */
static void
emit(DiffState *st, DmRuleKind kind, const char *path,
	 const char *old_value, const char *new_value, char *detail)
{
	DmChangeList *out = st->out;
	const DmRule *rule = &dm_rules[kind];
	DmChange   *ch;

	if (out->n >= out->cap)
	{
		int			cap;
		DmChange   *items;

		if (out->cap < 8)
			cap = 16;
		else if (out->cap <= INT_MAX / 2)
			cap = out->cap * 2;
		else if (out->cap < INT_MAX)
			cap = INT_MAX;
		else
			return;				/* cannot grow: drop rather than overflow */
		items = dm_contract_alloc(sizeof(DmChange) * (size_t) cap);
		if (out->n > 0)
			memcpy(items, out->items, sizeof(DmChange) * (size_t) out->n);
		out->items = items;
		out->cap = cap;
	}
	ch = &out->items[out->n++];
	ch->rule = rule->id;
	ch->path = dm_contract_strdup(path != NULL ? path : "$");
	ch->severity = rule_severity(rule, st->mode);
	ch->old_value = short_text(old_value);
	ch->new_value = short_text(new_value);
	ch->detail = detail;
	if (rule->shape)
		st->nshape++;
}

/* ------------------------------------------------------------------------
 * The diff
 * ------------------------------------------------------------------------
 */

/*
 * Appends to *out every change from old_c to new_c with its severity
 * under mode; see contract.h.  today ("YYYY-MM-DD", or NULL) decides C1
 * versus G7 and the notice period of G5.  NULL models or list do nothing.
 */
void
dm_contract_diff(const DmContract *old_c, const DmContract *new_c,
				 DmCompat mode, const char *today, DmChangeList *out)
{
	DiffState	st;
	bool		columns = true;

	if (old_c == NULL || new_c == NULL || out == NULL)
		return;
	/* a list the caller did not initialise sanely starts over */
	if (out->n < 0 || out->cap < 0 || out->n > out->cap ||
		(out->items == NULL && out->cap > 0))
	{
		out->items = NULL;
		out->n = 0;
		out->cap = 0;
	}

	memset(&st, 0, sizeof(st));
	st.old_c = old_c;
	st.new_c = new_c;
	st.mode = mode;
	st.has_today = dm_contract_parse_date(today, &st.today);
	st.out = out;
	st.first = out->n;

	if (new_c->is_actual)
	{
		diff_actual(&st);
		/* a view that is gone has no columns to compare */
		columns = new_c->exists;
	}
	else if (!old_c->is_actual && old_c->physical_name != NULL &&
			 new_c->physical_name != NULL &&
			 strcmp(old_c->physical_name, new_c->physical_name) != 0)
		emit(&st, DM_R_O2, DM_SCHEMA_PATH ".physicalName",
			 old_c->physical_name, new_c->physical_name,
			 dm_contract_printf("The product view moved from %s to %s.",
								old_c->physical_name, new_c->physical_name));

	diff_contract_level(&st);
	if (columns)
	{
		diff_primary_key(&st);
		diff_properties(&st);
		diff_quality_list(&st, old_c->quality, old_c->nquality,
						  new_c->quality, new_c->nquality,
						  DM_SCHEMA_PATH ".quality", DM_SCHEMA_PATH ".quality",
						  "the product", true);
	}
	diff_slas(&st);

	if (new_c->is_actual && new_c->exists && new_c->redefined &&
		st.nshape == 0)
		emit(&st, DM_R_O6, DM_SCHEMA_PATH, NULL, NULL,
			 dm_contract_strdup("The view's definition was replaced; its columns and guarantees are unchanged."));

	if (!old_c->is_actual && !new_c->is_actual)
		diff_major_version(&st);
}

/*
 * O1, O2, O3 and O8: what only an actual model can say.  O3 is reported
 * only for a view that exists (a dropped view is O1, not also O3).
 */
static void
diff_actual(DiffState *st)
{
	const DmContract *o = st->old_c;
	const DmContract *n = st->new_c;

	if (!n->exists)
	{
		if (n->moved_to != NULL)
			emit(st, DM_R_O2, DM_SCHEMA_PATH ".physicalName",
				 o->physical_name, n->moved_to,
				 dm_contract_printf("The product view %s was renamed or moved to %s.",
									nm(o->physical_name), n->moved_to));
		else
			emit(st, DM_R_O1, DM_SCHEMA_PATH ".physicalName",
				 o->physical_name, NULL,
				 dm_contract_printf("The product view %s was dropped.",
									nm(o->physical_name)));
	}
	else if (!n->consumer_select)
		emit(st, DM_R_O3, DM_SCHEMA_PATH, "SELECT", NULL,
			 dm_contract_strdup("The consumer role can no longer SELECT from the product view."));
	if (n->unpublished)
		emit(st, DM_R_O8, "$", "published", "unpublished",
			 dm_contract_strdup("The product is no longer published: its contract is not enforced."));
}

/*
 * Contract-level changes: name, description and tags (C20), status
 * deprecated (G6), contract end of support (G5).
 */
static void
diff_contract_level(DiffState *st)
{
	const DmContract *o = st->old_c;
	const DmContract *n = st->new_c;

	diff_text(st, "$.name", "The contract name", o->name, n->name);
	diff_text(st, "$.description.purpose", "The contract description",
			  o->description, n->description);
	diff_tags(st, "$.tags", "the contract", o->tags, o->ntags,
			  n->tags, n->ntags);
	if (!is_deprecated_status(o->status) && is_deprecated_status(n->status))
		emit(st, DM_R_G6, "$.status", o->status, n->status,
			 dm_contract_strdup("The contract is now deprecated."));
	diff_end_of_support(st, "$.customProperties", "the contract",
						o->end_of_support, n->end_of_support);
}

/*
 * C20 for one text: set, removed or changed.  what starts the sentence
 * ("The description of column \"x\"").
 */
static void
diff_text(DiffState *st, const char *path, const char *what,
		  const char *old_value, const char *new_value)
{
	char	   *detail;

	if (streq(old_value, new_value))
		return;
	if (old_value == NULL)
		detail = dm_contract_printf("%s was set.", what);
	else if (new_value == NULL)
		detail = dm_contract_printf("%s was removed.", what);
	else
		detail = dm_contract_printf("%s changed.", what);
	emit(st, DM_R_C20, path, old_value, new_value, detail);
}

/* C20 for tags, compared as a multiset; values are counts */
static void
diff_tags(DiffState *st, const char *path, const char *what,
		  char *const *otags, int notags, char *const *ntags, int nntags)
{
	int			co = safe_count(otags, notags);
	int			cn = safe_count(ntags, nntags);

	if (same_string_multiset(otags, co, ntags, cn))
		return;
	emit(st, DM_R_C20, path, count_text(co, "tag", "tags"),
		 count_text(cn, "tag", "tags"),
		 dm_contract_printf("The tags of %s changed.", what));
}

/*
 * G5 for one end of support: moved earlier than before, or newly set
 * earlier than today plus the notice period (the old version's or the
 * new one's, the longer: dropping it does not shorten it).  Dates that do
 * not parse count as absent.
 */
static void
diff_end_of_support(DiffState *st, const char *path, const char *what,
					const char *old_eos, const char *new_eos)
{
	long long	od;
	long long	nd;
	bool		has_old = dm_contract_parse_date(old_eos, &od);
	bool		has_new = dm_contract_parse_date(new_eos, &nd);
	/* the notice the readers were promised: the old version's, or more */
	int			old_notice = st->old_c ? st->old_c->notice_days : -1;
	int			new_notice = st->new_c ? st->new_c->notice_days : -1;
	int			notice = new_notice > old_notice ? new_notice : old_notice;

	if (!has_new)
		return;
	if (has_old)
	{
		if (nd < od)
			emit(st, DM_R_G5_EARLIER, path, old_eos, new_eos,
				 dm_contract_printf("The end of support of %s moved earlier, from %s to %s.",
									what, old_eos, new_eos));
	}
	else if (notice >= 0 && st->has_today && nd < st->today + notice)
	{
		char	   *earliest = civil_text(st->today + notice);

		emit(st, DM_R_G5_NOTICE, path, NULL, new_eos,
			 dm_contract_printf("The end of support of %s (%s) is inside the notice period of %d days: the earliest allowed date is %s.",
								what, new_eos, notice, earliest));
	}
}

/*
 * O4: the primary key of old (its properties in primary_key_position
 * order) is not the primary key of new.
 */
static void
diff_primary_key(DiffState *st)
{
	const DmContract *models[2] = {st->old_c, st->new_c};
	const char **names[2];
	char	   *text[2];
	int			count[2];
	int			k;
	int			i;
	bool		same;

	for (k = 0; k < 2; k++)
	{
		const DmContract *c = models[k];
		int			n = safe_count(c->props, c->nprops);
		PosRef	   *refs = scratch((size_t) n, sizeof(PosRef));
		size_t		len = 0;
		int			m = 0;

		for (i = 0; i < n; i++)
			if (c->props[i].primary_key)
			{
				refs[m].pos = c->props[i].primary_key_position;
				refs[m].index = i;
				m++;
			}
		qsort(refs, (size_t) m, sizeof(PosRef), cmp_posref);
		names[k] = scratch((size_t) m, sizeof(char *));
		for (i = 0; i < m; i++)
		{
			names[k][i] = nm(c->props[refs[i].index].name);
			len += strlen(names[k][i]) + 2;
		}
		count[k] = m;
		/* "a, b, c" */
		text[k] = NULL;
		if (m > 0)
		{
			char	   *p;

			text[k] = dm_contract_alloc(len + 1);
			p = text[k];
			for (i = 0; i < m; i++)
			{
				size_t		l = strlen(names[k][i]);

				if (i > 0)
				{
					memcpy(p, ", ", 2);
					p += 2;
				}
				memcpy(p, names[k][i], l);
				p += l;
			}
			*p = '\0';
		}
	}
	if (count[0] == 0)
		return;
	same = count[0] == count[1];
	for (i = 0; same && i < count[0]; i++)
		same = strcmp(names[0][i], names[1][i]) == 0;
	if (same)
		return;
	if (count[1] == 0)
		emit(st, DM_R_O4, DM_SCHEMA_PATH ".properties", text[0], NULL,
			 dm_contract_printf("The primary key (%s) was removed.", text[0]));
	else
		emit(st, DM_R_O4, DM_SCHEMA_PATH ".properties", text[0], text[1],
			 dm_contract_printf("The primary key changed from (%s) to (%s).",
								text[0], text[1]));
}

/*
 * Columns: matched by name; an unmatched old column with an unmatched new
 * one at the same position and of the same type is a rename (C2), else a
 * removal (C1, or G7 after a deprecation ran out); an unmatched new column
 * is an addition (C3).  Then the order of the common columns (C4), and
 * each pair in detail.
 */
static void
diff_properties(DiffState *st)
{
	const DmContract *o = st->old_c;
	const DmContract *n = st->new_c;
	int			no = safe_count(o->props, o->nprops);
	int			nn = safe_count(n->props, n->nprops);
	const char **okeys = scratch((size_t) no, sizeof(char *));
	const char **nkeys = scratch((size_t) nn, sizeof(char *));
	int		   *omatch = scratch((size_t) no, sizeof(int));
	int		   *nmatch = scratch((size_t) nn, sizeof(int));
	int		   *renamed = scratch((size_t) no, sizeof(int));
	bool	   *rename_target = scratch((size_t) nn, sizeof(bool));
	int			i;
	int			j;

	for (i = 0; i < no; i++)
		okeys[i] = o->props[i].name;
	for (j = 0; j < nn; j++)
		nkeys[j] = n->props[j].name;
	match_keys(okeys, no, nkeys, nn, omatch, nmatch);

	/* renames: quadratic over the unmatched columns only */
	for (i = 0; i < no; i++)
	{
		renamed[i] = -1;
		if (omatch[i] >= 0)
			continue;
		for (j = 0; j < nn; j++)
		{
			if (nmatch[j] >= 0 || rename_target[j])
				continue;
			if (effective_position(&o->props[i], i) ==
				effective_position(&n->props[j], j) &&
				same_property_type(&o->props[i], &n->props[j]))
			{
				renamed[i] = j;
				rename_target[j] = true;
				break;
			}
		}
	}

	diff_order(st, omatch);

	for (i = 0; i < no; i++)
	{
		const DmProperty *op = &o->props[i];
		PropPair	pp;

		j = omatch[i] >= 0 ? omatch[i] : renamed[i];
		memset(&pp, 0, sizeof(pp));
		pp.op = op;
		pp.obase = op->path != NULL ? op->path :
			indexed_path(DM_SCHEMA_PATH ".properties", i);
		if (j < 0)
		{
			const char *eos = op->end_of_support;
			long long	eday;
			bool		has_eos = dm_contract_parse_date(eos, &eday);

			if (!has_eos)
			{
				eos = o->end_of_support;
				has_eos = dm_contract_parse_date(eos, &eday);
			}
			if ((op->deprecated || is_deprecated_status(o->status)) &&
				has_eos && st->has_today && eday <= st->today)
				emit(st, DM_R_G7, pp.obase, op->name, NULL,
					 dm_contract_printf("Deprecated column \"%s\" was removed after its end of support (%s).",
										nm(op->name), eos));
			else
				emit(st, DM_R_C1, pp.obase, op->name, NULL,
					 dm_contract_printf("Column \"%s\" was removed.",
										nm(op->name)));
			continue;
		}
		pp.np = &n->props[j];
		pp.name = nm(pp.np->name);
		pp.nbase = pp.np->path != NULL ? pp.np->path :
			op->path != NULL ? op->path :
			indexed_path(DM_SCHEMA_PATH ".properties", j);
		if (omatch[i] < 0)
			emit(st, DM_R_C2, pp.nbase, op->name, pp.np->name,
				 dm_contract_printf("Column \"%s\" was renamed to \"%s\".",
									nm(op->name), pp.name));
		diff_property(st, &pp);
	}

	for (j = 0; j < nn; j++)
	{
		const DmProperty *np = &n->props[j];

		if (nmatch[j] >= 0 || rename_target[j])
			continue;
		emit(st, DM_R_C3,
			 np->path != NULL ? np->path :
			 indexed_path(DM_SCHEMA_PATH ".properties", j),
			 NULL, np->name,
			 dm_contract_printf("Column \"%s\" was added.", nm(np->name)));
	}
}

/*
 * C4: the common columns (matched by name) are not in the same relative
 * order.  Reports how many moved: the common columns outside a longest
 * increasing subsequence, O(n log n).
 */
static void
diff_order(DiffState *st, const int *omatch)
{
	const DmContract *o = st->old_c;
	const DmContract *n = st->new_c;
	int			no = safe_count(o->props, o->nprops);
	PosRef	   *orefs = scratch((size_t) no, sizeof(PosRef));
	PosRef	   *nrefs = scratch((size_t) no, sizeof(PosRef));
	int		   *new_rank = scratch((size_t) no, sizeof(int));
	int		   *tails = scratch((size_t) no, sizeof(int));
	int			m = 0;
	int			lis = 0;
	int			i;

	for (i = 0; i < no; i++)
	{
		int			j = omatch[i];

		if (j < 0)
			continue;
		orefs[m].pos = effective_position(&o->props[i], i);
		orefs[m].index = i;
		orefs[m].item = m;
		nrefs[m].pos = effective_position(&n->props[j], j);
		nrefs[m].index = j;
		nrefs[m].item = m;
		m++;
	}
	if (m < 2)
		return;
	qsort(orefs, (size_t) m, sizeof(PosRef), cmp_posref);
	qsort(nrefs, (size_t) m, sizeof(PosRef), cmp_posref);
	for (i = 0; i < m; i++)
		new_rank[nrefs[i].item] = i;
	/* the longest increasing run of new ranks, in old order */
	for (i = 0; i < m; i++)
	{
		int			r = new_rank[orefs[i].item];
		int			lo = 0;
		int			hi = lis;

		while (lo < hi)
		{
			int			mid = lo + (hi - lo) / 2;

			if (tails[mid] < r)
				lo = mid + 1;
			else
				hi = mid;
		}
		tails[lo] = r;
		if (lo == lis)
			lis++;
	}
	if (lis == m)
		return;
	emit(st, DM_R_C4, DM_SCHEMA_PATH ".properties",
		 count_text(m, "common column", "common columns"),
		 count_text(m - lis, "column moved", "columns moved"),
		 dm_contract_printf("The order of the columns changed: %d of %d common columns moved.",
							m - lis, m));
}

/*
 * Everything about one column that exists on both sides (same name, or
 * renamed): type, nullability, uniqueness, allowed values, bounds,
 * classification, documentation, deprecation, end of support, quality.
 */
static void
diff_property(DiffState *st, const PropPair *pp)
{
	const DmProperty *op = pp->op;
	const DmProperty *np = pp->np;
	bool		ounique = op->unique || op->primary_key;
	bool		nunique = np->unique || np->primary_key;
	char	   *what;
	char	   *owner;

	diff_type(st, pp);

	if (op->required && !np->required)
		emit(st, DM_R_C8, join_path(pp->nbase, ".required"), "true", "false",
			 dm_contract_printf("Column \"%s\" is no longer required.", pp->name));
	else if (!op->required && np->required)
		emit(st, DM_R_C9, join_path(pp->nbase, ".required"), "false", "true",
			 dm_contract_printf("Column \"%s\" is now required.", pp->name));

	if (ounique && !nunique)
		emit(st, DM_R_C10, join_path(pp->nbase, ".unique"), "true", "false",
			 dm_contract_printf("Column \"%s\" is no longer unique.", pp->name));
	else if (!ounique && nunique)
		emit(st, DM_R_C11, join_path(pp->nbase, ".unique"), "false", "true",
			 dm_contract_printf("Column \"%s\" is now unique.", pp->name));

	diff_valid_values(st, pp);
	diff_bounds(st, pp);
	diff_classification(st, pp);

	what = dm_contract_printf("The description of column \"%s\"", pp->name);
	diff_text(st, join_path(pp->nbase, ".description"), what,
			  op->description, np->description);
	what = dm_contract_printf("The business name of column \"%s\"", pp->name);
	diff_text(st, join_path(pp->nbase, ".businessName"), what,
			  op->business_name, np->business_name);
	what = dm_contract_printf("column \"%s\"", pp->name);
	diff_tags(st, join_path(pp->nbase, ".tags"), what,
			  op->tags, op->ntags, np->tags, np->ntags);

	if (!op->deprecated && np->deprecated)
		emit(st, DM_R_G6, join_path(pp->nbase, ".customProperties"),
			 "false", "true",
			 dm_contract_printf("Column \"%s\" is now deprecated.", pp->name));
	diff_end_of_support(st, join_path(pp->nbase, ".customProperties"), what,
						op->end_of_support, np->end_of_support);

	owner = dm_contract_printf("column \"%s\"", pp->name);
	/* allowed values of a property are C12/C13 already, not G1/G2 */
	diff_quality_list(st, op->quality, op->nquality, np->quality, np->nquality,
					  join_path(pp->obase, ".quality"),
					  join_path(pp->nbase, ".quality"), owner, false);
}

/*
 * 1 when a length (or precision, or scale) n is wider than o, -1 when
 * narrower, 0 when the same; any negative value is unbounded.
 */
static int
width_cmp(int o, int n)
{
	if (o < 0 && n < 0)
		return 0;
	if (n < 0)
		return 1;
	if (o < 0)
		return -1;
	return (n > o) - (n < o);
}

/*
 * width_cmp for numeric(p,s): wider only if neither the integer digits
 * (p - s) nor the scale shrink; narrower if either does (mixed changes
 * count as narrower, the worse of both).
 */
static int
exact_width_cmp(const DmType *ot, const DmType *nt)
{
	long long	os;
	long long	ns;
	int			ci;
	int			cs;

	if (ot->length < 0 || nt->length < 0)
		return width_cmp(ot->length, nt->length);
	os = ot->scale > 0 ? ot->scale : 0;
	ns = nt->scale > 0 ? nt->scale : 0;
	ci = ((nt->length - ns) > (ot->length - os)) -
		((nt->length - ns) < (ot->length - os));
	cs = (ns > os) - (ns < os);
	if (ci < 0 || cs < 0)
		return -1;
	return ci > 0 || cs > 0;
}

/*
 * C5, C6, C7 for a column's type.  Resolved types (family known on both
 * sides) are compared by OID and typmod, family, base rank, then length,
 * precision and scale; unresolved ones by logical type only.  Two enums
 * of different OIDs are compared by their labels (diff_valid_values).
 */
static void
diff_type(DiffState *st, const PropPair *pp)
{
	const DmType *ot = &pp->op->type;
	const DmType *nt = &pp->np->type;
	const char *otext = type_text(pp->op);
	const char *ntext = type_text(pp->np);
	const char *ot_s = otext != NULL ? otext : "an unspecified type";
	const char *nt_s = ntext != NULL ? ntext : "an unspecified type";
	char	   *path;
	int			cmp;

	path = join_path(pp->nbase, pp->np->type.physical != NULL ?
					 ".physicalType" : ".logicalType");
	if (ot->family == DM_TF_UNKNOWN || nt->family == DM_TF_UNKNOWN)
	{
		if (pp->op->logical_type != NULL && pp->np->logical_type != NULL &&
			!ascii_ieq(pp->op->logical_type, pp->np->logical_type))
			emit(st, DM_R_C5, join_path(pp->nbase, ".logicalType"),
				 pp->op->logical_type, pp->np->logical_type,
				 dm_contract_printf("Column \"%s\" changed type from %s to %s.",
									pp->name, pp->op->logical_type,
									pp->np->logical_type));
		return;
	}
	if (ot->oid != 0 && ot->oid == nt->oid && ot->typmod == nt->typmod)
		return;
	if (ot->family != nt->family)
	{
		emit(st, DM_R_C5, path, otext, ntext,
			 dm_contract_printf("Column \"%s\" changed type from %s to %s.",
								pp->name, ot_s, nt_s));
		return;
	}
	switch (ot->family)
	{
		case DM_TF_ENUM:
			/* labels are compared by diff_valid_values */
			return;
		case DM_TF_OTHER:
		case DM_TF_ARRAY:
			/* no order inside these: only the same OID is the same type */
			if (ot->oid != nt->oid)
				emit(st, DM_R_C5, path, otext, ntext,
					 dm_contract_printf("Column \"%s\" changed type from %s to %s.",
										pp->name, ot_s, nt_s));
			return;
		default:
			break;
	}
	if (nt->base_rank > ot->base_rank)
	{
		emit(st, DM_R_C6_BASE, path, otext, ntext,
			 dm_contract_printf("Column \"%s\" widened its type from %s to %s.",
								pp->name, ot_s, nt_s));
		return;
	}
	if (nt->base_rank < ot->base_rank)
	{
		emit(st, DM_R_C7_BASE, path, otext, ntext,
			 dm_contract_printf("Column \"%s\" narrowed its type from %s to %s.",
								pp->name, ot_s, nt_s));
		return;
	}
	if (ot->family == DM_TF_EXACT)
		cmp = exact_width_cmp(ot, nt);
	else
	{
		int			cl = width_cmp(ot->length, nt->length);
		int			cs = width_cmp(ot->scale, nt->scale);

		cmp = (cl < 0 || cs < 0) ? -1 : (cl > 0 || cs > 0);
	}
	if (cmp > 0)
		emit(st, DM_R_C6_LENGTH, path, otext, ntext,
			 dm_contract_printf("Column \"%s\" widened its type from %s to %s.",
								pp->name, ot_s, nt_s));
	else if (cmp < 0)
		emit(st, DM_R_C7_LENGTH, path, otext, ntext,
			 dm_contract_printf("Column \"%s\" narrowed its type from %s to %s.",
								pp->name, ot_s, nt_s));
	else if (ot->oid != nt->oid || ot->typmod != nt->typmod)
		emit(st, DM_R_C7_OTHER, path, otext, ntext,
			 dm_contract_printf("Column \"%s\" changed its type from %s to %s, which cannot be ranked.",
								pp->name, ot_s, nt_s));
}

/*
 * C12, C13, C14: allowed values (an enum's labels or validValues).  One
 * label replaced at the same place, nothing else changed, is a rename
 * (C14); otherwise added values are C12 and dropped ones C13.  Values are
 * reported as counts, a renamed label by name.
 */
static void
diff_valid_values(DiffState *st, const PropPair *pp)
{
	const DmProperty *op = pp->op;
	const DmProperty *np = pp->np;
	int			co = safe_count(op->valid_values, op->nvalid_values);
	int			cn = safe_count(np->valid_values, np->nvalid_values);
	bool		labels = op->type.family == DM_TF_ENUM &&
		np->type.family == DM_TF_ENUM;
	const char *one = labels ? "label" : "value";
	const char *many = labels ? "labels" : "values";
	const char *path = pp->nbase;
	int			added;
	int			dropped;
	int			i;

	if (!op->has_valid_values && !np->has_valid_values)
		return;
	if (op->has_valid_values && !np->has_valid_values)
	{
		emit(st, DM_R_C12, pp->obase, count_text(co, one, many), NULL,
			 dm_contract_printf("Column \"%s\" no longer restricts its values to a list.",
								pp->name));
		return;
	}
	if (!op->has_valid_values)
	{
		emit(st, DM_R_C13, path, NULL, count_text(cn, one, many),
			 dm_contract_printf("Column \"%s\" now restricts its values to a list of %d.",
								pp->name, cn));
		return;
	}

	/* a rename: same count, exactly one place differs, a genuinely new name */
	if (co == cn)
	{
		int			diffs = 0;
		int			at = -1;

		for (i = 0; i < co && diffs < 2; i++)
			if (!streq(op->valid_values[i], np->valid_values[i]))
			{
				diffs++;
				at = i;
			}
		if (diffs == 1 && op->valid_values[at] != NULL &&
			np->valid_values[at] != NULL)
		{
			bool		fresh = true;

			for (i = 0; i < co && fresh; i++)
				if (streq(op->valid_values[i], np->valid_values[at]) ||
					streq(np->valid_values[i], op->valid_values[at]))
					fresh = false;
			if (fresh)
			{
				emit(st, DM_R_C14, path, op->valid_values[at],
					 np->valid_values[at],
					 dm_contract_printf("Column \"%s\" renamed an allowed %s from \"%s\" to \"%s\".",
										pp->name, one, op->valid_values[at],
										np->valid_values[at]));
				return;
			}
		}
	}

	string_set_diff(np->valid_values, cn, op->valid_values, co,
					&added, &dropped);
	if (added > 0)
		emit(st, DM_R_C12, path, count_text(co, one, many),
			 count_text(cn, one, many),
			 dm_contract_printf("Column \"%s\" allows more values: %s added.",
								pp->name, count_text(added, one, many)));
	if (dropped > 0)
		emit(st, DM_R_C13, path, count_text(co, one, many),
			 count_text(cn, one, many),
			 dm_contract_printf("Column \"%s\" allows fewer values: %s dropped.",
								pp->name, count_text(dropped, one, many)));
}

/* ">= 0", "> 0", "<= 10", "< 10"; NULL without a bound */
static char *
bound_text(bool has, double v, bool exclusive, bool minimum)
{
	if (!has)
		return NULL;
	return dm_contract_printf("%s %s",
							  minimum ? (exclusive ? ">" : ">=") :
							  (exclusive ? "<" : "<="),
							  number_text(v));
}

/* a length as text; NULL for none (negative) */
static char *
length_text(int n)
{
	return n >= 0 ? dm_contract_printf("%d", n) : NULL;
}

/*
 * C15 or C16 for one numeric bound of logicalTypeOptions: the minimum
 * (upper false: lower or dropped is looser) or the maximum (upper true:
 * higher or dropped is looser); at the same value an exclusive bound is
 * the tighter one.
 */
static void
diff_bound(DiffState *st, const PropPair *pp, bool upper,
		   bool has_o, double o, bool excl_o, bool has_n, double n, bool excl_n)
{
	int			c = 0;
	const char *key;

	if (has_o && !has_n)
		c = -1;
	else if (!has_o && has_n)
		c = 1;
	else if (has_o)
	{
		if (upper ? n > o : n < o)
			c = -1;
		else if (upper ? n < o : n > o)
			c = 1;
		else if (excl_o != excl_n)
			c = excl_n ? 1 : -1;
	}
	if (c == 0)
		return;
	key = (has_n ? excl_n : excl_o) ?
		(upper ? ".logicalTypeOptions.exclusiveMaximum" : ".logicalTypeOptions.exclusiveMinimum") :
		(upper ? ".logicalTypeOptions.maximum" : ".logicalTypeOptions.minimum");
	emit(st, c < 0 ? DM_R_C15 : DM_R_C16,
		 join_path(has_n ? pp->nbase : pp->obase, key),
		 bound_text(has_o, o, excl_o, !upper),
		 bound_text(has_n, n, excl_n, !upper),
		 dm_contract_printf("The %s bound of column \"%s\" was %s.",
							upper ? "upper" : "lower", pp->name,
							c < 0 ? "loosened" : "tightened"));
}

/*
 * C15 and C16 for logicalTypeOptions: minimum and maximum (with their
 * exclusive variants), minLength, maxLength, pattern.  One change per
 * bound; a changed pattern counts as loosened (it cannot be ranked).
 */
static void
diff_bounds(DiffState *st, const PropPair *pp)
{
	const DmProperty *op = pp->op;
	const DmProperty *np = pp->np;
	int			c;
	int			ol;
	int			nl;

	diff_bound(st, pp, false, op->has_minimum, op->minimum, op->exclusive_minimum,
			   np->has_minimum, np->minimum, np->exclusive_minimum);
	diff_bound(st, pp, true, op->has_maximum, op->maximum, op->exclusive_maximum,
			   np->has_maximum, np->maximum, np->exclusive_maximum);

	/* minLength: lower or dropped is looser */
	ol = op->min_length;
	nl = np->min_length;
	c = 0;
	if (ol >= 0 && nl < 0)
		c = -1;
	else if (ol < 0 && nl >= 0)
		c = 1;
	else if (ol >= 0)
		c = (nl > ol) - (nl < ol);
	if (c != 0)
		emit(st, c < 0 ? DM_R_C15 : DM_R_C16,
			 join_path(nl >= 0 ? pp->nbase : pp->obase,
					   ".logicalTypeOptions.minLength"),
			 length_text(ol), length_text(nl),
			 dm_contract_printf("The minimum length of column \"%s\" was %s.",
								pp->name, c < 0 ? "loosened" : "tightened"));

	/* maxLength: higher or dropped is looser */
	ol = op->max_length;
	nl = np->max_length;
	c = 0;
	if (ol >= 0 && nl < 0)
		c = -1;
	else if (ol < 0 && nl >= 0)
		c = 1;
	else if (ol >= 0)
		c = (nl < ol) - (nl > ol);
	if (c != 0)
		emit(st, c < 0 ? DM_R_C15 : DM_R_C16,
			 join_path(nl >= 0 ? pp->nbase : pp->obase,
					   ".logicalTypeOptions.maxLength"),
			 length_text(ol), length_text(nl),
			 dm_contract_printf("The maximum length of column \"%s\" was %s.",
								pp->name, c < 0 ? "loosened" : "tightened"));

	/* pattern: dropped or changed is looser (or cannot be ranked) */
	if (!streq(op->pattern, np->pattern))
	{
		const char *how;

		if (np->pattern == NULL)
			how = "was removed";
		else if (op->pattern == NULL)
			how = "was added";
		else
			how = "changed";
		emit(st, op->pattern != NULL ? DM_R_C15 : DM_R_C16,
			 join_path(np->pattern != NULL ? pp->nbase : pp->obase,
					   ".logicalTypeOptions.pattern"),
			 op->pattern, np->pattern,
			 dm_contract_printf("The pattern of column \"%s\" %s.", pp->name, how));
	}
}

/*
 * C17 and C18: personal data (the masking strategy in pii) and the ODCS
 * classification.  Losing either is C18, breaking even under NONE.
 */
static void
diff_classification(DiffState *st, const PropPair *pp)
{
	const DmProperty *op = pp->op;
	const DmProperty *np = pp->np;
	char	   *pii_path = join_path(pp->nbase, ".customProperties");
	char	   *cls_path;

	if (op->pii == NULL && np->pii != NULL)
		emit(st, DM_R_C17, pii_path, NULL, np->pii,
			 dm_contract_printf("Column \"%s\" is now personal data, masked with strategy \"%s\".",
								pp->name, np->pii));
	else if (op->pii != NULL && np->pii == NULL)
		emit(st, DM_R_C18, pii_path, op->pii, NULL,
			 dm_contract_printf("Column \"%s\" is no longer marked as personal data: it was masked with strategy \"%s\" and would be unmasked.",
								pp->name, op->pii));
	else if (op->pii != NULL && strcmp(op->pii, np->pii) != 0)
		emit(st, DM_R_C17, pii_path, op->pii, np->pii,
			 dm_contract_printf("Column \"%s\" changed its masking strategy from \"%s\" to \"%s\".",
								pp->name, op->pii, np->pii));

	cls_path = join_path(np->classification != NULL ? pp->nbase : pp->obase,
						 ".classification");
	if (op->classification == NULL && np->classification != NULL)
		emit(st, DM_R_C17, cls_path, NULL, np->classification,
			 dm_contract_printf("Column \"%s\" is now classified as \"%s\".",
								pp->name, np->classification));
	else if (op->classification != NULL && np->classification == NULL)
		emit(st, DM_R_C18, cls_path, op->classification, NULL,
			 dm_contract_printf("Column \"%s\" lost its classification \"%s\".",
								pp->name, op->classification));
	else if (op->classification != NULL &&
			 strcmp(op->classification, np->classification) != 0)
		emit(st, DM_R_C17, cls_path, op->classification, np->classification,
			 dm_contract_printf("Column \"%s\" changed its classification from \"%s\" to \"%s\".",
								pp->name, op->classification, np->classification));
}

/* ------------------------------------------------------------------------
 * Quality rules and SLAs
 * ------------------------------------------------------------------------
 */

/*
 * G1 and G2 for two lists of quality rules of one owner (the product, or
 * a column).  Rules pair by key; rules without a key pair with an equal
 * rule without a key, else count as removed and added.  compare_values:
 * also compare the validValues of invalidValues rules (for a column they
 * are its allowed values, C12 and C13 already).
 */
static void
diff_quality_list(DiffState *st, const DmQuality *oq, int no,
				  const DmQuality *nq, int nn,
				  const char *obase, const char *nbase,
				  const char *owner, bool compare_values)
{
	const char **okeys;
	const char **nkeys;
	int		   *omatch;
	int		   *nmatch;
	int			i;
	int			j;

	no = safe_count(oq, no);
	nn = safe_count(nq, nn);
	if (no == 0 && nn == 0)
		return;
	okeys = scratch((size_t) no, sizeof(char *));
	nkeys = scratch((size_t) nn, sizeof(char *));
	omatch = scratch((size_t) no, sizeof(int));
	nmatch = scratch((size_t) nn, sizeof(int));
	for (i = 0; i < no; i++)
		okeys[i] = oq[i].key;
	for (j = 0; j < nn; j++)
		nkeys[j] = nq[j].key;
	match_keys(okeys, no, nkeys, nn, omatch, nmatch);

	/* rules without a key: an identical one on the other side is the same */
	for (i = 0; i < no; i++)
	{
		if (omatch[i] >= 0 || oq[i].key != NULL)
			continue;
		for (j = 0; j < nn; j++)
			if (nmatch[j] < 0 && nq[j].key == NULL &&
				same_quality(&oq[i], &nq[j]))
			{
				omatch[i] = j;
				nmatch[j] = i;
				break;
			}
	}

	for (i = 0; i < no; i++)
	{
		const char *opath = oq[i].path != NULL ? oq[i].path :
		indexed_path(obase, i);

		if (omatch[i] < 0)
		{
			emit(st, DM_R_G1_REMOVED, opath, quality_text(&oq[i]), NULL,
				 dm_contract_printf("%s was removed.",
									quality_label(&oq[i], owner)));
			continue;
		}
		j = omatch[i];
		diff_quality(st, &oq[i], &nq[j],
					 nq[j].path != NULL ? nq[j].path : indexed_path(nbase, j),
					 owner, compare_values);
	}
	for (j = 0; j < nn; j++)
	{
		if (nmatch[j] >= 0)
			continue;
		emit(st, DM_R_G2_ADDED,
			 nq[j].path != NULL ? nq[j].path : indexed_path(nbase, j),
			 NULL, quality_text(&nq[j]),
			 dm_contract_printf("%s was added.", quality_label(&nq[j], owner)));
	}
}

/* whether two quality rules say the same thing (for rules without a key) */
static bool
same_quality(const DmQuality *a, const DmQuality *b)
{
	return streq(a->type, b->type) && streq(a->metric, b->metric) &&
		streq(a->query, b->query) && streq(a->unit, b->unit) &&
		a->op == b->op && a->v1 == b->v1 && a->v2 == b->v2 &&
		same_string_multiset(a->valid_values, a->nvalid_values,
							 b->valid_values, b->nvalid_values);
}

/*
 * G1 or G2 for one quality rule on both sides.  A threshold that moved is
 * tightened or loosened by its operator; anything that cannot be ranked
 * (another metric, query, unit or operator, an EQ or NE value, a shifted
 * range) is G1, a warning both ways.
 */
static void
diff_quality(DiffState *st, const DmQuality *oq, const DmQuality *nq,
			 const char *path, const char *owner, bool compare_values)
{
	int			c = 0;			/* 1 tightened, -1 loosened, 2 unknown */
	double		olo = oq->v1 < oq->v2 ? oq->v1 : oq->v2;
	double		ohi = oq->v1 < oq->v2 ? oq->v2 : oq->v1;
	double		nlo = nq->v1 < nq->v2 ? nq->v1 : nq->v2;
	double		nhi = nq->v1 < nq->v2 ? nq->v2 : nq->v1;
	bool		inner;
	bool		outer;
	char	   *label;

	if (!streq(oq->metric, nq->metric) || !streq(oq->query, nq->query) ||
		!streq(oq->type, nq->type) || !streq(oq->unit, nq->unit) ||
		oq->op != nq->op ||
		(compare_values &&
		 !same_string_multiset(oq->valid_values, oq->nvalid_values,
							   nq->valid_values, nq->nvalid_values)))
		c = 2;
	else
	{
		switch (oq->op)
		{
			case DM_QOP_NONE:
				break;
			case DM_QOP_GT:
			case DM_QOP_GE:
				c = (nq->v1 > oq->v1) - (nq->v1 < oq->v1);
				break;
			case DM_QOP_LT:
			case DM_QOP_LE:
				c = (nq->v1 < oq->v1) - (nq->v1 > oq->v1);
				break;
			case DM_QOP_BETWEEN:
			case DM_QOP_NOT_BETWEEN:
				if (nlo == olo && nhi == ohi)
					break;
				inner = nlo >= olo && nhi <= ohi;	/* new inside old */
				outer = nlo <= olo && nhi >= ohi;	/* new around old */
				if (!inner && !outer)
					c = 2;
				else if (oq->op == DM_QOP_BETWEEN)
					c = inner ? 1 : -1;
				else
					c = outer ? 1 : -1;
				break;
			case DM_QOP_EQ:
			case DM_QOP_NE:
			default:
				if (oq->v1 != nq->v1 || oq->v2 != nq->v2)
					c = 2;
				break;
		}
	}
	if (c == 0)
		return;
	label = quality_label(nq, owner);
	if (c == 1)
		emit(st, DM_R_G2_TIGHTENED, path, quality_text(oq), quality_text(nq),
			 dm_contract_printf("%s was tightened.", label));
	else if (c == -1)
		emit(st, DM_R_G1_LOOSENED, path, quality_text(oq), quality_text(nq),
			 dm_contract_printf("%s was loosened.", label));
	else
		emit(st, DM_R_G1_CHANGED, path, quality_text(oq), quality_text(nq),
			 dm_contract_printf("%s changed in a way that cannot be ranked.",
								label));
}

/* "rowCount > 0", "nullValues <= 5 percent", "sql", ... */
static char *
quality_text(const DmQuality *q)
{
	const char *what = q->metric != NULL ? q->metric :
	q->type != NULL ? q->type : "rule";
	const char *unit = (q->unit != NULL && q->op != DM_QOP_NONE &&
						!ascii_ieq(q->unit, "rows")) ? q->unit : NULL;
	char	   *threshold;

	threshold = dm_contract_threshold(q);
	threshold = threshold != NULL ? dm_contract_printf(" %s", threshold) : "";
	return dm_contract_printf("%s%s%s%s", what, threshold,
							  unit != NULL ? " " : "",
							  unit != NULL ? unit : "");
}

/*
 * A quality rule's threshold as text ("> 0", "between 1 and 5"), or NULL
 * when it has none.
 */
char *
dm_contract_threshold(const DmQuality *q)
{
	switch (q->op)
	{
		case DM_QOP_EQ:
			return dm_contract_printf("= %s", number_text(q->v1));
		case DM_QOP_NE:
			return dm_contract_printf("<> %s", number_text(q->v1));
		case DM_QOP_GT:
			return dm_contract_printf("> %s", number_text(q->v1));
		case DM_QOP_GE:
			return dm_contract_printf(">= %s", number_text(q->v1));
		case DM_QOP_LT:
			return dm_contract_printf("< %s", number_text(q->v1));
		case DM_QOP_LE:
			return dm_contract_printf("<= %s", number_text(q->v1));
		case DM_QOP_BETWEEN:
			return dm_contract_printf("between %s and %s",
									  number_text(q->v1), number_text(q->v2));
		case DM_QOP_NOT_BETWEEN:
			return dm_contract_printf("not between %s and %s",
									  number_text(q->v1), number_text(q->v2));
		case DM_QOP_NONE:
			break;
	}
	return NULL;
}

/* "Quality rule \"not_empty\" of the product", the start of a sentence */
static char *
quality_label(const DmQuality *q, const char *owner)
{
	if (q->key != NULL)
		return dm_contract_printf("Quality rule \"%s\" of %s", q->key, owner);
	return dm_contract_printf("A quality rule of %s", owner);
}

/* the key that pairs SLAs across versions: property and element */
static char *
sla_key(const DmSla *s)
{
	if (s->property == NULL)
		return NULL;
	/* a unit separator cannot occur in a property name or an element */
	return dm_contract_printf("%s\037%s", s->property,
							  s->element != NULL ? s->element : "");
}

/* "4 h": the value and unit as written */
static char *
sla_text(const DmSla *s)
{
	if (s->value == NULL)
		return NULL;
	return dm_contract_printf("%s%s%s", s->value, s->unit != NULL ? " " : "",
							  s->unit != NULL ? s->unit : "");
}

/* "SLA \"freshness\" on orders.ordered_at", the start of a sentence */
static char *
sla_label(const DmSla *s)
{
	if (s->element != NULL)
		return dm_contract_printf("SLA \"%s\" on %s", nm(s->property),
								  s->element);
	return dm_contract_printf("SLA \"%s\"", nm(s->property));
}

/*
 * G3: SLAs, paired by property and element.  Durations (seconds >= 0 on
 * both sides) are ranked: higher is looser, except for retention, where
 * lower is looser.  Other values that changed cannot be ranked.
 */
static void
diff_slas(DiffState *st)
{
	const DmContract *o = st->old_c;
	const DmContract *n = st->new_c;
	int			no = safe_count(o->slas, o->nslas);
	int			nn = safe_count(n->slas, n->nslas);
	const char **okeys;
	const char **nkeys;
	int		   *omatch;
	int		   *nmatch;
	int			i;
	int			j;

	if (no == 0 && nn == 0)
		return;
	okeys = scratch((size_t) no, sizeof(char *));
	nkeys = scratch((size_t) nn, sizeof(char *));
	omatch = scratch((size_t) no, sizeof(int));
	nmatch = scratch((size_t) nn, sizeof(int));
	for (i = 0; i < no; i++)
		okeys[i] = sla_key(&o->slas[i]);
	for (j = 0; j < nn; j++)
		nkeys[j] = sla_key(&n->slas[j]);
	match_keys(okeys, no, nkeys, nn, omatch, nmatch);

	for (i = 0; i < no; i++)
	{
		const DmSla *os = &o->slas[i];
		const DmSla *ns;
		const char *path;
		bool		ranked;
		bool		looser;

		if (omatch[i] < 0)
		{
			emit(st, DM_R_G3_REMOVED,
				 os->path != NULL ? os->path : indexed_path("$.slaProperties", i),
				 sla_text(os), NULL,
				 dm_contract_printf("%s was removed.", sla_label(os)));
			continue;
		}
		j = omatch[i];
		ns = &n->slas[j];
		path = ns->path != NULL ? ns->path :
			indexed_path("$.slaProperties", j);
		ranked = os->seconds >= 0 && ns->seconds >= 0;
		if (ranked)
		{
			if (ns->seconds == os->seconds)
				continue;
			if (ascii_icontains(ns->property, "retention"))
				looser = ns->seconds < os->seconds;
			else
				looser = ns->seconds > os->seconds;
			emit(st, looser ? DM_R_G3_LOOSENED : DM_R_G3_TIGHTENED, path,
				 sla_text(os), sla_text(ns),
				 dm_contract_printf("%s was %s.", sla_label(ns),
									looser ? "loosened" : "tightened"));
		}
		else if (!streq(os->value, ns->value) || !streq(os->unit, ns->unit))
			emit(st, DM_R_G3_CHANGED, path, sla_text(os), sla_text(ns),
				 dm_contract_printf("%s changed in a way that cannot be ranked.",
									sla_label(ns)));
	}
	for (j = 0; j < nn; j++)
	{
		const DmSla *ns = &n->slas[j];

		if (nmatch[j] >= 0)
			continue;
		emit(st, DM_R_G3_ADDED,
			 ns->path != NULL ? ns->path : indexed_path("$.slaProperties", j),
			 NULL, sla_text(ns),
			 dm_contract_printf("%s was added.", sla_label(ns)));
	}
}

/*
 * G8: a change of this diff is breaking under its mode and the major
 * version did not go up.  Suggests the next major version.
 */
static void
diff_major_version(DiffState *st)
{
	int			i;
	bool		breaking = false;
	char	   *next;

	for (i = st->first; i < st->out->n && !breaking; i++)
		breaking = st->out->items[i].severity == DM_SEV_BREAKING;
	if (!breaking || st->new_c->major > st->old_c->major)
		return;
	next = dm_contract_printf("%lld.0.0", (long long) st->old_c->major + 1);
	emit(st, DM_R_G8, "$.version", st->old_c->version, next,
		 dm_contract_printf("A breaking change needs a new major version: publish %s.",
							next));
}
