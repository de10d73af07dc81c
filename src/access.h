/*-------------------------------------------------------------------------
 *
 * access.h
 *		Who sees a product in clear text, and the keys of its scope.
 *
 * IDENTIFICATION
 *		src/access.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_ACCESS_H
#define DATAMESH_ACCESS_H

#include "fmgr.h"
#include "utils/numeric.h"

#define DM_KEY_BYTES 16

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

extern void dm_access_init(void);
extern void dm_access_invalidate(const char *table);
extern void dm_access_domain_scope(const char *domain, char *scope);
extern ProductAccess *dm_access_product(const char *product);
extern MaskState *dm_access_mask_state(FunctionCallInfo fcinfo, int product_arg,
									   bool hash);

#endif							/* DATAMESH_ACCESS_H */
