/*-------------------------------------------------------------------------
 *
 * mask.c
 *		The masking strategies of data products, except hash (pseudonym.c).
 *
 * A product view calls one mask function per classified column, e.g.
 *		datamesh.mask_email(s.email, 'sales_data_products.customers')
 * The last argument names the product; access.c says whether the reader
 * sees it in clear text.  Every mask is total and quiet: no input raises
 * an error (an error text could show the input), and a value too short or
 * malformed for its strategy is hidden whole (NULL or all '*').  Masked
 * values keep the column's type.
 *
 * IDENTIFICATION
 *		src/mask.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "access.h"

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

/* ------------------------------------------------------------------------
 * The strategies
 * ------------------------------------------------------------------------
 */

/* redact: NULL of any type */
Datum
datamesh_mask_redact(PG_FUNCTION_ARGS)
{
	if (dm_access_mask_state(fcinfo, 1, false)->clear)
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

	if (dm_access_mask_state(fcinfo, 1, false)->clear)
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

	if (dm_access_mask_state(fcinfo, 3, false)->clear)
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
	MaskState  *state = dm_access_mask_state(fcinfo, 1, false);
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
	MaskState  *state = dm_access_mask_state(fcinfo, 1, false);
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

	if (dm_access_mask_state(fcinfo, 2, false)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!bucket_int64(PG_GETARG_INT64(0), PG_GETARG_INT64(1), &r))
		PG_RETURN_NULL();
	PG_RETURN_INT64(r);
}

Datum
datamesh_mask_bucket_int4(PG_FUNCTION_ARGS)
{
	int64		r;

	if (dm_access_mask_state(fcinfo, 2, false)->clear)
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

	if (dm_access_mask_state(fcinfo, 2, false)->clear)
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

	if (dm_access_mask_state(fcinfo, 2, false)->clear)
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

	if (dm_access_mask_state(fcinfo, 2, false)->clear)
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
	MaskState  *state = dm_access_mask_state(fcinfo, product_arg, false);
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

