/*-------------------------------------------------------------------------
 *
 * pseudonym.c
 *		Keyed pseudonyms: the hash strategy, who may compute one, the keys.
 *
 * Strategy hash replaces a value with SipHash-2-4 (128-bit output) over a
 * type tag and the value's bytes, keyed with the 128-bit key of the
 * product's pseudonym scope, and keeps the column's type.  The keys sit in
 * datamesh.pseudonym_key, which only superusers can read; access.c reads
 * them with the low-level table API.
 *
 * A consumer must not compute the pseudonym of a value of his choosing, yet
 * functions in a view run with the reader's privileges, so mask_hash is
 * callable by every reader.  Its planner support function checks every
 * planned call: in a SELECT, the value must be computed from columns of
 * relations of the product's own scope, followed through sub-queries that
 * are no security barrier (a consumer meets scope relations only inside a
 * product, which is one).  At run time mask_hash also refuses a constant
 * or parameter as its value, in case a call escaped planning.
 *
 * Scopes: a domain's own scope is called "domain:KEY"; named scopes, set by
 * set_pseudonym_scope, are plain names, so the two never share a name
 * space.  Every scope in use has exactly one key (dm_pseudonym_sync_keys).
 *
 * IDENTIFICATION
 *		src/pseudonym.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/uuid.h"

#include "access.h"
#include "catalog.h"
#include "datamesh.h"
#include "exec.h"
#include "pseudonym.h"
#include "siphash.h"

PG_FUNCTION_INFO_V1(datamesh_mask_hash_text);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_int4);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_int8);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_uuid);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_bytea);
PG_FUNCTION_INFO_V1(datamesh_mask_hash_support);
PG_FUNCTION_INFO_V1(datamesh_siphash);
PG_FUNCTION_INFO_V1(datamesh_set_pseudonym_scope);
PG_FUNCTION_INFO_V1(datamesh_rotate_key);

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
	MaskState  *state = dm_access_mask_state(fcinfo, 1, true);
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
	MaskState  *state = dm_access_mask_state(fcinfo, 1, true);
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

	if (dm_access_mask_state(fcinfo, 1, true)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!hash_int(fcinfo, PG_GETARG_INT64(0), &r))
		PG_RETURN_NULL();
	PG_RETURN_INT64(r);
}

Datum
datamesh_mask_hash_int4(PG_FUNCTION_ARGS)
{
	int64		r;

	if (dm_access_mask_state(fcinfo, 1, true)->clear)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (!hash_int(fcinfo, PG_GETARG_INT32(0), &r))
		PG_RETURN_NULL();
	PG_RETURN_INT32((int32) r);
}

/* uuid: the 128 bits, marked as a version 8 (custom) RFC 9562 uuid */
Datum
datamesh_mask_hash_uuid(PG_FUNCTION_ARGS)
{
	MaskState  *state = dm_access_mask_state(fcinfo, 1, true);
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
	MaskState  *state = dm_access_mask_state(fcinfo, 1, true);
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
		dm_access_domain_scope(domain.key, scope);
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
		dm_access_domain_scope(domain.key, scope);
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
 * Would a product of domain compute the pseudonym of value, an expression
 * over the range table rtable of a rewritten (not planned) query, as the
 * planner support function below decides?  The same walk, run without
 * planning: planning evaluates functions, which must never run with
 * datamesh's privileges.
 */
bool
dm_pseudonym_value_ok(List *rtable, Node *value, const char *domain)
{
	VarCheck	vc;

	memset(&vc, 0, sizeof(vc));
	vc.ok = true;
	vc.domain = domain;
	vc.rtables = list_make1(rtable);
	dm_access_domain_scope(domain, vc.scope);
	check_value_walker(value, &vc);
	return vc.ok && vc.nvars > 0;
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
	bool		ok;

	if (!IsA(rawreq, SupportRequestSimplify))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestSimplify *) rawreq;
	fcall = req->fcall;

	ok = req->root != NULL && list_length(fcall->args) == 2 &&
		req->root->parse->commandType == CMD_SELECT;
	if (ok)
	{
		product = lsecond(fcall->args);
		if (IsA(product, Const) && !((Const *) product)->constisnull)
			pa = dm_access_product(TextDatumGetCString(((Const *) product)->constvalue));
		ok = pa != NULL &&
			dm_pseudonym_value_ok(req->root->parse->rtable, linitial(fcall->args),
								  pa->domain);
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("datamesh.mask_hash() is reserved for data product views"),
				 errdetail("Pseudonyms are computed only from the columns of relations in the product's own pseudonym scope, so that nobody can compute the pseudonym of a value of his choosing."),
				 errhint("Read the pseudonymized column from the data product instead.")));
	PG_RETURN_POINTER(NULL);
}

/* ------------------------------------------------------------------------
 * Scopes and keys
 * ------------------------------------------------------------------------
 */

/* the scopes in use, as SQL: a named one, or the domain's own */
#define SCOPES_IN_USE_SQL \
	"SELECT COALESCE(s.scope, 'domain:' OPERATOR(pg_catalog.||) d.key) AS scope" \
	" FROM datamesh.domain d LEFT JOIN datamesh.pseudonym_scope s ON s.domain = d.key"

