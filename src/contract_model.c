/*-------------------------------------------------------------------------
 *
 * contract_model.c
 *		Contract models from PostgreSQL: documents as stored, products as
 *		the catalogs describe them, and what a published version promises.
 *
 * The rule engine (contract.c) compares two plain models.  This file makes
 * them: a document (jsonb) goes through the parser (json.c, the only user
 * of jansson) and gets its physicalTypes resolved with PostgreSQL's own
 * type parser, so "int8" and "bigint" are one type; a product view goes
 * through the catalogs (its columns and types, NOT NULL and uniqueness
 * that its definition passes through from a base table, enum labels, the
 * masking its generated view applies, the consumer role's SELECT).
 *
 * A version's promise at DDL time is its document, with three changes:
 * guarantees the catalogs could not derive when it was published
 * (required, unique or a primary key the view does not pass through from a
 * table's constraints, allowed values, bounds, quality rules) are left to
 * the data checks, because no DDL decides them; enum labels and masking
 * are taken as they were at publication (the baseline), so ADD VALUE or a
 * removed label shows as a change.
 *
 * Everything here allocates in CurrentMemoryContext.  Functions marked
 * "SPI connected" run catalog SQL; their results live until SPI_finish.
 *
 * IDENTIFICATION
 *		src/contract_model.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "parser/parsetree.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "classify.h"
#include "contract_model.h"
#include "exec.h"
#include "json.h"
#include "settings.h"

/* how deep a column is traced through views to its table */
#define TRACE_MAX_DEPTH 32

/* a view column traced to the table column it passes through unchanged */
typedef struct Trace
{
	Oid			relid;			/* the table; InvalidOid if not traceable */
	AttrNumber	attnum;
} Trace;

/* a view's defining query, kept while one model is made */
typedef struct ViewQuery
{
	Oid			relid;
	Query	   *query;
} ViewQuery;

/* the baseline of one column, as stored */
typedef struct BaseColumn
{
	char	   *name;
	bool		not_null;
	bool		unique;
	bool		primary_key;
	char	  **labels;
	int			nlabels;
	bool		has_labels;
	char	   *pii;
} BaseColumn;

static void *contract_palloc0(size_t size);
static void *jansson_palloc(size_t size);
static void jansson_pfree(void *ptr);
static void resolve_type(DmType *type, const char *path, bool lenient);
static void trace_column(Oid relid, AttrNumber attnum, int depth, Trace *out,
						 List **queries);
static Query *view_query(Oid relid, List **queries);
static bool simple_query(Query *q);
static void table_keys(Oid relid, AttrNumber attnum, bool *unique,
					   bool *primary_key, int *pk_position, int *pk_columns);
static bool column_not_null(Oid relid, AttrNumber attnum);
static char **enum_labels(Oid typid, int *n);
static char *mask_of(Query *q, AttrNumber resno);
static bool consumer_may_select(Oid viewid);
static bool owner_may_read(Oid viewid, int depth);

/* ------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------
 */

static void *
contract_palloc0(size_t size)
{
	return palloc0(size);
}

static void *
jansson_palloc(size_t size)
{
	return palloc(size);
}

static void
jansson_pfree(void *ptr)
{
	if (ptr != NULL)
		pfree(ptr);
}

/*
 * The model and jansson allocate in PostgreSQL memory, so an error in the
 * middle of a parse leaks nothing.  Set before the first model is made
 * (every model comes from here; the engine allocates only for models).
 */
static void
use_postgres_memory(void)
{
	static bool done = false;

	if (done)
		return;
	dm_contract_alloc = contract_palloc0;
	dm_json_set_alloc(jansson_palloc, jansson_pfree);
	done = true;
}

/* ------------------------------------------------------------------------
 * Documents
 * ------------------------------------------------------------------------
 */

/* error context: which JSON path a type name came from */
static void
type_path_context(void *arg)
{
	errcontext("data contract field %s", (const char *) arg);
}

/*
 * Resolves a physicalType with PostgreSQL's parser ("int8", "bigint",
 * "character varying(10)"); a name that is no type is an error naming the
 * path.
 */
