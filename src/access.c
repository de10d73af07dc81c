/*-------------------------------------------------------------------------
 *
 * access.c
 *		Who sees a product in clear text, and the keys of its scope.
 *
 * A backend-local cache of datamesh.product, datamesh.unmasked,
 * datamesh.pseudonym_scope and datamesh.pseudonym_key, read with the
 * low-level table API (no privilege checks, works in parallel workers) and
 * dropped when any of them changes.  A product's mask functions ask it, on
 * their first call in an execution (state in fn_extra, rebuilt by every
 * executor start), whether the current user is a member of a role granted
 * unmasked access -- membership, never the superuser bypass -- so the
 * decision is taken when a query runs, not when it was planned.
 *
 * IDENTIFICATION
 *		src/access.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/table.h"
#include "catalog/pg_collation.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "parser/parse_relation.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "access.h"
#include "catalog.h"

static MemoryContext access_cxt = NULL;
static HTAB *access_map = NULL;

/* the tables the cache is built from, and datamesh.domain */
static const char *const watched_names[] = {
	"product", "unmasked", "pseudonym_scope", "pseudonym_key", "domain"
};
static Oid	watched[lengthof(watched_names)];

static void invalidate_access(Datum arg, Oid relid);

/* invalidates the caches of every backend after a change of table */
void
dm_access_invalidate(const char *table)
{
	Oid			relid = dm_catalog_relid(table);

	if (OidIsValid(relid))
		CacheInvalidateRelcacheByRelid(relid);
}

/* ------------------------------------------------------------------------
 * Who may see clear text, and the keys: a backend-local cache of
 * datamesh.product, datamesh.unmasked, datamesh.pseudonym_scope and
 * datamesh.pseudonym_key, dropped when any of them changes.
 * ------------------------------------------------------------------------
 */
void
dm_access_init(void)
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
 * Calls fn for every tuple of datamesh.<relname> whose primary key starts
 * with key, found through the primary key's index; low-level, no
 * privilege checks, works in parallel workers.
 */
static void
scan_table(const char *relname, const char *key,
		   void (*fn) (HeapTuple tuple, TupleDesc desc, Relation rel, void *arg),
		   void *arg)
{
	Oid			relid = dm_catalog_relid(relname);
	Oid			indexid = dm_catalog_relid(psprintf("%s_pkey", relname));
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	ScanKeyData skey;

	if (!OidIsValid(relid) || !OidIsValid(indexid))
		return;
	rel = table_open(relid, AccessShareLock);
	/* the first column of every datamesh primary key is text */
	ScanKeyEntryInitialize(&skey, 0, 1, BTEqualStrategyNumber, InvalidOid,
						   DEFAULT_COLLATION_OID, F_TEXTEQ, CStringGetTextDatum(key));
	scan = systable_beginscan(rel, indexid, true, NULL, 1, &skey);
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
void
dm_access_domain_scope(const char *domain, char *scope)
{
	AccessBuild b;
	ProductAccess pa;

	memset(&pa, 0, sizeof(pa));
	strlcpy(pa.domain, domain, NAMEDATALEN);
	memset(&b, 0, sizeof(b));
	b.pa = &pa;
	/* a domain's own scope; named scopes cannot contain a colon */
	snprintf(b.scope, NAMEDATALEN, "domain:%s", domain);
	scan_table("pseudonym_scope", domain, find_scope, &b);
	strlcpy(scope, b.scope, NAMEDATALEN);
}

/*
 * What the mask functions of a product need: its domain, the roles granted
 * unmasked access, the key of its scope.  NULL for an unknown product.
 */
ProductAccess *
dm_access_product(const char *product)
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
		scan_table("product", product, find_product, &b);
		if (tmp.domain[0])
		{
			scan_table("unmasked", product, find_grantees, &b);
			dm_access_domain_scope(tmp.domain, b.scope);
			scan_table("pseudonym_key", b.scope, find_key, &b);
		}
		if (access_map == NULL)		/* invalidated while we read */
			return tmp.domain[0] ? dm_access_product(product) : NULL;
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
MaskState *
dm_access_mask_state(FunctionCallInfo fcinfo, int product_arg, bool hash)
{
	MaskState  *state = (MaskState *) fcinfo->flinfo->fn_extra;
	ProductAccess *pa;
	char	   *product;
	int			i;

	if (state != NULL)
		return state;
	state = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(MaskState));
	product = text_to_cstring(PG_GETARG_TEXT_PP(product_arg));
	pa = dm_access_product(product);
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

