/*-------------------------------------------------------------------------
 *
 * pii.c
 *		Masking functions of data products, keyed pseudonyms.
 *
 * A product view calls one mask function per classified column, e.g.
 *		datamesh.mask_email(s.email, 'sales_data_products.customers')
 * The last argument names the product.  On its first call in an execution
 * (state in fn_extra, rebuilt by every executor start) the function asks
 * whether the current user is a member of a role granted unmasked access
 * to that product -- membership, never the superuser bypass -- and then
 * either passes values through or masks them.  So the decision is taken
 * when a query runs, not when it was planned.
 *
 * Every mask is total and quiet: no input raises an error (an error text
 * could show the input).  A value too short or malformed for its strategy
 * is hidden whole (NULL or all '*').
 *
 * Keyed pseudonyms (strategy hash) are SipHash-2-4 with 128-bit output
 * over a type tag and the value's bytes, keyed with the 128-bit key of the
 * product's pseudonym scope.  The key sits in datamesh.pseudonym_key, which
 * nobody but superusers can read; this file reads it with the low-level
 * table API.  A consumer must not be able to compute the pseudonym of a
 * value of his own choosing, yet functions in a view run with the reader's
 * privileges, so mask_hash is callable by every reader.  Its planner
 * support function therefore checks every call while it is planned: the
 * value must be computed from columns of relations of the product's own
 * pseudonym scope, in the same query level.  Only members of the scope's
 * domains (and superusers) can name such relations; a consumer meets them
 * only inside a product view, which is a security barrier and therefore
 * never flattened into his query.  At run time mask_hash also refuses a
 * constant or parameter as its value, in case a call escaped planning.
 *
 * IDENTIFICATION
 *		src/pii.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "common/int.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "parser/parse_relation.h"
#include "parser/parsetree.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/uuid.h"

#include "catalog.h"
#include "datamesh.h"
#include "pii.h"
#include "siphash.h"

/* what a product's mask functions need to know, cached per backend */
typedef struct ProductAccess
{
	char		product[2 * NAMEDATALEN + 2];	/* hash key: qualified name */
	char		domain[NAMEDATALEN];	/* owning domain */
	int			ngrantees;		/* roles granted unmasked access */
	Oid		   *grantees;
	bool		has_key;		/* a key exists for the product's scope */
	unsigned char key[DM_KEY_BYTES];
} ProductAccess;

/* per call site and execution, in fn_extra */
typedef struct MaskState
{
	bool		clear;			/* reader sees clear text */
	bool		usable;			/* hash: key found and value not chosen */
	unsigned char key[DM_KEY_BYTES];
	/* year/month: the last period computed, [period_lo, period_hi) */
	bool		period_valid;
	int64		period_lo;
	int64		period_hi;
	/* bucket on numeric: the width, prepared on the first masked value */
	bool		width_ready;
	bool		width_whole;	/* a whole number in (0, 9e18): int64 path */
	int64		width;
	Numeric		zero;
	Numeric		hi;				/* 9e18: a larger width takes the numeric path */
	bool		last_valid;		/* the last bucket, returned again as is */
	int64		last;
	Numeric		last_value;
	/* bucket on numeric(p,s): round to s digits, hide |value| >= bound */
	bool		has_typmod;
	int			typmod_scale;
	Numeric		typmod_bound;
	int64		typmod_int_bound;	/* the same as int64; 0: none; -1: none usable */
} MaskState;

static MemoryContext access_cxt = NULL;
static HTAB *access_map = NULL;

/* the tables the cache is built from, and datamesh.domain */
static const char *const watched_names[] = {
	"product", "unmasked", "pseudonym_scope", "pseudonym_key", "domain"
};
static Oid	watched[lengthof(watched_names)];

PG_FUNCTION_INFO_V1(datamesh_mask_redact);
PG_FUNCTION_INFO_V1(datamesh_mask_email);
PG_FUNCTION_INFO_V1(datamesh_mask_partial);
PG_FUNCTION_INFO_V1(datamesh_mask_year_date);
PG_FUNCTION_INFO_V1(datamesh_mask_month_date);
PG_FUNCTION_INFO_V1(datamesh_mask_year_ts);
PG_FUNCTION_INFO_V1(datamesh_mask_month_ts);
PG_FUNCTION_INFO_V1(datamesh_mask_bucket_int8);
PG_FUNCTION_INFO_V1(datamesh_mask_bucket_int4);
PG_FUNCTION_INFO_V1(datamesh_mask_bucket_int2);
PG_FUNCTION_INFO_V1(datamesh_mask_bucket_float8);
PG_FUNCTION_INFO_V1(datamesh_mask_bucket_float4);
PG_FUNCTION_INFO_V1(datamesh_mask_bucket_numeric);
PG_FUNCTION_INFO_V1(datamesh_mask_bucket_numeric_typmod);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_text);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_int4);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_int8);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_uuid);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_bytea);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_support);
PG_FUNCTION_INFO_V1(datamesh_siphash);

static void invalidate_access(Datum arg, Oid relid);

/*
 * datamesh.siphash(data bytea, key bytea, bytes int): the PRF behind the
 * hash strategy, with a key of the caller's, for checking it against the
 * published test vectors.  It knows no key of the mesh.
 */
Datum
datamesh_siphash(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	bytea	   *key = PG_GETARG_BYTEA_PP(1);
	int32		bytes = PG_GETARG_INT32(2);
	bytea	   *result;

	if (VARSIZE_ANY_EXHDR(key) != DM_KEY_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("SipHash key must be %d bytes long", DM_KEY_BYTES)));
	if (bytes != 8 && bytes != 16)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("SipHash output must be 8 or 16 bytes long")));
	result = palloc(VARHDRSZ + bytes);
	SET_VARSIZE(result, VARHDRSZ + bytes);
	dm_siphash((unsigned char *) VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data),
			   (unsigned char *) VARDATA_ANY(key),
			   (unsigned char *) VARDATA(result), bytes);
	PG_RETURN_BYTEA_P(result);
}