static void
resolve_type(DmType *type, const char *path, bool lenient)
{
	ErrorContextCallback callback;
	Oid			typid;
	int32		typmod;
	char	   *where = psprintf("%s.physicalType", path);
	const char *c;

	/* what a type name can hold; anything else is no type name */
	for (c = type->physical; *c != '\0'; c++)
		if (!(isalnum((unsigned char) *c) || IS_HIGHBIT_SET(*c) ||
			  strchr(" _.\"(),[]", *c) != NULL))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid data contract at %s", where),
					 errdetail("\"%s\" is not a PostgreSQL type name.", type->physical),
					 errhint("physicalType is a PostgreSQL type name, as format_type() prints it.")));

	callback.callback = type_path_context;
	callback.arg = where;
	callback.previous = error_context_stack;
	error_context_stack = &callback;
	if (!lenient)
	{
		/*
		 * A document sent now: a syntax error of the type name becomes our
		 * error naming the path (the parser's points into the caller's
		 * statement).  Caught in a subtransaction, as PL/pgSQL does.
		 */
		MemoryContext cxt = CurrentMemoryContext;
		ResourceOwner owner = CurrentResourceOwner;

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(cxt);
		PG_TRY();
		{
			parseTypeString(type->physical, &typid, &typmod, true);
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(cxt);
			CurrentResourceOwner = owner;
		}
		PG_CATCH();
		{
			ErrorData  *edata;

			MemoryContextSwitchTo(cxt);
			edata = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(cxt);
			CurrentResourceOwner = owner;
			error_context_stack = callback.previous;
			if (edata->sqlerrcode != ERRCODE_SYNTAX_ERROR)
				ReThrowError(edata);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid data contract at %s", where),
					 errdetail("\"%s\" is not a PostgreSQL type name.", type->physical),
					 errhint("physicalType is a PostgreSQL type name, as format_type() prints it.")));
		}
		PG_END_TRY();
	}
	else
		parseTypeString(type->physical, &typid, &typmod, true);
	error_context_stack = callback.previous;

	if (!OidIsValid(typid) && lenient)
	{
		/* a stored contract's type renamed or dropped since: a type no column has */
		type->oid = InvalidOid;
		type->typmod = -1;
		type->family = DM_TF_OTHER;
		type->base_rank = 1;
		type->length = -1;
		type->scale = -1;
		return;
	}
	if (!OidIsValid(typid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type \"%s\" of data contract field %s does not exist",
						type->physical, where),
				 errhint("physicalType is a PostgreSQL type name, as format_type() prints it.")));
	dm_contract_set_type(type, typid, typmod);
}

/*
 * A contract document as a model; raises an error naming the JSON path of
 * the first bad field.
 */
DmContract *
dm_contract_parse(Jsonb *document, int flags)
{
	char	   *text = JsonbToCString(NULL, &document->root, VARSIZE(document));
	DmContract *c = palloc0(sizeof(DmContract));
	DmJsonError err;
	int			i;

	use_postgres_memory();
	if (!JB_ROOT_IS_OBJECT(document))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid data contract at $"),
				 errdetail("A contract is a JSON object, not %s.",
						   JB_ROOT_IS_SCALAR(document) ? "a scalar" : "an array"),
				 errhint("A contract is an ODCS v3.1.0 document (apiVersion \"v3.1.0\", kind \"DataContract\"); settings of datamesh go into customProperties.")));
	memset(&err, 0, sizeof(err));
	if (!dm_json_parse_contract(text, strlen(text), flags & ~DM_CONTRACT_STORED, c, &err))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid data contract at %s", err.path),
				 errdetail("%s", err.message),
				 errhint("A contract is an ODCS v3.1.0 document (apiVersion \"v3.1.0\", kind \"DataContract\"); settings of datamesh go into customProperties.")));
	for (i = 0; i < c->nprops; i++)
		if (c->props[i].type.physical != NULL)
			resolve_type(&c->props[i].type, c->props[i].path,
						 (flags & DM_CONTRACT_STORED) != 0);
	return c;
}

/*
 * The family of a type, and its place inside it: what the rules need to
 * tell widening from narrowing.  A domain is judged by its base type but
 * keeps its own OID.
 */