/* a new random key, as bytea */
static bytea *
random_key(void)
{
	unsigned char key[DM_KEY_BYTES];
	bytea	   *kb;

	if (!pg_strong_random(key, sizeof(key)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random pseudonym key")));
	kb = palloc(VARHDRSZ + DM_KEY_BYTES);
	SET_VARSIZE(kb, VARHDRSZ + DM_KEY_BYTES);
	memcpy(VARDATA(kb), key, DM_KEY_BYTES);
	return kb;
}

/*
 * Keeps exactly one key for every pseudonym scope in use: a domain's own
 * scope ("domain:KEY") or a named one.  Makes the missing keys and deletes
 * those that no domain uses any more, so that a new domain, or a domain
 * made again under an old name, never inherits a key.  (SPI connected)
 */
void
dm_pseudonym_sync_keys(void)
{
	List	   *missing = NIL;
	ListCell   *lc;
	uint64		i;

	dm_exec_catalog("DELETE FROM datamesh.pseudonym_key k WHERE k.scope NOT IN ("
				 SCOPES_IN_USE_SQL ")", 0, NULL, NULL, NULL, false);
	dm_exec_catalog("SELECT DISTINCT u.scope FROM (" SCOPES_IN_USE_SQL ") u"
				 " WHERE NOT EXISTS (SELECT FROM datamesh.pseudonym_key k"
				 " WHERE k.scope = u.scope)", 0, NULL, NULL, NULL, false);
	for (i = 0; i < SPI_processed; i++)
		missing = lappend(missing, SPI_getvalue(SPI_tuptable->vals[i],
												SPI_tuptable->tupdesc, 1));
	foreach(lc, missing)
	{
		Oid			types[2] = {TEXTOID, BYTEAOID};
		Datum		values[2];

		values[0] = CStringGetTextDatum(lfirst(lc));
		values[1] = PointerGetDatum(random_key());
		dm_exec_catalog("INSERT INTO datamesh.pseudonym_key (scope, key) VALUES ($1, $2)"
					 " ON CONFLICT (scope) DO NOTHING",
					 2, types, values, NULL, false);
	}
	dm_access_invalidate("pseudonym_key");
}

/* a scope name: like a domain key part */
static void
check_scope_name(const char *scope)
{
	if (!dm_is_lower_identifier(scope) || strlen(scope) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid pseudonym scope \"%s\"", scope),
				 errdetail("A scope name starts with a lower-case letter and contains only lower-case letters, digits and underscores.")));
}

/*
 * datamesh.set_pseudonym_scope(domain text, scope text): admin only.
 * NULL gives the domain its own scope again.  Named scopes and the
 * domains' own scopes never share a name space: a named scope "sales" is
 * not the own scope of domain "sales".  Keys follow (dm_pseudonym_sync_keys).
 */
Datum
datamesh_set_pseudonym_scope(PG_FUNCTION_ARGS)
{
	char	   *key;
	char	   *scope;
	DmDomain	domain;
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("domain must not be null")));
	key = text_to_cstring(PG_GETARG_TEXT_PP(0));
	scope = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!dm_catalog_find(key, &domain))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("domain \"%s\" does not exist", key)));
	if (scope != NULL)
		check_scope_name(scope);
	dm_spi_connect();
	values[0] = CStringGetTextDatum(key);
	dm_exec_catalog("DELETE FROM datamesh.pseudonym_scope WHERE domain = $1",
				 1, types, values, NULL, false);
	if (scope != NULL)
	{
		values[1] = CStringGetTextDatum(scope);
		dm_exec_catalog("INSERT INTO datamesh.pseudonym_scope (domain, scope) VALUES ($1, $2)",
					 2, types, values, NULL, false);
	}
	dm_access_invalidate("pseudonym_scope");
	CommandCounterIncrement();
	dm_pseudonym_sync_keys();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * datamesh.rotate_key(scope text): admin only.  Every pseudonym of the
 * scope changes at once.  scope is a named scope, or "domain:KEY" for a
 * domain's own scope; a bare domain key names the domain's own scope
 * when no named scope has that name.
 */
Datum
datamesh_rotate_key(PG_FUNCTION_ARGS)
{
	char	   *scope;
	Oid			types[2] = {TEXTOID, BYTEAOID};
	Datum		values[2];
	bool		named;
	bool		own;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("scope must not be null")));
	scope = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (strncmp(scope, "domain:", 7) == 0)
		check_scope_name(scope + 7);
	else
		check_scope_name(scope);
	dm_spi_connect();
	values[0] = CStringGetTextDatum(scope);
	dm_exec_catalog("SELECT 1 FROM (" SCOPES_IN_USE_SQL ") u WHERE u.scope = $1",
				 1, types, values, NULL, false);
	named = SPI_processed > 0;
	own = false;
	if (!named && strncmp(scope, "domain:", 7) != 0)
	{
		/* a bare domain key: that domain's own scope, if it uses it */
		values[0] = CStringGetTextDatum(psprintf("domain:%s", scope));
		dm_exec_catalog("SELECT 1 FROM (" SCOPES_IN_USE_SQL ") u WHERE u.scope = $1",
					 1, types, values, NULL, false);
		own = SPI_processed > 0;
	}
	if (!named && !own)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("pseudonym scope \"%s\" does not exist", scope),
				 errdetail("No domain uses a scope of that name."),
				 errhint("A scope is a name given with datamesh.set_pseudonym_scope(), or \"domain:KEY\" (or just KEY) for the own scope of domain KEY.")));
	values[1] = PointerGetDatum(random_key());
	dm_exec_catalog("INSERT INTO datamesh.pseudonym_key (scope, key) VALUES ($1, $2)"
				 " ON CONFLICT (scope) DO UPDATE SET key = excluded.key,"
				 " created_at = pg_catalog.now()",
				 2, types, values, NULL, false);
	dm_access_invalidate("pseudonym_key");
	SPI_finish();
	PG_RETURN_VOID();
}