/* ------------------------------------------------------------------------
 * Who may see clear text, and the keys: a backend-local cache of
 * datamesh.product, datamesh.unmasked, datamesh.pseudonym_scope and
 * datamesh.pseudonym_key, dropped when any of them changes.
 * ------------------------------------------------------------------------
 */
void
dm_pii_init(void)
{
	CacheRegisterRelcacheCallback(invalidate_access, (Datum) 0);
}

static void
invalidate_access(Datum arg, Oid relid)
{
	int			i;

	/* no catalog access in here: compare with the tables read at build */
	if (access_map == NULL)
		return;
	for (i = 0; i < lengthof(watched); i++)
	{
		if (relid == InvalidOid || relid == watched[i])
		{
			MemoryContextReset(access_cxt);
			access_map = NULL;
			return;
		}
	}
}

/*
 * Calls fn for every tuple of datamesh.<relname>; low-level, no privilege
 * checks, works in parallel workers.
 */
static void
scan_table(const char *relname,
		   void (*fn) (HeapTuple tuple, TupleDesc desc, Relation rel, void *arg),
		   void *arg)
{
	Oid			relid = dm_catalog_relid(relname);
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;

	if (!OidIsValid(relid))
		return;
	rel = table_open(relid, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		fn(tuple, RelationGetDescr(rel), rel, arg);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

typedef struct AccessBuild
{
	ProductAccess *pa;
	char		scope[NAMEDATALEN];
	List	   *grantees;
} AccessBuild;

static void
find_product(HeapTuple tuple, TupleDesc desc, Relation rel, void *arg)
{
	AccessBuild *b = arg;
	char	   *product = dm_catalog_text_attr(tuple, rel, "product");

	if (product && strcmp(product, b->pa->product) == 0)
	{
		char	   *domain = dm_catalog_text_attr(tuple, rel, "domain");

		strlcpy(b->pa->domain, domain ? domain : "", NAMEDATALEN);
	}
}

static void
find_grantees(HeapTuple tuple, TupleDesc desc, Relation rel, void *arg)
{
	AccessBuild *b = arg;
	char	   *product = dm_catalog_text_attr(tuple, rel, "product");

	if (product && strcmp(product, b->pa->product) == 0)
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, attnameAttNum(rel, "grantee", false),
									 desc, &isnull);

		if (!isnull)
			b->grantees = lappend_oid(b->grantees, DatumGetObjectId(d));
	}
}

static void
find_scope(HeapTuple tuple, TupleDesc desc, Relation rel, void *arg)
{
	AccessBuild *b = arg;
	char	   *domain = dm_catalog_text_attr(tuple, rel, "domain");

	if (domain && strcmp(domain, b->pa->domain) == 0)
	{
		char	   *scope = dm_catalog_text_attr(tuple, rel, "scope");

		if (scope)
			strlcpy(b->scope, scope, NAMEDATALEN);
	}
}

static void
find_key(HeapTuple tuple, TupleDesc desc, Relation rel, void *arg)
{
	AccessBuild *b = arg;
	char	   *scope = dm_catalog_text_attr(tuple, rel, "scope");

	if (scope && strcmp(scope, b->scope) == 0)
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, attnameAttNum(rel, "key", false),
									 desc, &isnull);

		if (!isnull)
		{
			bytea	   *key = DatumGetByteaPP(d);

			if (VARSIZE_ANY_EXHDR(key) == DM_KEY_BYTES)
			{
				memcpy(b->pa->key, VARDATA_ANY(key), DM_KEY_BYTES);
				b->pa->has_key = true;
			}
		}
	}
}

/*
 * The pseudonym scope of a domain: its own key unless an admin set one.
 * Writes into scope (NAMEDATALEN bytes).
 */
static void
domain_scope(const char *domain, char *scope)
{
	AccessBuild b;
	ProductAccess pa;

	memset(&pa, 0, sizeof(pa));
	strlcpy(pa.domain, domain, NAMEDATALEN);
	memset(&b, 0, sizeof(b));
	b.pa = &pa;
	/* a domain's own scope; named scopes cannot contain a colon */
	snprintf(b.scope, NAMEDATALEN, "domain:%s", domain);
	scan_table("pseudonym_scope", find_scope, &b);
	strlcpy(scope, b.scope, NAMEDATALEN);
}

/*
 * What the mask functions of a product need: its domain, the roles granted
 * unmasked access, the key of its scope.  NULL for an unknown product.
 */