void
dm_contract_set_type(DmType *type, Oid typid, int32 typmod)
{
	int32		basemod = typmod;
	Oid			base = getBaseTypeAndTypmod(typid, &basemod);

	type->oid = typid;
	type->typmod = typmod;
	type->base_rank = 1;
	type->length = -1;
	type->scale = -1;
	if (type->physical == NULL)
		type->physical = format_type_with_typemod(typid, typmod);

	switch (base)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			type->family = DM_TF_INTEGER;
			type->base_rank = base == INT2OID ? 1 : base == INT4OID ? 2 : 3;
			break;
		case NUMERICOID:
			type->family = DM_TF_EXACT;
			if (basemod >= (int32) VARHDRSZ)
			{
				type->length = ((basemod - VARHDRSZ) >> 16) & 0xffff;
				type->scale = (basemod - VARHDRSZ) & 0x7ff;
			}
			break;
		case FLOAT4OID:
		case FLOAT8OID:
			type->family = DM_TF_FLOAT;
			type->base_rank = base == FLOAT4OID ? 1 : 2;
			break;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
			type->family = DM_TF_STRING;
			if ((base == VARCHAROID || base == BPCHAROID) && basemod >= (int32) VARHDRSZ)
				type->length = basemod - VARHDRSZ;
			else if (base == NAMEOID)
				type->length = NAMEDATALEN - 1;
			break;
		case BOOLOID:
			type->family = DM_TF_BOOLEAN;
			break;
		case DATEOID:
			type->family = DM_TF_DATE;
			break;
		case TIMESTAMPOID:
			type->family = DM_TF_TIMESTAMP;
			type->length = basemod >= 0 ? basemod : -1;
			break;
		case TIMESTAMPTZOID:
			type->family = DM_TF_TIMESTAMPTZ;
			type->length = basemod >= 0 ? basemod : -1;
			break;
		case TIMEOID:
		case TIMETZOID:
			type->family = DM_TF_TIME;
			type->base_rank = base == TIMEOID ? 1 : 2;
			break;
		case INTERVALOID:
			type->family = DM_TF_INTERVAL;
			break;
		case UUIDOID:
			type->family = DM_TF_UUID;
			break;
		case JSONOID:
		case JSONBOID:
			type->family = DM_TF_JSON;
			break;
		case BYTEAOID:
			type->family = DM_TF_BINARY;
			break;
		default:
			if (type_is_enum(base))
				type->family = DM_TF_ENUM;
			else if (OidIsValid(get_element_type(base)))
				type->family = DM_TF_ARRAY;
			else
				type->family = DM_TF_OTHER;
			break;
	}
}

/* the ODCS logicalType of a resolved type, or NULL */
const char *
dm_contract_logical_type(const DmType *type)
{
	switch (type->family)
	{
		case DM_TF_INTEGER:
			return "integer";
		case DM_TF_EXACT:
		case DM_TF_FLOAT:
			return "number";
		case DM_TF_STRING:
		case DM_TF_UUID:
		case DM_TF_ENUM:
		case DM_TF_INTERVAL:
			return "string";
		case DM_TF_BOOLEAN:
			return "boolean";
		case DM_TF_DATE:
			return "date";
		case DM_TF_TIMESTAMP:
		case DM_TF_TIMESTAMPTZ:
			return "timestamp";
		case DM_TF_TIME:
			return "time";
		case DM_TF_JSON:
			return "object";
		case DM_TF_ARRAY:
			return "array";
		default:
			return NULL;
	}
}

/* ------------------------------------------------------------------------
 * Products as the catalogs describe them
 * ------------------------------------------------------------------------
 */

/*
 * Can a column of this query be traced to one row of one relation: a
 * single relation in FROM, no set operation, grouping, aggregate or
 * set-returning function (each of which makes or merges rows)?
 */
static bool
simple_query(Query *q)
{
	RangeTblRef *ref;

	if (q->setOperations != NULL || q->groupClause != NIL ||
		q->groupingSets != NIL || q->hasAggs || q->hasTargetSRFs ||
		q->jointree == NULL || list_length(q->jointree->fromlist) != 1)
		return false;
	ref = linitial(q->jointree->fromlist);
	if (!IsA(ref, RangeTblRef))
		return false;
	return rt_fetch(ref->rtindex, q->rtable)->rtekind == RTE_RELATION;
}

/*
 * Follows a column through views that pass it unchanged (a plain column
 * reference in a simple query) to a table.  out->relid is InvalidOid when
 * the column is computed, masked, or comes from a join, a set operation or
 * a grouping.
 */
static void
trace_column(Oid relid, AttrNumber attnum, int depth, Trace *out,
			 List **queries)
{
	char		relkind = get_rel_relkind(relid);
	Query	   *q;
	TargetEntry *tle;
	Var		   *var;
	RangeTblEntry *rte;

	out->relid = InvalidOid;
	out->attnum = InvalidAttrNumber;
	check_stack_depth();
	if (depth > TRACE_MAX_DEPTH)
		return;
	if (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE)
	{
		out->relid = relid;
		out->attnum = attnum;
		return;
	}
	if (relkind != RELKIND_VIEW)
		return;

	q = view_query(relid, queries);
	if (q == NULL || !simple_query(q))
		return;
	tle = get_tle_by_resno(q->targetList, attnum);
	if (tle == NULL || tle->resjunk || !IsA(tle->expr, Var))
		return;
	var = (Var *) tle->expr;
	if (var->varlevelsup != 0 || var->varattno <= 0)
		return;
	rte = rt_fetch(var->varno, q->rtable);
	if (rte->rtekind != RTE_RELATION)
		return;
	trace_column(rte->relid, var->varattno, depth + 1, out, queries);
}

/* a view's query, read once per model: *queries holds the ViewQuery read so far */
static Query *
view_query(Oid relid, List **queries)
{
	ListCell   *lc;
	Relation	rel;
	ViewQuery  *vq;

	foreach(lc, *queries)
		if (((ViewQuery *) lfirst(lc))->relid == relid)
			return ((ViewQuery *) lfirst(lc))->query;
	vq = palloc(sizeof(ViewQuery));
	rel = relation_open(relid, AccessShareLock);
	vq->relid = relid;
	vq->query = dm_relation_query(rel);
	relation_close(rel, AccessShareLock);
	*queries = lappend(*queries, vq);
	return vq->query;
}

/*
 * What a table's indexes say of one column: unique on its own (a unique,
 * non-partial index on just this column), and its place in the primary
 * key.  A table with inheritance children has no unique column: its
 * children's rows are not covered by its indexes.
 */
static void
table_keys(Oid relid, AttrNumber attnum, bool *unique, bool *primary_key,
		   int *pk_position, int *pk_columns)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);

	/*
	 * pg_inherits, not relhassubclass: that flag stays set after the last
	 * child is gone, until the next VACUUM or ANALYZE.
	 */
	bool		children = rel->rd_rel->relkind == RELKIND_RELATION &&
		rel->rd_rel->relhassubclass &&
		find_inheritance_children(relid, NoLock) != NIL;
	ListCell   *lc;

	*unique = false;
	*primary_key = false;
	*pk_position = 0;
	*pk_columns = 0;
	table_close(rel, AccessShareLock);
	if (children)
		return;

	foreach(lc, indexes)
	{
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;
		bool		plain;
		int			i;

		if (!HeapTupleIsValid(tuple))
			continue;
		index = (Form_pg_index) GETSTRUCT(tuple);
		plain = index->indisunique && index->indisvalid &&
			heap_attisnull(tuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(tuple, Anum_pg_index_indexprs, NULL);
		if (plain && index->indnkeyatts == 1 && index->indkey.values[0] == attnum)
			*unique = true;
		/* an index not (yet) valid guarantees nothing */
		if (index->indisprimary && index->indisvalid && index->indisready)
		{
			*pk_columns = index->indnkeyatts;
			for (i = 0; i < index->indnkeyatts; i++)
				if (index->indkey.values[i] == attnum)
				{
					*primary_key = true;
					*pk_position = i + 1;
				}
			if (*primary_key && index->indnkeyatts == 1)
				*unique = true;
		}
		ReleaseSysCache(tuple);
	}
}

/*
 * Is a table's column NOT NULL in every row it returns?  Not when it has
 * inheritance children: a child may drop an inherited NOT NULL (a
 * partition may not).
 */
static bool
column_not_null(Oid relid, AttrNumber attnum)
{
	HeapTuple	tuple;
	bool		result = false;

	if (get_rel_relkind(relid) == RELKIND_RELATION &&
		find_inheritance_children(relid, NoLock) != NIL)
		return false;
	tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));

	if (HeapTupleIsValid(tuple))
	{
		result = ((Form_pg_attribute) GETSTRUCT(tuple))->attnotnull;
		ReleaseSysCache(tuple);
	}
	return result;
}

/* compares two pg_enum rows by their sort order */
static int
enum_order_cmp(const void *a, const void *b)
{
	float4		x = ((Form_pg_enum) GETSTRUCT(*(const HeapTuple *) a))->enumsortorder;
	float4		y = ((Form_pg_enum) GETSTRUCT(*(const HeapTuple *) b))->enumsortorder;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* an enum's labels in their order */
static char **
enum_labels(Oid typid, int *n)
{
	CatCList   *list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(typid));
	HeapTuple  *tuples = palloc(sizeof(HeapTuple) * Max(list->n_members, 1));
	char	  **labels = palloc(sizeof(char *) * Max(list->n_members, 1));
	int			i;

	for (i = 0; i < list->n_members; i++)
		tuples[i] = &list->members[i]->tuple;
	qsort(tuples, list->n_members, sizeof(HeapTuple), enum_order_cmp);
	for (i = 0; i < list->n_members; i++)
		labels[i] = pstrdup(NameStr(((Form_pg_enum) GETSTRUCT(tuples[i]))->enumlabel));
	*n = list->n_members;
	ReleaseSysCacheList(list);
	return labels;
}