static ProductAccess *
product_access(const char *product)
{
	ProductAccess *pa;
	bool		found;
	AccessBuild b;
	ListCell   *lc;
	int			i;

	if (strlen(product) >= sizeof(((ProductAccess *) 0)->product))
		return NULL;
	if (access_map == NULL)
	{
		HASHCTL		ctl;

		for (i = 0; i < lengthof(watched); i++)
			watched[i] = dm_catalog_relid(watched_names[i]);

		if (access_cxt == NULL)
			access_cxt = AllocSetContextCreate(CacheMemoryContext,
											   "datamesh product access",
											   ALLOCSET_SMALL_SIZES);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(((ProductAccess *) 0)->product);
		ctl.entrysize = sizeof(ProductAccess);
		ctl.hcxt = access_cxt;
		access_map = hash_create("datamesh product access", 32, &ctl,
								 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	pa = hash_search(access_map, product, HASH_FIND, NULL);
	if (pa != NULL)
		return pa->domain[0] ? pa : NULL;

	/* build the entry aside, so that an error leaves no half entry */
	{
		ProductAccess tmp;

		memset(&tmp, 0, sizeof(tmp));
		strlcpy(tmp.product, product, sizeof(tmp.product));
		memset(&b, 0, sizeof(b));
		b.pa = &tmp;
		scan_table("product", find_product, &b);
		if (tmp.domain[0])
		{
			scan_table("unmasked", find_grantees, &b);
			domain_scope(tmp.domain, b.scope);
			scan_table("pseudonym_key", find_key, &b);
		}
		if (access_map == NULL)		/* invalidated while we read */
			return tmp.domain[0] ? product_access(product) : NULL;
		pa = hash_search(access_map, product, HASH_ENTER, &found);
		memcpy(pa, &tmp, sizeof(tmp));
		pa->ngrantees = list_length(b.grantees);
		pa->grantees = MemoryContextAlloc(access_cxt,
										  sizeof(Oid) * Max(pa->ngrantees, 1));
		i = 0;
		foreach(lc, b.grantees)
			pa->grantees[i++] = lfirst_oid(lc);
	}
	return pa->domain[0] ? pa : NULL;
}

/*
 * The state of one mask call site for this execution: computed on the
 * first call, kept in fn_extra.  hash says whether the key is needed.
 */
static MaskState *
mask_state(FunctionCallInfo fcinfo, int product_arg, bool hash)
{
	MaskState  *state = (MaskState *) fcinfo->flinfo->fn_extra;
	ProductAccess *pa;
	char	   *product;
	int			i;

	if (state != NULL)
		return state;
	state = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(MaskState));
	product = text_to_cstring(PG_GETARG_TEXT_PP(product_arg));
	pa = product_access(product);
	if (pa != NULL)
	{
		Oid			user = GetUserId();

		/* membership, not the superuser bypass */
		for (i = 0; i < pa->ngrantees && !state->clear; i++)
			state->clear = is_member_of_role_nosuper(user, pa->grantees[i]);
		if (hash && pa->has_key)
		{
			/* a value the caller chose is never hashed, whatever planned it */
			Node	   *expr = fcinfo->flinfo->fn_expr;
			Node	   *arg = NULL;

			if (expr && IsA(expr, FuncExpr) && ((FuncExpr *) expr)->args != NIL)
				arg = linitial(((FuncExpr *) expr)->args);
			if (arg != NULL && !IsA(arg, Const) && !IsA(arg, Param))
			{
				memcpy(state->key, pa->key, DM_KEY_BYTES);
				state->usable = true;
			}
		}
	}
	fcinfo->flinfo->fn_extra = state;
	return state;
}

/* ------------------------------------------------------------------------
 * The strategies
 * ------------------------------------------------------------------------
 */

/* redact: NULL of any type */
Datum
datamesh_mask_redact(PG_FUNCTION_ARGS)
{
	if (mask_state(fcinfo, 1, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	PG_RETURN_NULL();
}

/* number of characters of s[0..len) */
static inline int
char_count(const char *s, int len)
{
	return pg_mbstrlen_with_len(s, len);
}

/* are all bytes of s[0..len) ASCII?  Then bytes are characters. */
static inline bool
all_ascii(const char *s, int len)
{
	uint64		high = 0;
	int			i = 0;

	/* eight bytes at a time, then the rest */
	for (; i + 8 <= len; i += 8)
	{
		uint64		chunk;

		memcpy(&chunk, s + i, 8);
		high |= chunk;
	}
	for (; i < len; i++)
		high |= (unsigned char) s[i];
	return (high & UINT64CONST(0x8080808080808080)) == 0;
}

/*
 * email: "a***@example.com"; the first character of the local part is kept
 * only when it has at least three; anything but one address is NULL.
 */
Datum
datamesh_mask_email(PG_FUNCTION_ARGS)
{
	text	   *in;
	const char *s;
	int			len;
	const char *at;
	int			local_len;
	int			keep = 0;
	text	   *out;
	char	   *o;

	if (mask_state(fcinfo, 1, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	in = PG_GETARG_TEXT_PP(0);
	s = VARDATA_ANY(in);
	len = VARSIZE_ANY_EXHDR(in);
	at = memchr(s, '@', len);
	if (at == NULL || memchr(at + 1, '@', len - (at - s) - 1) != NULL)
		PG_RETURN_NULL();		/* no '@', or several */
	local_len = at - s;
	if (local_len == 0 || local_len == len - 1)
		PG_RETURN_NULL();		/* empty local part or domain */
	if (local_len >= 3)
	{
		/* at least three characters?  count no further than three */
		int			n = 0;
		int			off = 0;

		while (off < local_len && n < 3)
		{
			off += pg_mblen(s + off);
			n++;
		}
		if (n >= 3)
			keep = Min(pg_mblen(s), local_len);
	}
	out = palloc(VARHDRSZ + keep + 3 + (len - local_len));
	SET_VARSIZE(out, VARHDRSZ + keep + 3 + (len - local_len));
	o = VARDATA(out);
	memcpy(o, s, keep);
	memcpy(o + keep, "***", 3);
	memcpy(o + keep + 3, at, len - local_len);
	PG_RETURN_TEXT_P(out);
}

/*
 * partial(p,s): the first p and last s characters kept, the rest '*'; a
 * value of at most p+s characters is all '*'.
 */
Datum
datamesh_mask_partial(PG_FUNCTION_ARGS)
{
	text	   *in;
	const char *s;
	int			len;
	int			prefix = PG_GETARG_INT32(1);
	int			suffix = PG_GETARG_INT32(2);
	int			nchars;
	text	   *out;
	char	   *o;
	const char *p;
	int			i;

	if (mask_state(fcinfo, 3, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	in = PG_GETARG_TEXT_PP(0);
	s = VARDATA_ANY(in);
	len = VARSIZE_ANY_EXHDR(in);
	prefix = Max(prefix, 0);
	suffix = Max(suffix, 0);

	if (all_ascii(s, len))
	{
		/* one byte per character: copy the ends, fill the middle */
		if ((int64) prefix + suffix >= len)
		{
			out = palloc(VARHDRSZ + len);
			SET_VARSIZE(out, VARHDRSZ + len);
			memset(VARDATA(out), '*', len);
			PG_RETURN_TEXT_P(out);
		}
		out = palloc(VARHDRSZ + len);
		SET_VARSIZE(out, VARHDRSZ + len);
		memcpy(VARDATA(out), s, prefix);
		memset(VARDATA(out) + prefix, '*', len - prefix - suffix);
		memcpy(VARDATA(out) + len - suffix, s + len - suffix, suffix);
		PG_RETURN_TEXT_P(out);
	}
	nchars = char_count(s, len);

	if ((int64) prefix + suffix >= nchars)
	{
		out = palloc(VARHDRSZ + nchars);
		SET_VARSIZE(out, VARHDRSZ + nchars);
		memset(VARDATA(out), '*', nchars);
		PG_RETURN_TEXT_P(out);
	}

	/* at most the input's bytes: each hidden character becomes one '*' */
	out = palloc(VARHDRSZ + len);
	o = VARDATA(out);
	p = s;
	for (i = 0; i < nchars; i++)
	{
		int			l = pg_mblen(p);

		if (i < prefix || i >= nchars - suffix)
		{
			memcpy(o, p, l);
			o += l;
		}
		else
			*o++ = '*';
		p += l;
	}
	SET_VARSIZE(out, VARHDRSZ + (o - VARDATA(out)));
	PG_RETURN_TEXT_P(out);
}

/*
 * The period (year or month) of a Julian day: [first day, first day of the
 * next period), as Julian days.
 */
static inline void
julian_period(int jd, bool to_year, int *lo, int *hi)
{
	int			y,
				m,
				d;

	j2date(jd, &y, &m, &d);
	if (to_year)
	{
		*lo = date2j(y, 1, 1);
		*hi = date2j(y + 1, 1, 1);
	}
	else
	{
		*lo = date2j(y, m, 1);
		*hi = m == 12 ? date2j(y + 1, 1, 1) : date2j(y, m + 1, 1);
	}
}

static Datum
mask_date(FunctionCallInfo fcinfo, bool to_year)
{
	MaskState  *state = mask_state(fcinfo, 1, false);
	DateADT		d;
	int			lo,
				hi;

	if (state->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	d = PG_GETARG_DATEADT(0);
	if (DATE_NOT_FINITE(d))
		PG_RETURN_DATEADT(d);
	/* neighbouring rows often share a period: remember the last one */
	if (!state->period_valid || d < state->period_lo || d >= state->period_hi)
	{
		julian_period(d + POSTGRES_EPOCH_JDATE, to_year, &lo, &hi);
		state->period_lo = lo - POSTGRES_EPOCH_JDATE;
		state->period_hi = hi - POSTGRES_EPOCH_JDATE;
		state->period_valid = true;
	}
	/* the first period starts before the first valid date: hide it */
	if (!IS_VALID_DATE(state->period_lo))
		PG_RETURN_NULL();
	PG_RETURN_DATEADT((DateADT) state->period_lo);
}

/*
 * timestamp and timestamptz alike: the stored value is a count of
 * microseconds, and for timestamptz it is UTC, so truncating it as a
 * timestamp truncates in UTC whatever the reader's TimeZone.
 */
static Datum
mask_ts(FunctionCallInfo fcinfo, bool to_year)
{
	MaskState  *state = mask_state(fcinfo, 1, false);
	Timestamp	ts;
	int64		days;
	int			lo,
				hi;

	if (state->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	ts = PG_GETARG_TIMESTAMP(0);
	if (TIMESTAMP_NOT_FINITE(ts))
		PG_RETURN_TIMESTAMP(ts);
	if (!state->period_valid || ts < state->period_lo || ts >= state->period_hi)
	{
		days = ts / USECS_PER_DAY;
		if (ts % USECS_PER_DAY < 0)
			days--;
		julian_period((int) (days + POSTGRES_EPOCH_JDATE), to_year, &lo, &hi);
		state->period_lo = (int64) (lo - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
		state->period_hi = (int64) (hi - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
		state->period_valid = true;
	}
	/* the first period starts before the first valid timestamp: hide it */
	if (!IS_VALID_TIMESTAMP(state->period_lo))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMP(state->period_lo);
}

Datum
datamesh_mask_year_date(PG_FUNCTION_ARGS)
{
	return mask_date(fcinfo, true);
}

Datum
datamesh_mask_month_date(PG_FUNCTION_ARGS)
{
	return mask_date(fcinfo, false);
}

Datum
datamesh_mask_year_ts(PG_FUNCTION_ARGS)
{
	return mask_ts(fcinfo, true);
}

Datum
datamesh_mask_month_ts(PG_FUNCTION_ARGS)
{
	return mask_ts(fcinfo, false);
}

/*
 * floor(x / n) * n for integers, towards minus infinity; false when the
 * result would not fit (the caller hides the value).
 */
static inline bool
bucket_int64(int64 x, int64 n, int64 *result)
{
	int64		q;

	if (n <= 0)
		return false;
	q = x / n;
	if (x % n != 0 && x < 0)
		q--;
	return !pg_mul_s64_overflow(q, n, result);
}

Datum
datamesh_mask_bucket_int8(PG_FUNCTION_ARGS)
{
	int64		r;

	if (mask_state(fcinfo, 2, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!bucket_int64(PG_GETARG_INT64(0), PG_GETARG_INT64(1), &r))
		PG_RETURN_NULL();
	PG_RETURN_INT64(r);
}

Datum
datamesh_mask_bucket_int4(PG_FUNCTION_ARGS)
{
	int64		r;

	if (mask_state(fcinfo, 2, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!bucket_int64(PG_GETARG_INT32(0), PG_GETARG_INT64(1), &r) ||
		r < PG_INT32_MIN || r > PG_INT32_MAX)
		PG_RETURN_NULL();
	PG_RETURN_INT32((int32) r);
}

Datum
datamesh_mask_bucket_int2(PG_FUNCTION_ARGS)
{
	int64		r;

	if (mask_state(fcinfo, 2, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!bucket_int64(PG_GETARG_INT16(0), PG_GETARG_INT64(1), &r) ||
		r < PG_INT16_MIN || r > PG_INT16_MAX)
		PG_RETURN_NULL();
	PG_RETURN_INT16((int16) r);
}

Datum
datamesh_mask_bucket_float8(PG_FUNCTION_ARGS)
{
	float8		x;
	float8		n;

	if (mask_state(fcinfo, 2, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	x = PG_GETARG_FLOAT8(0);
	n = PG_GETARG_FLOAT8(1);
	if (isnan(x) || isinf(x))
		PG_RETURN_FLOAT8(x);
	if (!(n > 0) || isinf(n))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(floor(x / n) * n);
}

Datum
datamesh_mask_bucket_float4(PG_FUNCTION_ARGS)
{
	float4		x;
	float8		n;

	if (mask_state(fcinfo, 2, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	x = PG_GETARG_FLOAT4(0);
	n = PG_GETARG_FLOAT8(1);
	if (isnan(x) || isinf(x))
		PG_RETURN_FLOAT4(x);
	if (!(n > 0) || isinf(n))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT4((float4) (floor((float8) x / n) * n));
}

static inline int
num_cmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/*
 * The on-disk format of numeric (documented in PostgreSQL's numeric.c and
 * stable across releases, as pg_upgrade requires): a 16-bit header, then
 * for the long format a 16-bit weight, then base-10000 digits.
 */
#define DM_NUMERIC_SIGN_MASK	0xC000
#define DM_NUMERIC_NEG			0x4000
#define DM_NUMERIC_SHORT		0x8000
#define DM_NUMERIC_SPECIAL		0xC000
#define DM_NUMERIC_SHORT_SIGN_MASK	0x2000
#define DM_NUMERIC_SHORT_WEIGHT_SIGN_MASK	0x0040
#define DM_NUMERIC_SHORT_WEIGHT_MASK	0x003F

/*
 * floor(x) of a numeric datum as int64, read straight from its bytes
 * without detoasting a short header; false for NaN, Infinity and values
 * of 1e16 or more, which take the numeric path.
 */
static bool
numeric_floor_int64(Datum d, int64 *out)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);
	const char *p;
	int			len;
	uint16		header;
	int			weight;
	bool		neg;
	const char *digits;
	int			ndigits;
	int64		ip = 0;
	bool		frac = false;
	int			i;

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		v = pg_detoast_datum(v);
	p = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	if (len < 2)
		return false;
	memcpy(&header, p, 2);
	if ((header & DM_NUMERIC_SIGN_MASK) == DM_NUMERIC_SPECIAL)
		return false;
	if ((header & DM_NUMERIC_SIGN_MASK) == DM_NUMERIC_SHORT)
	{
		neg = (header & DM_NUMERIC_SHORT_SIGN_MASK) != 0;
		weight = (header & DM_NUMERIC_SHORT_WEIGHT_SIGN_MASK) ?
			(int) (~DM_NUMERIC_SHORT_WEIGHT_MASK | (header & DM_NUMERIC_SHORT_WEIGHT_MASK)) :
			(int) (header & DM_NUMERIC_SHORT_WEIGHT_MASK);
		digits = p + 2;
		ndigits = (len - 2) / 2;
	}
	else
	{
		int16		w;

		if (len < 4)
			return false;
		neg = (header & DM_NUMERIC_SIGN_MASK) == DM_NUMERIC_NEG;
		memcpy(&w, p + 2, 2);
		weight = w;
		digits = p + 4;
		ndigits = (len - 4) / 2;
	}
	if (weight > 3)
		return false;			/* 1e16 or more */
	for (i = 0; i < ndigits; i++)
	{
		int16		digit;

		memcpy(&digit, digits + 2 * i, 2);
		if (digit < 0 || digit >= 10000)
			return false;		/* not a format we know: the slow path */
		if (i <= weight)
			ip = ip * 10000 + digit;
		else if (digit != 0)
			frac = true;
	}
	for (; i <= weight; i++)
		ip *= 10000;			/* trailing zero digits are not stored */
	*out = neg ? -ip - (frac ? 1 : 0) : ip;
	return true;
}

/*
 * The weight of a numeric: its number of base-10000 digits before the
 * decimal point, minus one (negative below 1).  Read from its bytes like
 * numeric_floor_int64; 0 for zero and the special values.
 */
static int
numeric_weight(Numeric num)
{
	const char *p = VARDATA_ANY(num);
	int			len = VARSIZE_ANY_EXHDR(num);
	uint16		header;
	int16		w;

	if (len < 2)
		return 0;
	memcpy(&header, p, 2);
	if ((header & DM_NUMERIC_SIGN_MASK) == DM_NUMERIC_SPECIAL)
		return 0;
	if ((header & DM_NUMERIC_SIGN_MASK) == DM_NUMERIC_SHORT)
		return (header & DM_NUMERIC_SHORT_WEIGHT_SIGN_MASK) ?
			(int) (~DM_NUMERIC_SHORT_WEIGHT_MASK | (header & DM_NUMERIC_SHORT_WEIGHT_MASK)) :
			(int) (header & DM_NUMERIC_SHORT_WEIGHT_MASK);
	if (len < 4)
		return 0;
	memcpy(&w, p + 2, 2);
	return w;
}

/* a quotient with more base-10000 digits than this is hidden, not computed */
#define BUCKET_MAX_QUOTIENT_WEIGHT 1000

/*
 * Prepares the width and, for numeric(p,s), the bound of the state on the
 * first masked value: a whole width in (0, 9e18) takes the int64 path.
 */
static void
prepare_width(FunctionCallInfo fcinfo, MaskState *state, int32 typmod)
{
	MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	Numeric		n = PG_GETARG_NUMERIC(1);

	state->zero = int64_to_numeric(0);
	state->hi = int64_to_numeric(INT64CONST(9000000000000000000));
	if (!numeric_is_nan(n) && !numeric_is_inf(n) &&
		num_cmp(n, state->zero) > 0 && num_cmp(n, state->hi) < 0 &&
		DatumGetInt32(DirectFunctionCall1(numeric_scale, NumericGetDatum(n))) == 0)
	{
		state->width_whole = true;
		state->width = DatumGetInt64(DirectFunctionCall1(numeric_int8,
														 NumericGetDatum(n)));
	}
	if (typmod >= VARHDRSZ)
	{
		int			precision = ((typmod - VARHDRSZ) >> 16) & 0xffff;
		int			scale = (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;

		state->typmod_scale = scale;
		/* |value| < 10^(precision - scale) fits */
		state->typmod_bound = DatumGetNumeric(DirectFunctionCall2(numeric_power,
																  NumericGetDatum(int64_to_numeric(10)),
																  NumericGetDatum(int64_to_numeric(precision - scale))));
		state->typmod_int_bound = -1;
		if (scale >= 0 && precision - scale <= 18)
		{
			int			i;

			state->typmod_int_bound = 1;
			for (i = 0; i < precision - scale; i++)
				state->typmod_int_bound *= 10;
		}
		else if (scale >= 0)
			state->typmod_int_bound = 0;	/* every int64 fits */
		state->has_typmod = true;
	}
	state->width_ready = true;
	MemoryContextSwitchTo(old);
}

/*
 * floor(x / n) * n on numeric, quietly: NaN and Infinity stay; a width
 * that is not positive, or a quotient too large to compute, hides the
 * value; for numeric(p,s) the result is rounded to s digits and hidden if
 * it does not fit p.  Values below 1e16 with a whole width take an int64
 * path read straight from the numeric's bytes, many times faster than
 * numeric arithmetic.
 */
static Datum
bucket_numeric(FunctionCallInfo fcinfo, int product_arg, int32 typmod)
{
	MaskState  *state = mask_state(fcinfo, product_arg, false);
	Numeric		x;
	Numeric		n;
	Datum		q;
	Datum		r;
	int64		xf;
	int64		ri;

	if (state->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!state->width_ready)
		prepare_width(fcinfo, state, typmod);

	/* floor(x / n) == floor(floor(x) / n) for a whole n > 0 */
	if (state->width_whole && (!state->has_typmod || state->typmod_int_bound >= 0) &&
		numeric_floor_int64(PG_GETARG_DATUM(0), &xf))
	{
		if (!bucket_int64(xf, state->width, &ri))
			PG_RETURN_NULL();
		if (state->has_typmod && state->typmod_int_bound > 0 &&
			(ri >= state->typmod_int_bound || ri <= -state->typmod_int_bound))
			PG_RETURN_NULL();	/* does not fit numeric(p,s) */

		/*
		 * Neighbouring rows often share a bucket: hand out the same
		 * read-only value again (it lives as long as the query, like an
		 * argument passed through).
		 */
		if (!state->last_valid || state->last != ri)
		{
			MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

			if (state->last_valid)
				pfree(state->last_value);
			state->last_value = int64_to_numeric(ri);
			state->last = ri;
			state->last_valid = true;
			MemoryContextSwitchTo(old);
		}
		PG_RETURN_NUMERIC(state->last_value);
	}

	x = PG_GETARG_NUMERIC(0);
	n = PG_GETARG_NUMERIC(1);
	if (numeric_is_nan(x) || numeric_is_inf(x))
		PG_RETURN_NUMERIC(x);
	if (numeric_is_nan(n) || numeric_is_inf(n) || num_cmp(n, state->zero) <= 0)
		PG_RETURN_NULL();		/* no usable width: hide the value */
	if (numeric_weight(x) - numeric_weight(n) > BUCKET_MAX_QUOTIENT_WEIGHT)
		PG_RETURN_NULL();		/* the quotient would overflow: hide the value */
	q = DirectFunctionCall2(numeric_div_trunc, NumericGetDatum(x), NumericGetDatum(n));
	r = DirectFunctionCall2(numeric_mul, q, NumericGetDatum(n));
	if (num_cmp(x, DatumGetNumeric(r)) < 0)
	{
		q = DirectFunctionCall2(numeric_sub, q, NumericGetDatum(int64_to_numeric(1)));
		r = DirectFunctionCall2(numeric_mul, q, NumericGetDatum(n));
	}
	if (state->has_typmod)
	{
		Numeric		a;

		r = DirectFunctionCall2(numeric_round, r, Int32GetDatum(state->typmod_scale));
		a = DatumGetNumeric(DirectFunctionCall1(numeric_abs, r));
		if (num_cmp(a, state->typmod_bound) >= 0)
			PG_RETURN_NULL();	/* does not fit numeric(p,s) */
	}
	PG_RETURN_DATUM(r);
}

/* mask_bucket(numeric, width numeric, product text) */
Datum
datamesh_mask_bucket_numeric(PG_FUNCTION_ARGS)
{
	return bucket_numeric(fcinfo, 2, -1);
}

/*
 * mask_bucket(numeric, width numeric, typmod integer, product text): for
 * a numeric(p,s) column, whose product column keeps the typmod.
 */
Datum
datamesh_mask_bucket_numeric_typmod(PG_FUNCTION_ARGS)
{
	return bucket_numeric(fcinfo, 3, PG_GETARG_INT32(2));
}

/* ------------------------------------------------------------------------
 * hash: keyed pseudonyms that keep the column's type
 * ------------------------------------------------------------------------
 */

/* type tags, so that 5 and '5' never share a pseudonym */
#define TAG_TEXT	't'
#define TAG_INT		'i'
#define TAG_UUID	'u'
#define TAG_BYTEA	'b'

/* SipHash-128 of tag || data under the state's key */
static void
pseudonym(MaskState *state, char tag, const void *data, size_t len,
		  unsigned char *out)
{
	unsigned char stackbuf[256];
	unsigned char *buf = len + 1 <= sizeof(stackbuf) ? stackbuf : palloc(len + 1);

	buf[0] = (unsigned char) tag;
	memcpy(buf + 1, data, len);
	dm_siphash(buf, len + 1, state->key, out, 16);
	if (buf != stackbuf)
		pfree(buf);
}

/* text: 32 hex digits (a varchar(n) column truncates them) */
Datum
datamesh_mask_hash_text(PG_FUNCTION_ARGS)
{
	MaskState  *state = mask_state(fcinfo, 1, true);
	text	   *in;
	unsigned char h[16];
	text	   *out;
	static const char hex[] = "0123456789abcdef";
	int			i;

	if (state->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!state->usable)
		PG_RETURN_NULL();
	in = PG_GETARG_TEXT_PP(0);
	pseudonym(state, TAG_TEXT, VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in), h);
	out = palloc(VARHDRSZ + 32);
	SET_VARSIZE(out, VARHDRSZ + 32);
	for (i = 0; i < 16; i++)
	{
		VARDATA(out)[2 * i] = hex[h[i] >> 4];
		VARDATA(out)[2 * i + 1] = hex[h[i] & 15];
	}
	PG_RETURN_TEXT_P(out);
}

/* integers hash as int64, so that an int4 and an int8 column join */
static bool
hash_int(FunctionCallInfo fcinfo, int64 v, int64 *result)
{
	MaskState  *state = mask_state(fcinfo, 1, true);
	unsigned char h[16];
	unsigned char le[8];

	if (!state->usable)
		return false;
	dm_store_le64(le, (uint64) v);
	pseudonym(state, TAG_INT, le, 8, h);
	*result = (int64) dm_load_le64(h);
	return true;
}

Datum
datamesh_mask_hash_int8(PG_FUNCTION_ARGS)
{
	int64		r;

	if (mask_state(fcinfo, 1, true)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!hash_int(fcinfo, PG_GETARG_INT64(0), &r))
		PG_RETURN_NULL();
	PG_RETURN_INT64(r);
}

Datum
datamesh_mask_hash_int4(PG_FUNCTION_ARGS)
{
	int64		r;

	if (mask_state(fcinfo, 1, true)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!hash_int(fcinfo, PG_GETARG_INT32(0), &r))
		PG_RETURN_NULL();
	PG_RETURN_INT32((int32) r);
}

/* uuid: the 128 bits, marked as a version 8 (custom) RFC 9562 uuid */
Datum
datamesh_mask_hash_uuid(PG_FUNCTION_ARGS)
{
	MaskState  *state = mask_state(fcinfo, 1, true);
	pg_uuid_t  *in;
	pg_uuid_t  *out;

	if (state->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!state->usable)
		PG_RETURN_NULL();
	in = PG_GETARG_UUID_P(0);
	out = palloc(sizeof(pg_uuid_t));
	pseudonym(state, TAG_UUID, in->data, UUID_LEN, out->data);
	out->data[6] = (out->data[6] & 0x0f) | 0x80;
	out->data[8] = (out->data[8] & 0x3f) | 0x80;
	PG_RETURN_UUID_P(out);
}

/* bytea: the 16 bytes */
Datum
datamesh_mask_hash_bytea(PG_FUNCTION_ARGS)
{
	MaskState  *state = mask_state(fcinfo, 1, true);
	bytea	   *in;
	bytea	   *out;

	if (state->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!state->usable)
		PG_RETURN_NULL();
	in = PG_GETARG_BYTEA_PP(0);
	out = palloc(VARHDRSZ + 16);
	SET_VARSIZE(out, VARHDRSZ + 16);
	pseudonym(state, TAG_BYTEA, VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in),
			  (unsigned char *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

/* ------------------------------------------------------------------------
 * The planner support function of mask_hash: who may compute pseudonyms
 * ------------------------------------------------------------------------
 */
typedef struct VarCheck
{
	List	   *rtables;		/* range tables, innermost first */
	const char *domain;			/* the product's domain */
	char		scope[NAMEDATALEN];	/* the product's pseudonym scope */
	int			nvars;			/* Vars seen */
	int			depth;			/* sub-queries followed */
	bool		ok;				/* nothing but Vars of scope relations */
} VarCheck;

static bool check_value_walker(Node *node, VarCheck *vc);

/* does the range table of sub name a relation of the product's scope? */
static bool
reads_scope_relation(Query *sub, VarCheck *vc)
{
	ListCell   *lc;

	foreach(lc, sub->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);
		DmDomain	domain;
		char		scope[NAMEDATALEN];

		if (rte->rtekind != RTE_RELATION ||
			!dm_catalog_schema_domain(get_rel_namespace(rte->relid), &domain, NULL))
			continue;
		if (strcmp(domain.key, vc->domain) == 0)
			return true;
		domain_scope(domain.key, scope);
		if (strcmp(scope, vc->scope) == 0)
			return true;
	}
	return false;
}

/*
 * Follows a column of a sub-query that is no security barrier (a view
 * the planner did not flatten, such as a UNION, or the arms of a UNION
 * ALL it made an append relation of) to the expressions that compute it,
 * in every arm of a set operation.  A security barrier -- every product
 * view is one -- is never followed: a consumer reaches scope relations
 * only through products, and what a product shows is no column of a
 * scope relation.
 */
static void
check_subquery_column(Query *sub, AttrNumber attno, VarCheck *vc)
{
	if (++vc->depth > 64)
	{
		vc->ok = false;
		return;
	}
	if (sub->setOperations != NULL)
	{
		ListCell   *lc;

		foreach(lc, sub->rtable)
		{
			RangeTblEntry *arm = lfirst(lc);

			if (arm->rtekind != RTE_SUBQUERY || arm->subquery == NULL)
				continue;
			if (arm->security_barrier)
				vc->ok = false;
			else
				check_subquery_column(arm->subquery, attno, vc);
			if (!vc->ok)
				break;
		}
	}
	else
	{
		TargetEntry *tle = get_tle_by_resno(sub->targetList, attno);

		if (tle == NULL)
			vc->ok = false;
		else
		{
			int			nvars = vc->nvars;

			vc->rtables = lcons(sub->rtable, vc->rtables);
			check_value_walker((Node *) tle->expr, vc);
			vc->rtables = list_delete_first(vc->rtables);

			/*
			 * A column computed from no column at all (rank(), count(*), a
			 * constant) of a sub-query that reads a scope relation itself:
			 * only the scope's teams can run such a query.
			 */
			if (vc->ok && vc->nvars == nvars && reads_scope_relation(sub, vc))
				vc->nvars++;
		}
	}
	vc->depth--;
}

static bool
check_value_walker(Node *node, VarCheck *vc)
{
	if (node == NULL || !vc->ok)
		return false;
	if (IsA(node, Var))
	{
		Var		   *var = (Var *) node;
		List	   *rtable;
		RangeTblEntry *rte;
		DmDomain	domain;
		char		scope[NAMEDATALEN];

		if (var->varlevelsup >= list_length(vc->rtables) || var->varno < 1 ||
			(rtable = list_nth(vc->rtables, var->varlevelsup)) == NIL ||
			var->varno > list_length(rtable))
		{
			vc->ok = false;
			return false;
		}
		rte = rt_fetch(var->varno, rtable);
		if (rte->rtekind == RTE_SUBQUERY && rte->subquery != NULL &&
			!rte->security_barrier && var->varattno > 0)
		{
			check_subquery_column(rte->subquery, var->varattno, vc);
			return false;
		}
		vc->nvars++;
		if (rte->rtekind != RTE_RELATION ||
			!dm_catalog_schema_domain(get_rel_namespace(rte->relid), &domain, NULL))
		{
			vc->ok = false;
			return false;
		}
		/* the product's own domain needs no look-up of its scope */
		if (strcmp(domain.key, vc->domain) == 0)
			return false;
		domain_scope(domain.key, scope);
		if (strcmp(scope, vc->scope) != 0)
			vc->ok = false;
		return false;
	}
	if (IsA(node, SubLink) && ((SubLink *) node)->subLinkType == EXPR_SUBLINK &&
		IsA(((SubLink *) node)->subselect, Query))
	{
		/*
		 * A scalar sub-query of a source view: its value is its first
		 * column, which must again be computed from scope relations.
		 */
		Query	   *sub = (Query *) ((SubLink *) node)->subselect;
		TargetEntry *tle = linitial_node(TargetEntry, sub->targetList);

		if (sub->setOperations != NULL || ++vc->depth > 64)
		{
			vc->ok = false;
			return false;
		}
		vc->rtables = lcons(sub->rtable, vc->rtables);
		check_value_walker((Node *) tle->expr, vc);
		vc->rtables = list_delete_first(vc->rtables);
		vc->depth--;
		return false;
	}
	if (IsA(node, Param) || IsA(node, SubLink) || IsA(node, Query))
	{
		vc->ok = false;
		return false;
	}
	return expression_tree_walker(node, check_value_walker, (void *) vc);
}

/*
 * SupportRequestSimplify on every planned call of mask_hash: refuses,
 * with an error, a call whose value is not computed from columns of
 * relations of the product's own pseudonym scope, in a SELECT.  In an
 * INSERT, UPDATE or DELETE through an updatable view the caller's
 * RETURNING and SET expressions run over the base table's columns, so
 * there mask_hash is refused whatever it reads.
 */
Datum
datamesh_mask_hash_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestSimplify *req;
	FuncExpr   *fcall;
	Node	   *product;
	ProductAccess *pa = NULL;
	VarCheck	vc;

	if (!IsA(rawreq, SupportRequestSimplify))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestSimplify *) rawreq;
	fcall = req->fcall;

	memset(&vc, 0, sizeof(vc));
	vc.ok = req->root != NULL && list_length(fcall->args) == 2 &&
		req->root->parse->commandType == CMD_SELECT;
	if (vc.ok)
	{
		product = lsecond(fcall->args);
		if (IsA(product, Const) && !((Const *) product)->constisnull)
			pa = product_access(TextDatumGetCString(((Const *) product)->constvalue));
		vc.ok = pa != NULL;
	}
	if (vc.ok)
	{
		vc.domain = pa->domain;
		vc.rtables = list_make1(req->root->parse->rtable);
		domain_scope(pa->domain, vc.scope);
		check_value_walker(linitial(fcall->args), &vc);
	}
	if (!vc.ok || vc.nvars == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("datamesh.mask_hash() is reserved for data product views"),
				 errdetail("Pseudonyms are computed only from the columns of relations in the product's own pseudonym scope, so that nobody can compute the pseudonym of a value of his choosing."),
				 errhint("Read the pseudonymized column from the data product instead.")));
	PG_RETURN_POINTER(NULL);
}