/*
 * The masking a generated product view applies to one column: the
 * strategy named by the datamesh.mask_* function around it, or NULL.
 */
static char *
mask_of(Query *q, AttrNumber resno)
{
	TargetEntry *tle = get_tle_by_resno(q->targetList, resno);
	Node	   *expr;
	Oid			funcid;
	char	   *name;
	char	   *nsp;

	if (tle == NULL)
		return NULL;
	expr = (Node *) tle->expr;
	/* a masked value may be cast back to the column's type */
	while (expr != NULL && IsA(expr, RelabelType))
		expr = (Node *) ((RelabelType *) expr)->arg;
	if (expr == NULL || !IsA(expr, FuncExpr))
		return NULL;
	funcid = ((FuncExpr *) expr)->funcid;
	nsp = get_namespace_name(get_func_namespace(funcid));
	name = get_func_name(funcid);
	if (nsp == NULL || name == NULL || strcmp(nsp, "datamesh") != 0 ||
		strncmp(name, "mask_", 5) != 0 || strcmp(name, "mask_hash_support") == 0)
		return NULL;
	return pstrdup(name + 5);
}

/*
 * Does the mesh's consumer role (setting consumer_role; PUBLIC by default)
 * hold SELECT on the view, and USAGE on its schema?
 */
static bool
consumer_may_select(Oid viewid)
{
	char	   *role = dm_setting("consumer_role");
	HeapTuple	tuple;
	Datum		aclDatum;
	bool		isnull;
	Acl		   *acl;
	Oid			owner;
	Oid			roleid;
	bool		result;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(viewid));
	if (!HeapTupleIsValid(tuple))
		return false;
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	aclDatum = SysCacheGetAttr(RELOID, tuple, Anum_pg_class_relacl, &isnull);
	if (isnull)
		acl = acldefault(OBJECT_TABLE, owner);
	else
		acl = DatumGetAclPCopy(aclDatum);
	ReleaseSysCache(tuple);

	if (role == NULL || pg_strcasecmp(role, "public") == 0)
		roleid = ACL_ID_PUBLIC;
	else
	{
		roleid = get_role_oid(role, true);
		/* a setting naming no role (renamed since): verify() reports it */
		if (!OidIsValid(roleid))
			return true;
	}
	result = aclmask(acl, roleid, owner, ACL_SELECT, ACLMASK_ANY) != 0;

	/* and USAGE on its schema, without which SELECT is worth nothing */
	if (result)
	{
		Oid			nspid = get_rel_namespace(viewid);

		tuple = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nspid));
		if (!HeapTupleIsValid(tuple))
			return false;
		owner = ((Form_pg_namespace) GETSTRUCT(tuple))->nspowner;
		aclDatum = SysCacheGetAttr(NAMESPACEOID, tuple, Anum_pg_namespace_nspacl, &isnull);
		acl = isnull ? acldefault(OBJECT_SCHEMA, owner) : DatumGetAclPCopy(aclDatum);
		ReleaseSysCache(tuple);
		result = aclmask(acl, roleid, owner, ACL_USAGE, ACLMASK_ANY) != 0;
	}

	/* and the view can read what it reads, with its owner's rights */
	return result && owner_may_read(viewid, 0);
}

/*
 * Can a view's owner read every relation the view reads (SELECT on each,
 * as PostgreSQL checks it when a reader uses the view), down through the
 * views it reads?  A team that revokes its own SELECT on a product's
 * source makes the product unreadable for everyone.
 */
static bool
owner_may_read(Oid viewid, int depth)
{
	Relation	rel;
	Query	   *q;
	Oid			owner;
	ListCell   *lc;

	check_stack_depth();
	if (depth > TRACE_MAX_DEPTH || get_rel_relkind(viewid) != RELKIND_VIEW)
		return true;
	rel = relation_open(viewid, AccessShareLock);
	owner = rel->rd_rel->relowner;
	q = dm_relation_query(rel);
	relation_close(rel, AccessShareLock);
	if (q == NULL)
		return true;
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind != RTE_RELATION || !(rte->requiredPerms & ACL_SELECT))
			continue;
		if (pg_class_aclcheck(rte->relid, owner, ACL_SELECT) != ACLCHECK_OK)
		{
			/* without it, SELECT on each column the view reads will do */
			int			col = -1;

			if (bms_is_empty(rte->selectedCols))
				return false;
			while ((col = bms_next_member(rte->selectedCols, col)) >= 0)
			{
				AttrNumber	attnum = col + FirstLowInvalidHeapAttributeNumber;

				if (attnum == InvalidAttrNumber ||
					pg_attribute_aclcheck(rte->relid, attnum, owner, ACL_SELECT) != ACLCHECK_OK)
					return false;
			}
		}
		if (!owner_may_read(rte->relid, depth + 1))
			return false;
	}
	return true;
}

/*
 * The product as the catalogs describe it now: each column of the view
 * with its type, NOT NULL and uniqueness passed through from a table, its
 * enum labels and masking; whether the view exists under its contracted
 * name, is recorded as a product and readable by the consumer role.
 */
DmContract *
dm_contract_actual(Oid viewid, const char *product)
{
	DmContract *c = palloc0(sizeof(DmContract));
	Relation	rel;
	TupleDesc	desc;
	Query	   *q;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	char	   *now_named;
	int			pk_found = 0;
	int			pk_needed = -1;
	List	   *queries = NIL;
	int			i;

	use_postgres_memory();
	c->is_actual = true;
	c->physical_name = pstrdup(product);
	c->notice_days = -1;
	c->nschemas = 1;
	/* the latest snapshot, as for the versions (dm_contract_stored) */
	values[0] = CStringGetTextDatum(product);
	dm_exec_catalog_latest("SELECT 1 FROM datamesh.product WHERE product = $1",
						   1, types, values);
	c->unpublished = SPI_processed == 0;
	if (!OidIsValid(viewid) || get_rel_relkind(viewid) != RELKIND_VIEW)
		return c;
	now_named = dm_qualified_name(viewid);
	if (strcmp(now_named, product) != 0)
	{
		c->moved_to = now_named;
		return c;
	}
	c->exists = true;
	c->consumer_select = consumer_may_select(viewid);

	rel = relation_open(viewid, AccessShareLock);
	desc = RelationGetDescr(rel);
	q = view_query(viewid, &queries);
	c->props = palloc0(sizeof(DmProperty) * Max(desc->natts, 1));
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		DmProperty *p;
		Trace		trace;

		if (att->attisdropped)
			continue;
		p = &c->props[c->nprops++];
		p->name = pstrdup(NameStr(att->attname));
		p->path = psprintf("column \"%s\"", p->name);
		p->position = c->nprops;
		p->min_length = -1;
		p->max_length = -1;
		dm_contract_set_type(&p->type, att->atttypid, att->atttypmod);
		p->logical_type = (char *) dm_contract_logical_type(&p->type);
		if (p->type.family == DM_TF_ENUM)
		{
			p->valid_values = enum_labels(getBaseType(att->atttypid), &p->nvalid_values);
			p->has_valid_values = true;
		}
		if (q != NULL)
			p->pii = mask_of(q, att->attnum);

		trace_column(viewid, att->attnum, 0, &trace, &queries);
		if (OidIsValid(trace.relid))
		{
			int			pk_columns;

			p->required = column_not_null(trace.relid, trace.attnum);
			table_keys(trace.relid, trace.attnum, &p->unique, &p->primary_key,
					   &p->primary_key_position, &pk_columns);
			if (p->primary_key)
			{
				pk_found++;
				pk_needed = pk_columns;
			}
		}
	}
	relation_close(rel, AccessShareLock);

	/* a primary key counts only when every column of it is shown */
	if (pk_found != pk_needed)
		for (i = 0; i < c->nprops; i++)
		{
			c->props[i].primary_key = false;
			c->props[i].primary_key_position = 0;
		}
	return c;
}

/* ------------------------------------------------------------------------
 * Published versions
 * ------------------------------------------------------------------------
 */

/*
 * The baseline stored with a version: per column what the catalogs
 * guarantee now (NOT NULL and uniqueness passed through from a table, the
 * primary key, enum labels, masking).
 */
Jsonb *
dm_contract_baseline(const DmContract *actual)
{
	StringInfoData buf;
	int			i;
	int			j;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"columns\": [");
	for (i = 0; i < actual->nprops; i++)
	{
		const DmProperty *p = &actual->props[i];

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, "{\"name\": ");
		escape_json(&buf, p->name);
		appendStringInfo(&buf, ", \"not_null\": %s, \"unique\": %s, \"primary_key\": %s",
						 p->required ? "true" : "false",
						 p->unique ? "true" : "false",
						 p->primary_key ? "true" : "false");
		appendStringInfoString(&buf, ", \"labels\": ");
		if (p->has_valid_values)
		{
			appendStringInfoChar(&buf, '[');
			for (j = 0; j < p->nvalid_values; j++)
			{
				if (j > 0)
					appendStringInfoString(&buf, ", ");
				escape_json(&buf, p->valid_values[j]);
			}
			appendStringInfoChar(&buf, ']');
		}
		else
			appendStringInfoString(&buf, "null");
		appendStringInfoString(&buf, ", \"pii\": ");
		if (p->pii != NULL)
			escape_json(&buf, p->pii);
		else
			appendStringInfoString(&buf, "null");
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "]}");
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* a text column of the current SPI row, or NULL */
static char *
spi_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

/*
 * The published versions of a product that are not retired, highest
 * first; all of them, or only the current one.  (SPI connected)
 */
List *
dm_contract_stored(const char *product, bool all)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	List	   *result = NIL;
	uint64		i;

	/*
	 * With the latest snapshot: a repeatable-read transaction whose DDL
	 * waited for a lock held by a publish_contract must see that contract
	 * at its commit.
	 */
	values[0] = CStringGetTextDatum(product);
	dm_exec_catalog_latest(all ?
					"SELECT id, version, product, status, compatibility,"
					" pg_catalog.to_char(end_of_support, 'YYYY-MM-DD'),"
					" document, baseline FROM datamesh.contract"
					" WHERE product = $1 AND status <> 'retired'"
					" ORDER BY major DESC, minor DESC, patch DESC, published_at DESC" :
					"SELECT id, version, product, status, compatibility,"
					" pg_catalog.to_char(end_of_support, 'YYYY-MM-DD'),"
					" document, baseline FROM datamesh.contract"
					" WHERE product = $1 AND status <> 'retired'"
					" ORDER BY major DESC, minor DESC, patch DESC, published_at DESC LIMIT 1",
					1, types, values);
	for (i = 0; i < SPI_processed; i++)
	{
		DmStoredContract *s = palloc0(sizeof(DmStoredContract));
		bool		isnull;

		s->id = spi_text(i, 1);
		s->version = spi_text(i, 2);
		s->product = spi_text(i, 3);
		s->status = spi_text(i, 4);
		s->compatibility = spi_text(i, 5);
		s->end_of_support = spi_text(i, 6);
		s->document = DatumGetJsonbPCopy(SPI_getbinval(SPI_tuptable->vals[i],
													   SPI_tuptable->tupdesc, 7, &isnull));
		s->baseline = DatumGetJsonbPCopy(SPI_getbinval(SPI_tuptable->vals[i],
													   SPI_tuptable->tupdesc, 8, &isnull));
		result = lappend(result, s);
	}
	return result;
}

/* the baseline's columns (SPI connected) */
static List *
baseline_columns(Jsonb *baseline)
{
	Oid			types[1] = {JSONBOID};
	Datum		values[1];
	List	   *result = NIL;
	uint64		i;

	values[0] = JsonbPGetDatum(baseline);
	dm_exec_catalog("SELECT x.name, x.not_null, x.\"unique\", x.primary_key, x.labels, x.pii"
					" FROM pg_catalog.jsonb_to_recordset($1 -> 'columns')"
					" AS x(name text, not_null boolean, \"unique\" boolean,"
					" primary_key boolean, labels text[], pii text)",
					1, types, values, NULL, true);
	for (i = 0; i < SPI_processed; i++)
	{
		BaseColumn *b = palloc0(sizeof(BaseColumn));
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		labels;

		b->name = spi_text(i, 1);
		b->not_null = DatumGetBool(SPI_getbinval(row, desc, 2, &isnull)) && !isnull;
		b->unique = DatumGetBool(SPI_getbinval(row, desc, 3, &isnull)) && !isnull;
		b->primary_key = DatumGetBool(SPI_getbinval(row, desc, 4, &isnull)) && !isnull;
		labels = SPI_getbinval(row, desc, 5, &isnull);
		if (!isnull)
		{
			Datum	   *elems;
			bool	   *nulls;
			int			n;
			int			j;

			deconstruct_array(DatumGetArrayTypeP(labels), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &nulls, &n);
			b->labels = palloc(sizeof(char *) * Max(n, 1));
			for (j = 0; j < n; j++)
				b->labels[j] = nulls[j] ? pstrdup("") : TextDatumGetCString(elems[j]);
			b->nlabels = n;
			b->has_labels = true;
		}
		b->pii = spi_text(i, 6);
		result = lappend(result, b);
	}
	return result;
}

/* the baseline's column of this name, or NULL */
static BaseColumn *
base_column(List *base, const char *name)
{
	ListCell   *lc;

	if (name != NULL)
		foreach(lc, base)
			if (strcmp(((BaseColumn *) lfirst(lc))->name, name) == 0)
				return lfirst(lc);
	return NULL;
}

/*
 * What a stored version holds the product to at DDL time (see the file
 * header): the document's columns, types and deprecations; its required,
 * unique and primary key where the catalogs guaranteed them at
 * publication; enum labels and masking as they were then.  What only data
 * can decide (bounds, allowed values of other columns, quality rules,
 * SLAs) and words (descriptions, tags, classification names) are left
 * out: check_contract judges the first, no DDL changes the second.
 * (SPI connected)
 */
DmContract *
dm_contract_promise(const DmStoredContract *stored)
{
	DmContract *c = dm_contract_parse(stored->document, DM_CONTRACT_STORED);
	List	   *base = baseline_columns(stored->baseline);
	bool		pk_kept = true;
	int			i;

	/* the primary key is kept only if the catalogs guaranteed all of it */
	for (i = 0; i < c->nprops; i++)
	{
		BaseColumn *b = base_column(base, c->props[i].name);

		if (c->props[i].primary_key && (b == NULL || !b->primary_key))
			pk_kept = false;
	}
	{
		ListCell   *lc;

		foreach(lc, base)
		{
			BaseColumn *b = lfirst(lc);
			bool		listed = false;

			for (i = 0; i < c->nprops; i++)
				if (c->props[i].name != NULL && strcmp(c->props[i].name, b->name) == 0 &&
					c->props[i].primary_key)
					listed = true;
			if (b->primary_key && !listed)
				pk_kept = false;
		}
	}

	for (i = 0; i < c->nprops; i++)
	{
		DmProperty *p = &c->props[i];
		BaseColumn *b = base_column(base, p->name);

		p->required = p->required && b != NULL && b->not_null;
		p->unique = p->unique && b != NULL && b->unique;
		if (!pk_kept)
		{
			p->primary_key = false;
			p->primary_key_position = 0;
		}
		p->has_valid_values = b != NULL && b->has_labels;
		p->valid_values = p->has_valid_values ? b->labels : NULL;
		p->nvalid_values = p->has_valid_values ? b->nlabels : 0;
		p->pii = b != NULL ? b->pii : NULL;
		p->classification = NULL;
		p->description = NULL;
		p->business_name = NULL;
		p->tags = NULL;
		p->ntags = 0;
		p->has_minimum = p->has_maximum = false;
		p->min_length = p->max_length = -1;
		p->pattern = NULL;
		p->quality = NULL;
		p->nquality = 0;
	}
	c->name = NULL;
	c->description = NULL;
	c->tags = NULL;
	c->ntags = 0;
	c->quality = NULL;
	c->nquality = 0;
	c->slas = NULL;
	c->nslas = 0;
	return c;
}

/* today's date as YYYY-MM-DD, in the session's time zone */
char *
dm_contract_today(void)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (timestamp2tm(GetCurrentTransactionStartTimestamp(), &tz, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "current timestamp out of range");
	return psprintf("%04d-%02d-%02d", tm.tm_year, tm.tm_mon, tm.tm_mday);
}

/*
 * Locks every relation a view reads, down through the views it reads, in
 * AccessShareLock until the end of the transaction, and the enum types of
 * its columns: DDL that changes them (which takes AccessExclusiveLock on a
 * relation, ExclusiveLock on an enum) waits for a contract being published
 * to commit, and its verdict then sees that contract.
 */
void
dm_contract_lock_upstream(Oid viewid, int depth)
{
	Relation	rel;
	Query	   *q;
	ListCell   *lc;

	check_stack_depth();
	if (depth > TRACE_MAX_DEPTH)
		return;
	rel = relation_open(viewid, AccessShareLock);
	q = rel->rd_rel->relkind == RELKIND_VIEW ? dm_relation_query(rel) : NULL;

	/*
	 * The product's enum types too: ALTER TYPE ... ADD VALUE takes an
	 * exclusive lock on the type, which this one conflicts with.
	 */
	if (depth == 0)
	{
		TupleDesc	desc = RelationGetDescr(rel);
		int			i;

		for (i = 0; i < desc->natts; i++)
		{
			Oid			base = getBaseType(TupleDescAttr(desc, i)->atttypid);

			if (!TupleDescAttr(desc, i)->attisdropped && type_is_enum(base))
				LockDatabaseObject(TypeRelationId, base, 0, RowShareLock);
		}
	}
	relation_close(rel, NoLock);
	if (q == NULL)
		return;
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind == RTE_RELATION && rte->relid != viewid)
			dm_contract_lock_upstream(rte->relid, depth + 1);
	}
}
