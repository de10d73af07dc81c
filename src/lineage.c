/*-------------------------------------------------------------------------
 *
 * lineage.c
 *		Lineage of an object from pg_depend, its freshness from the raw
 *		tables' _added_at, and the mesh as a graph: the SQL functions
 *		lineage(), freshness() and mesh_graph().
 *
 * Upstream means "read by": a view or materialized view reads what its
 * _RETURN rule depends on, a function with an SQL-standard body (BEGIN
 * ATOMIC or RETURN) reads what the function depends on.  The walk follows
 * those pg_depend edges breadth first from one object, keeps relations
 * (tables, partitioned tables, views, materialized views, foreign tables)
 * and functions, and visits each once, so a diamond yields its top once,
 * at the smallest depth.  An edge counts only if the reading view's (or
 * function's) owner may SELECT the relation (or a column of it): a
 * regclass constant records an edge too, to a relation whose rows never
 * reach the view, and such an edge must not make freshness a window on
 * another team's private table.  Tables and foreign tables end the walk.  A
 * PL/pgSQL body, or an SQL body given as a string, records nothing in
 * pg_depend: such a function is shown, nothing behind it.  Functions that
 * belong to an extension (datamesh's own mask functions above all) are
 * library code, not lineage, and are left out.  The walk crosses domains:
 * a product is a view like any other.  It reads only catalogs that every
 * role may read, so lineage() needs no privilege of its own.
 *
 * Freshness is the newest _added_at of the tables in raw and raw_external
 * layers upstream of an object (the object included), each found by one
 * backward probe of a btree index on _added_at when the table has one, or
 * by a scan otherwise; a partitioned or inherited table counts with all of
 * its partitions or children, as SELECT max(_added_at) over it would.
 * Foreign tables are skipped: their newest row would cost a remote query
 * per call.  The tables are read through the table and index access
 * methods under the statement's snapshot, not through SQL: no query text
 * is built, nothing but the one column is looked at, and no privilege on
 * the raw table is needed.  Who may ask is checked instead: the freshness
 * of a data product is public metadata (datamesh.products shows it to
 * everyone); that of any other relation only superusers, members of its
 * domain's owner role and roles with SELECT on it may see.
 *
 * The mesh graph draws every product of datamesh.products in its domain's
 * cluster, with marks for PII (the product view calls a mask function) and
 * its contract, the objects of other domains (or outside the mesh) whose
 * view or SQL function reads a product directly, and for each such reader
 * the products of its own domain built on it.  Node ids are n1, n2, ...
 * and cluster ids d1, d2, ... in output order, which is sorted, so the
 * text depends only on the mesh.
 *
 * IDENTIFICATION
 *		src/lineage.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "rewrite/rewriteSupport.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "layer.h"
#include "lineage.h"
#include "raw_metadata.h"

/* an object of the walk: a relation or a function */
typedef struct ObjKey
{
	Oid			classid;		/* RelationRelationId or ProcedureRelationId */
	Oid			objid;			/* its OID */
} ObjKey;

/* what the graph's lookup table keeps per object */
typedef struct NodeEntry
{
	ObjKey		key;			/* hash key */
	int			index;			/* index into the graph's nodes */
} NodeEntry;

/* one row of lineage() */
typedef struct LineageRow
{
	int			depth;			/* smallest depth at which it is reached */
	char	   *object;			/* qualified name, functions with arguments */
	char	   *domain;			/* domain key, NULL outside the mesh */
	const char *layer;			/* layer name, NULL outside the mesh */
	const char *kind;			/* 'table', 'view', 'function', ... */
} LineageRow;

/* a node of the mesh graph */
typedef struct GraphNode
{
	ObjKey		key;			/* the object; objid invalid for a missing
								 * product */
	int			cluster;		/* index into the clusters; nclusters for
								 * "outside the mesh" */
	bool		product;		/* a product, or a reader of one */
	char	   *name;			/* qualified name */
	const char *kind;			/* a reader's kind */
	bool		missing;		/* a product whose view is gone */
	bool		pii;			/* a product that masks a column */
	char	   *contract_version;	/* current contract version, or NULL */
	char	   *contract_status;	/* 'none', 'active' or 'deprecated' */
	int			id;				/* n<id> in the output */
} GraphNode;

/* an edge of the mesh graph */
typedef struct GraphEdge
{
	int			from;			/* node ids */
	int			to;
	bool		feeds;			/* reader -> product of its own domain */
} GraphEdge;

/* the whole graph */
typedef struct Graph
{
	char	  **clusters;		/* domain keys, sorted */
	int			nclusters;
	GraphNode  *nodes;
	int			nnodes;
	int			maxnodes;
	GraphEdge  *edges;
	int			nedges;
	int			maxedges;
	HTAB	   *lookup;			/* ObjKey -> node index */
} Graph;

PG_FUNCTION_INFO_V1(datamesh_lineage);
PG_FUNCTION_INFO_V1(datamesh_freshness);
PG_FUNCTION_INFO_V1(datamesh_mesh_graph);

static List *add_inputs(Relation depRel, const DmLineageNode *node,
						List *found, HTAB *seen);
static bool lineage_relkind(char relkind);
static bool owner_may_read(Oid role, Oid relid);
static bool in_raw_layer(Oid relid);
static const char *relkind_name(char relkind);
static char *object_name(Oid classid, Oid objid, Oid *nspid);
static int	compare_rows(const void *a, const void *b);
static bool newest_in_heap(Relation heap, TimestampTz *newest);
static Relation added_at_index(Relation heap, AttrNumber attnum,
							   ScanDirection *dir);
static void check_freshness_privilege(Oid relid);
static Oid	rule_relation(Oid ruleid);
static bool product_masks(Oid relid);
static int	graph_node(Graph *g, Oid classid, Oid objid, bool *isnew);
static void graph_edge(Graph *g, int from, int to, bool feeds);
static void graph_load(Graph *g);
static void graph_readers(Graph *g, int product);
static void graph_feeds(Graph *g, int product);
static int	compare_nodes(const void *a, const void *b);
static int	compare_edges(const void *a, const void *b);
static void append_mermaid_text(StringInfo buf, const char *s);
static void append_dot_text(StringInfo buf, const char *s);
static char *node_marks(const GraphNode *n, const char *sep);
static bool cluster_drawn(Graph *g, int c);
static char *graph_mermaid(Graph *g);
static char *graph_dot(Graph *g);

/* ---------------------------------------------------------------------------
 * The walk
 * ---------------------------------------------------------------------------
 */

/*
 * Everything upstream of one object (a relation or a function), breadth
 * first: a List of palloc'd DmLineageNode, the start first at depth 0, then
 * each object once at the smallest depth it is reached at.  Objects
 * dropped concurrently may still be listed; callers look them up with
 * missing_ok.
 */
List *
dm_lineage_walk(Oid classid, Oid objid)
{
	Relation	depRel;
	HASHCTL		ctl;
	HTAB	   *seen;
	DmLineageNode *start = palloc(sizeof(DmLineageNode));
	ObjKey		key;
	List	   *found;
	int			i;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(ObjKey);
	ctl.entrysize = sizeof(ObjKey);
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("datamesh lineage", 64, &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	start->classid = classid;
	start->objid = objid;
	start->depth = 0;
	found = list_make1(start);
	key.classid = classid;
	key.objid = objid;
	hash_search(seen, &key, HASH_ENTER, NULL);

	/* found is also the queue */
	depRel = table_open(DependRelationId, AccessShareLock);
	for (i = 0; i < list_length(found); i++)
	{
		CHECK_FOR_INTERRUPTS();
		found = add_inputs(depRel, (DmLineageNode *) list_nth(found, i), found, seen);
	}
	table_close(depRel, AccessShareLock);
	hash_destroy(seen);
	return found;
}

/*
 * Appends to found what node reads directly and seen does not hold yet.
 * A view or materialized view reads what its _RETURN rule depends on, a
 * function what it depends on (only an SQL-standard body records that).
 */
static List *
add_inputs(Relation depRel, const DmLineageNode *node, List *found, HTAB *seen)
{
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			depclass;
	Oid			depobj;
	Oid			owner = InvalidOid;
	HeapTuple	ownertup;

	if (node->classid == RelationRelationId)
	{
		char		relkind = get_rel_relkind(node->objid);

		if (relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW)
			return found;
		depclass = RewriteRelationId;
		depobj = get_rewrite_oid(node->objid, ViewSelectRuleName, true);
		if (!OidIsValid(depobj))
			return found;
		ownertup = SearchSysCache1(RELOID, ObjectIdGetDatum(node->objid));
		if (HeapTupleIsValid(ownertup))
		{
			owner = ((Form_pg_class) GETSTRUCT(ownertup))->relowner;
			ReleaseSysCache(ownertup);
		}
	}
	else
	{
		depclass = ProcedureRelationId;
		depobj = node->objid;
		ownertup = SearchSysCache1(PROCOID, ObjectIdGetDatum(node->objid));
		if (HeapTupleIsValid(ownertup))
		{
			owner = ((Form_pg_proc) GETSTRUCT(ownertup))->proowner;
			ReleaseSysCache(ownertup);
		}
	}
	if (!OidIsValid(owner))
		return found;

	ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(depclass));
	ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(depobj));
	scan = systable_beginscan(depRel, DependDependerIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
		ObjKey		k;
		bool		known;
		DmLineageNode *next;

		if (dep->refclassid == RelationRelationId)
		{
			/* a view's rule depends on the view itself, internally */
			if (node->classid == RelationRelationId && dep->refobjid == node->objid)
				continue;
			if (!lineage_relkind(get_rel_relkind(dep->refobjid)))
				continue;

			/*
			 * What the view (or function) can read with its owner's rights:
			 * a regclass constant records an edge too, to a relation its
			 * owner may have no right to, whose rows never reach it.
			 */
			if (!owner_may_read(owner, dep->refobjid))
				continue;
		}
		else if (dep->refclassid == ProcedureRelationId)
		{
			if (node->classid == ProcedureRelationId && dep->refobjid == node->objid)
				continue;
		}
		else
			continue;

		/* one visit per object, also for the columns of one relation */
		k.classid = dep->refclassid;
		k.objid = dep->refobjid;
		hash_search(seen, &k, HASH_ENTER, &known);
		if (known)
			continue;
		/* extension functions stay in seen, so this is asked once */
		if (dep->refclassid == ProcedureRelationId &&
			OidIsValid(getExtensionOfObject(ProcedureRelationId, dep->refobjid)))
			continue;

		next = palloc(sizeof(DmLineageNode));
		next->classid = dep->refclassid;
		next->objid = dep->refobjid;
		next->depth = node->depth + 1;
		found = lappend(found, next);
	}
	systable_endscan(scan);
	return found;
}

/* is relid in a raw or raw_external schema of a domain? */
static bool
in_raw_layer(Oid relid)
{
	DmLayer		layer;

	return dm_catalog_schema_domain(get_rel_namespace(relid), NULL, &layer) &&
		(layer == DM_LAYER_RAW || layer == DM_LAYER_RAW_EXTERNAL);
}

/* may role read relid (SELECT on it, or on one of its columns)? */
static bool
owner_may_read(Oid role, Oid relid)
{
	return pg_class_aclcheck(relid, role, ACL_SELECT) == ACLCHECK_OK ||
		pg_attribute_aclcheck_all(relid, role, ACL_SELECT, ACLMASK_ANY) == ACLCHECK_OK;
}

/* relations that lineage shows: no indexes, sequences, composite types */
static bool
lineage_relkind(char relkind)
{
	return relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
		relkind == RELKIND_VIEW || relkind == RELKIND_MATVIEW ||
		relkind == RELKIND_FOREIGN_TABLE;
}

static const char *
relkind_name(char relkind)
{
	switch (relkind)
	{
		case RELKIND_RELATION:
			return "table";
		case RELKIND_PARTITIONED_TABLE:
			return "partitioned table";
		case RELKIND_VIEW:
			return "view";
		case RELKIND_MATVIEW:
			return "materialized view";
		case RELKIND_FOREIGN_TABLE:
			return "foreign table";
	}
	return NULL;
}

/*
 * The name of a relation (schema.name, quoted where needed) or a function
 * (schema.name(argument types)), palloc'd, and its schema in *nspid; NULL
 * if it is gone.  Argument types are named as format_type_be does, so a
 * type outside pg_catalog is schema-qualified under the functions'
 * search_path (pg_catalog, pg_temp).
 */
static char *
object_name(Oid classid, Oid objid, Oid *nspid)
{
	if (classid == RelationRelationId)
	{
		char	   *relname = get_rel_name(objid);
		char	   *nspname;

		if (relname == NULL)
			return NULL;
		*nspid = get_rel_namespace(objid);
		nspname = get_namespace_name(*nspid);
		return nspname ? dm_qualify(nspname, relname) : NULL;
	}
	else
	{
		HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(objid));
		Form_pg_proc proc;
		StringInfoData buf;
		char	   *nspname;
		int			i;

		if (!HeapTupleIsValid(tuple))
			return NULL;
		proc = (Form_pg_proc) GETSTRUCT(tuple);
		*nspid = proc->pronamespace;
		nspname = get_namespace_name(proc->pronamespace);
		if (nspname == NULL)
		{
			ReleaseSysCache(tuple);
			return NULL;
		}
		initStringInfo(&buf);
		appendStringInfo(&buf, "%s(", dm_qualify(nspname, NameStr(proc->proname)));
		for (i = 0; i < proc->pronargs; i++)
			appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
							 format_type_be(proc->proargtypes.values[i]));
		appendStringInfoChar(&buf, ')');
		ReleaseSysCache(tuple);
		return buf.data;
	}
}

/* lineage rows by depth, then by name byte-wise (COLLATE "C") */
static int
compare_rows(const void *a, const void *b)
{
	const LineageRow *ra = (const LineageRow *) a;
	const LineageRow *rb = (const LineageRow *) b;

	if (ra->depth != rb->depth)
		return ra->depth < rb->depth ? -1 : 1;
	return strcmp(ra->object, rb->object);
}

/*
 * lineage(object regclass): every object upstream of a relation, with its
 * depth, domain, layer and kind, ordered by depth and name.
 */
Datum
datamesh_lineage(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid;
	List	   *nodes;
	LineageRow *rows;
	int			nrows = 0;
	ListCell   *lc;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		PG_RETURN_VOID();
	relid = PG_GETARG_OID(0);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));

	nodes = dm_lineage_walk(RelationRelationId, relid);
	rows = palloc(list_length(nodes) * sizeof(LineageRow));
	foreach(lc, nodes)
	{
		DmLineageNode *node = lfirst(lc);
		LineageRow *row = &rows[nrows];
		Oid			nspid = InvalidOid;
		DmDomain	domain;
		DmLayer		layer;

		if (node->depth == 0)
			continue;
		row->object = object_name(node->classid, node->objid, &nspid);
		if (row->object == NULL)
			continue;			/* dropped meanwhile */
		row->depth = node->depth;
		row->kind = node->classid == ProcedureRelationId ? "function" :
			relkind_name(get_rel_relkind(node->objid));
		if (row->kind == NULL)
			continue;
		if (dm_catalog_schema_domain(nspid, &domain, &layer))
		{
			row->domain = pstrdup(domain.key);
			row->layer = dm_layer_names[layer];
		}
		else
		{
			row->domain = NULL;
			row->layer = NULL;
		}
		nrows++;
	}
	if (nrows > 1)
		qsort(rows, nrows, sizeof(LineageRow), compare_rows);

	for (i = 0; i < nrows; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		nulls[2] = rows[i].domain == NULL;
		nulls[3] = rows[i].layer == NULL;

		values[0] = Int32GetDatum(rows[i].depth);
		values[1] = CStringGetTextDatum(rows[i].object);
		values[2] = rows[i].domain ? CStringGetTextDatum(rows[i].domain) : (Datum) 0;
		values[3] = rows[i].layer ? CStringGetTextDatum(rows[i].layer) : (Datum) 0;
		values[4] = CStringGetTextDatum(rows[i].kind);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}

/* ---------------------------------------------------------------------------
 * Freshness
 * ---------------------------------------------------------------------------
 */

/*
 * The newest _added_at of the raw and raw_external tables upstream of a
 * relation (the relation included) into *newest; false if there is no
 * such table or none has a row.  *nraw (unless NULL) counts those tables
 * that have the column.  Checks no privilege: the caller decides who may
 * know.
 */
bool
dm_lineage_freshness(Oid relid, TimestampTz *newest, int *nraw)
{
	List	   *nodes = dm_lineage_walk(RelationRelationId, relid);
	ListCell   *lc;
	bool		found = false;

	if (nraw != NULL)
		*nraw = 0;
	foreach(lc, nodes)
	{
		DmLineageNode *node = lfirst(lc);
		char		relkind;
		DmLayer		layer;
		TimestampTz t;

		if (node->classid != RelationRelationId)
			continue;
		relkind = get_rel_relkind(node->objid);
		if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
			continue;
		if (!dm_catalog_schema_domain(get_rel_namespace(node->objid), NULL, &layer) ||
			(layer != DM_LAYER_RAW && layer != DM_LAYER_RAW_EXTERNAL))
			continue;
		if (nraw != NULL && get_attnum(node->objid, DM_COL_ADDED_AT) > 0)
			(*nraw)++;
		if (dm_lineage_newest_added_at(node->objid, &t) && (!found || t > *newest))
		{
			*newest = t;
			found = true;
		}
	}
	return found;
}

/*
 * The newest non-null _added_at of one table, with its partitions or
 * inheritance children, under the active snapshot; false without rows,
 * without such a column (of type timestamptz) or if the table is gone.
 * Takes AccessShareLock on every table read, as a query would, held to the
 * end of the transaction.
 */
bool
dm_lineage_newest_added_at(Oid relid, TimestampTz *newest)
{
	Relation	rel = try_table_open(relid, AccessShareLock);
	bool		rel_is_partitioned_parent;
	List	   *members;
	ListCell   *lc;
	bool		found = false;

	if (rel == NULL)
		return false;
	rel_is_partitioned_parent = rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE;
	if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE || rel->rd_rel->relhassubclass)
		members = find_all_inheritors(relid, AccessShareLock, NULL);
	else
		members = list_make1_oid(relid);

	foreach(lc, members)
	{
		Oid			member = lfirst_oid(lc);
		Relation	heap;
		TimestampTz t;

		/* a child outside the raw layers is not raw data (FROM ONLY aside) */
		if (member != relid && !rel_is_partitioned_parent &&
			!in_raw_layer(member))
			continue;
		/* locked above; a partition dropped meanwhile is not listed */
		heap = member == relid ? rel : try_table_open(member, NoLock);
		if (heap == NULL)
			continue;
		if (heap->rd_rel->relkind == RELKIND_RELATION &&
			newest_in_heap(heap, &t) && (!found || t > *newest))
		{
			*newest = t;
			found = true;
		}
		if (heap != rel)
			table_close(heap, NoLock);
	}
	table_close(rel, NoLock);
	return found;
}

/*
 * The newest _added_at of one heap: one backward probe of a btree index on
 * it, or a scan of the table without one.
 */
static bool
newest_in_heap(Relation heap, TimestampTz *newest)
{
	AttrNumber	attnum = get_attnum(RelationGetRelid(heap), DM_COL_ADDED_AT);
	Snapshot	snapshot;
	TupleTableSlot *slot;
	Relation	index;
	ScanDirection dir;
	bool		found = false;

	if (attnum <= 0 ||
		TupleDescAttr(RelationGetDescr(heap), attnum - 1)->atttypid != TIMESTAMPTZOID)
		return false;
	if (!ActiveSnapshotSet())
		elog(ERROR, "no active snapshot to read freshness with");
	snapshot = GetActiveSnapshot();
	slot = table_slot_create(heap, NULL);

	index = added_at_index(heap, attnum, &dir);
	if (index != NULL)
	{
		ScanKeyData key;
		IndexScanDesc scan;

		/* _added_at IS NOT NULL: the probe starts at the newest value */
		ScanKeyEntryInitialize(&key, SK_ISNULL | SK_SEARCHNOTNULL, 1,
							   InvalidStrategy, InvalidOid, InvalidOid,
							   InvalidOid, (Datum) 0);
		scan = index_beginscan(heap, index, snapshot, 1, 0);
		index_rescan(scan, &key, 1, NULL, 0);
		while (index_getnext_slot(scan, dir, slot))
		{
			bool		isnull;
			Datum		value = slot_getattr(slot, attnum, &isnull);

			CHECK_FOR_INTERRUPTS();
			if (!isnull)
			{
				*newest = DatumGetTimestampTz(value);
				found = true;
				break;
			}
		}
		index_endscan(scan);
		index_close(index, NoLock);
	}
	else
	{
		TableScanDesc scan = table_beginscan(heap, snapshot, 0, NULL);

		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			bool		isnull;
			Datum		value = slot_getattr(slot, attnum, &isnull);

			CHECK_FOR_INTERRUPTS();
			if (!isnull && (!found || DatumGetTimestampTz(value) > *newest))
			{
				*newest = DatumGetTimestampTz(value);
				found = true;
			}
		}
		table_endscan(scan);
	}
	ExecDropSingleTupleTableSlot(slot);
	return found;
}

/*
 * A valid, non-partial btree index whose first column is _added_at in the
 * default timestamptz order, opened with AccessShareLock, and the scan
 * direction that meets the newest value first; NULL if there is none.
 */
static Relation
added_at_index(Relation heap, AttrNumber attnum, ScanDirection *dir)
{
	/* the default btree family of timestamptz, built in: looked up once */
	static Oid	opfamily = InvalidOid;
	List	   *indexes = RelationGetIndexList(heap);
	ListCell   *lc;

	foreach(lc, indexes)
	{
		Relation	index = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index form = index->rd_index;

		if (index->rd_rel->relam == BTREE_AM_OID && form->indisvalid &&
			form->indnkeyatts >= 1 && form->indkey.values[0] == attnum &&
			heap_attisnull(index->rd_indextuple, Anum_pg_index_indpred, NULL))
		{
			if (!OidIsValid(opfamily))
				opfamily = get_opclass_family(GetDefaultOpClass(TIMESTAMPTZOID,
																BTREE_AM_OID));
			if (index->rd_opfamily[0] == opfamily)
			{
				*dir = (index->rd_indoption[0] & INDOPTION_DESC) ?
					ForwardScanDirection : BackwardScanDirection;
				list_free(indexes);
				return index;
			}
		}
		index_close(index, AccessShareLock);
	}
	list_free(indexes);
	return NULL;
}

/*
 * May the current user know the freshness of this relation?  Everyone for
 * a data product (public metadata); superusers, members of the owner role
 * of the relation's domain and roles with SELECT on it for anything else.
 * Raises insufficient_privilege otherwise.
 */
static void
check_freshness_privilege(Oid relid)
{
	Oid			userid = GetUserId();
	DmDomain	domain;
	DmLayer		layer;

	if (superuser_arg(userid))
		return;
	if (dm_catalog_schema_domain(get_rel_namespace(relid), &domain, &layer))
	{
		if (layer == DM_LAYER_DATA_PRODUCTS)
			return;
		if (OidIsValid(domain.owner) && is_member_of_role(userid, domain.owner))
			return;
	}
	if (pg_class_aclcheck(relid, userid, ACL_SELECT) == ACLCHECK_OK)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for the freshness of relation \"%s\"",
					get_rel_name(relid)),
			 errdetail("The freshness of a data product is shown to everyone; that of another relation only to members of its domain and to roles that may read it."),
			 errhint("Ask for the freshness of the data product that reads it.")));
}

/*
 * freshness(object regclass): the newest _added_at upstream, or NULL.
 */
Datum
datamesh_freshness(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	TimestampTz newest;

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	check_freshness_privilege(relid);
	if (!dm_lineage_freshness(relid, &newest, NULL))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(newest);
}

/* ---------------------------------------------------------------------------
 * The mesh graph
 * ---------------------------------------------------------------------------
 */

/* the relation a rewrite rule belongs to, or InvalidOid */
static Oid
rule_relation(Oid ruleid)
{
	Relation	rel = table_open(RewriteRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			relid = InvalidOid;

	ScanKeyInit(&key, Anum_pg_rewrite_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ruleid));
	scan = systable_beginscan(rel, RewriteOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		relid = ((Form_pg_rewrite) GETSTRUCT(tuple))->ev_class;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return relid;
}

/*
 * Does the product view mask a column?  It does if its query calls one of
 * datamesh's mask functions (publish_product writes every masked column
 * as such a call).
 */
static bool
product_masks(Oid relid)
{
	Oid			ruleid = get_rewrite_oid(relid, ViewSelectRuleName, true);
	Oid			dmschema = get_namespace_oid("datamesh", true);
	Relation	depRel;
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		masks = false;

	if (!OidIsValid(ruleid) || !OidIsValid(dmschema))
		return false;
	depRel = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RewriteRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ruleid));
	scan = systable_beginscan(depRel, DependDependerIndexId, true, NULL, 2, key);
	while (!masks && HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
		HeapTuple	proc;

		if (dep->refclassid != ProcedureRelationId)
			continue;
		proc = SearchSysCache1(PROCOID, ObjectIdGetDatum(dep->refobjid));
		if (!HeapTupleIsValid(proc))
			continue;
		masks = ((Form_pg_proc) GETSTRUCT(proc))->pronamespace == dmschema &&
			strncmp(NameStr(((Form_pg_proc) GETSTRUCT(proc))->proname), "mask_", 5) == 0;
		ReleaseSysCache(proc);
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);
	return masks;
}

/*
 * The node of an object, added if new (*isnew says so); -1 for an object
 * that is gone.  A new node is placed in the cluster of its schema's
 * domain, or outside the mesh.
 */
static int
graph_node(Graph *g, Oid classid, Oid objid, bool *isnew)
{
	ObjKey		key;
	NodeEntry  *entry;
	bool		found;
	GraphNode  *n;
	Oid			nspid = InvalidOid;
	char	   *name;
	DmDomain	domain;
	int			i;

	*isnew = false;
	key.classid = classid;
	key.objid = objid;
	entry = hash_search(g->lookup, &key, HASH_FIND, &found);
	if (found)
		return entry->index;
	name = object_name(classid, objid, &nspid);
	if (name == NULL)
		return -1;
	if (g->nnodes == g->maxnodes)
	{
		g->maxnodes *= 2;
		g->nodes = repalloc(g->nodes, g->maxnodes * sizeof(GraphNode));
	}
	n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof(GraphNode));
	n->key = key;
	n->name = name;
	n->cluster = g->nclusters;
	if (dm_catalog_schema_domain(nspid, &domain, NULL))
		for (i = 0; i < g->nclusters; i++)
			if (strcmp(g->clusters[i], domain.key) == 0)
				n->cluster = i;
	n->kind = classid == ProcedureRelationId ? "function" :
		relkind_name(get_rel_relkind(objid));
	entry = hash_search(g->lookup, &key, HASH_ENTER, NULL);
	entry->index = g->nnodes;
	*isnew = true;
	return g->nnodes++;
}

static void
graph_edge(Graph *g, int from, int to, bool feeds)
{
	if (g->nedges == g->maxedges)
	{
		g->maxedges *= 2;
		g->edges = repalloc(g->edges, g->maxedges * sizeof(GraphEdge));
	}
	g->edges[g->nedges].from = from;
	g->edges[g->nedges].to = to;
	g->edges[g->nedges].feeds = feeds;
	g->nedges++;
}

/* a text column of an SPI result row, copied into cxt, or NULL */
static char *
spi_text(int row, int col, MemoryContext cxt)
{
	char	   *value = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);

	return value ? MemoryContextStrdup(cxt, value) : NULL;
}

/*
 * The domains and products, as datamesh.products shows them to the
 * caller, read through SPI with the caller's rights.
 */
static void
graph_load(Graph *g)
{
	MemoryContext cxt = CurrentMemoryContext;
	uint64		i;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute("SELECT d FROM (SELECT domain FROM datamesh.domains"
					 " UNION SELECT domain FROM datamesh.products) s (d)"
					 " ORDER BY d COLLATE \"C\"", true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
	g->nclusters = (int) SPI_processed;
	g->clusters = MemoryContextAlloc(cxt, (g->nclusters + 1) * sizeof(char *));
	for (i = 0; i < SPI_processed; i++)
		g->clusters[i] = spi_text(i, 1, cxt);

	rc = SPI_execute("SELECT p.domain, p.product,"
					 " pg_catalog.to_regclass(p.product)::pg_catalog.oid,"
					 " p.status, p.contract_version, p.contract_status"
					 " FROM datamesh.products p"
					 " ORDER BY p.domain COLLATE \"C\", p.product COLLATE \"C\"",
					 true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *domain = spi_text(i, 1, cxt);
		char	   *relid_text = spi_text(i, 3, cxt);
		char	   *status = spi_text(i, 4, cxt);
		Oid			relid = InvalidOid;
		GraphNode  *n;
		int			c;

		if (relid_text != NULL && strcmp(status, "missing") != 0)
			relid = DatumGetObjectId(DirectFunctionCall1(oidin,
														 CStringGetDatum(relid_text)));
		if (g->nnodes == g->maxnodes)
		{
			g->maxnodes *= 2;
			g->nodes = repalloc(g->nodes, g->maxnodes * sizeof(GraphNode));
		}
		n = &g->nodes[g->nnodes];
		memset(n, 0, sizeof(GraphNode));
		n->key.classid = RelationRelationId;
		n->key.objid = relid;
		n->product = true;
		n->name = spi_text(i, 2, cxt);
		n->missing = !OidIsValid(relid);
		n->contract_version = spi_text(i, 5, cxt);
		n->contract_status = spi_text(i, 6, cxt);
		n->cluster = g->nclusters;
		for (c = 0; c < g->nclusters; c++)
			if (domain != NULL && strcmp(g->clusters[c], domain) == 0)
				n->cluster = c;
		if (OidIsValid(relid))
		{
			NodeEntry  *entry = hash_search(g->lookup, &n->key, HASH_ENTER, NULL);

			entry->index = g->nnodes;
		}
		g->nnodes++;
	}
	SPI_finish();
	MemoryContextSwitchTo(cxt);
}

/*
 * The objects outside a product's domain whose view or function reads it
 * directly: nodes in their own clusters, and an edge from the product.
 */
static void
graph_readers(Graph *g, int product)
{
	Oid			relid = g->nodes[product].key.objid;
	Relation	depRel;
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tuple;

	depRel = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(depRel, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
		Oid			classid;
		Oid			objid;
		int			reader;
		bool		isnew;

		CHECK_FOR_INTERRUPTS();
		if (dep->classid == RewriteRelationId)
		{
			classid = RelationRelationId;
			objid = rule_relation(dep->objid);
			if (!OidIsValid(objid) || objid == relid)
				continue;
			if (get_rel_relkind(objid) != RELKIND_VIEW &&
				get_rel_relkind(objid) != RELKIND_MATVIEW)
				continue;
		}
		else if (dep->classid == ProcedureRelationId)
		{
			classid = ProcedureRelationId;
			objid = dep->objid;
			if (OidIsValid(getExtensionOfObject(ProcedureRelationId, objid)))
				continue;
		}
		else
			continue;
		reader = graph_node(g, classid, objid, &isnew);
		if (reader < 0)
			continue;
		if (g->nodes[reader].cluster < g->nclusters &&
			g->nodes[reader].cluster == g->nodes[product].cluster)
		{
			/* a reader in the product's own domain is not drawn */
			if (isnew)
			{
				hash_search(g->lookup, &g->nodes[reader].key, HASH_REMOVE, NULL);
				g->nnodes--;
			}
			continue;
		}
		graph_edge(g, product, reader, false);
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);
}

/*
 * Readers of other domains' products upstream of a product, in its own
 * domain: an edge from each to the product ("feeds").
 */
static void
graph_feeds(Graph *g, int product)
{
	List	   *nodes = dm_lineage_walk(RelationRelationId, g->nodes[product].key.objid);
	ListCell   *lc;

	foreach(lc, nodes)
	{
		DmLineageNode *node = lfirst(lc);
		ObjKey		key;
		NodeEntry  *entry;

		if (node->depth == 0)
			continue;
		key.classid = node->classid;
		key.objid = node->objid;
		entry = hash_search(g->lookup, &key, HASH_FIND, NULL);
		if (entry != NULL && !g->nodes[entry->index].product &&
			g->nodes[entry->index].cluster == g->nodes[product].cluster)
			graph_edge(g, entry->index, product, true);
	}
	list_free_deep(nodes);
}

/* nodes by cluster, products first, then by name byte-wise */
static int
compare_nodes(const void *a, const void *b)
{
	const GraphNode *na = (const GraphNode *) a;
	const GraphNode *nb = (const GraphNode *) b;
	int			cmp;

	if (na->cluster != nb->cluster)
		return na->cluster < nb->cluster ? -1 : 1;
	if (na->product != nb->product)
		return na->product ? -1 : 1;
	cmp = strcmp(na->name, nb->name);
	if (cmp != 0)
		return cmp;
	/* the same name twice cannot be; stay deterministic anyway */
	if (na->key.objid != nb->key.objid)
		return na->key.objid < nb->key.objid ? -1 : 1;
	return 0;
}

static int
compare_edges(const void *a, const void *b)
{
	const GraphEdge *ea = (const GraphEdge *) a;
	const GraphEdge *eb = (const GraphEdge *) b;

	if (ea->from != eb->from)
		return ea->from < eb->from ? -1 : 1;
	if (ea->to != eb->to)
		return ea->to < eb->to ? -1 : 1;
	if (ea->feeds != eb->feeds)
		return ea->feeds ? 1 : -1;
	return 0;
}

/*
 * A name inside a Mermaid label in double quotes: characters that Mermaid
 * or its HTML labels would read are written as entity codes (#quot; and
 * the like; '#' itself first), control characters as blanks.
 */
static void
append_mermaid_text(StringInfo buf, const char *s)
{
	for (; *s; s++)
	{
		switch (*s)
		{
			case '#':
				appendStringInfoString(buf, "#35;");
				break;
			case '"':
				appendStringInfoString(buf, "#quot;");
				break;
			case '&':
				appendStringInfoString(buf, "#amp;");
				break;
			case '<':
				appendStringInfoString(buf, "#lt;");
				break;
			case '>':
				appendStringInfoString(buf, "#gt;");
				break;
			case '`':
				appendStringInfoString(buf, "#96;");
				break;
			default:
				appendStringInfoChar(buf, (unsigned char) *s < 0x20 || *s == 0x7f ? ' ' : *s);
		}
	}
}

/*
 * A name inside a DOT string in double quotes: backslash and quote
 * escaped (a backslash would start a label escape such as \N), '&' as
 * &amp; (Graphviz reads character entities in labels), control characters
 * as blanks.
 */
static void
append_dot_text(StringInfo buf, const char *s)
{
	for (; *s; s++)
	{
		if (*s == '&')
			appendStringInfoString(buf, "&amp;");
		else if (*s == '"' || *s == '\\')
			appendStringInfo(buf, "\\%c", *s);
		else
			appendStringInfoChar(buf, (unsigned char) *s < 0x20 || *s == 0x7f ? ' ' : *s);
	}
}

/* the second and later lines of a node's label, joined by sep */
static char *
node_marks(const GraphNode *n, const char *sep)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (!n->product)
	{
		appendStringInfo(&buf, "%s%s", sep, n->kind ? n->kind : "object");
		return buf.data;
	}
	if (n->missing)
		appendStringInfo(&buf, "%sview missing", sep);
	if (n->pii)
		appendStringInfo(&buf, "%sPII masked", sep);
	if (n->contract_version == NULL)
		appendStringInfo(&buf, "%sno contract", sep);
	else
		appendStringInfo(&buf, "%scontract %s%s", sep, n->contract_version,
						 n->contract_status && strcmp(n->contract_status, "deprecated") == 0 ?
						 " deprecated" : "");
	return buf.data;
}

/*
 * Is cluster c drawn: a domain always (an empty one as an empty cluster),
 * the last, "outside the mesh", only when a node is in it?
 */
static bool
cluster_drawn(Graph *g, int c)
{
	int			i;

	if (c < g->nclusters)
		return true;
	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].cluster == c)
			return true;
	return false;
}

/* the graph as a Mermaid flowchart */
static char *
graph_mermaid(Graph *g)
{
	StringInfoData buf;
	StringInfoData marks;
	int			c;
	int			i;
	bool		any;

	initStringInfo(&buf);
	initStringInfo(&marks);
	appendStringInfoString(&buf, "flowchart LR\n");
	for (c = 0; c <= g->nclusters; c++)
	{
		/* a domain is drawn even when empty; "outside the mesh" if used */
		if (!cluster_drawn(g, c))
			continue;
		appendStringInfo(&buf, "    subgraph d%d[\"", c + 1);
		append_mermaid_text(&buf, c < g->nclusters ? g->clusters[c] : "outside the mesh");
		appendStringInfoString(&buf, "\"]\n");
		for (i = 0; i < g->nnodes; i++)
		{
			GraphNode  *n = &g->nodes[i];
			char	   *lines;

			if (n->cluster != c)
				continue;
			lines = node_marks(n, "<br/>");
			appendStringInfo(&buf, "        n%d%s\"", n->id,
							 n->product ? "[" :
							 n->key.classid == ProcedureRelationId ? "[[" : "(");
			append_mermaid_text(&buf, n->name);
			appendStringInfo(&buf, "%s\"%s\n", lines,
							 n->product ? "]" :
							 n->key.classid == ProcedureRelationId ? "]]" : ")");
		}
		appendStringInfoString(&buf, "    end\n");
	}
	for (i = 0; i < g->nedges; i++)
		appendStringInfo(&buf, "    n%d %s n%d\n", g->edges[i].from,
						 g->edges[i].feeds ? "-. feeds .->" : "-->", g->edges[i].to);

	/* styles: products, products that mask PII, readers */
	if (g->nnodes > 0)
	{
		appendStringInfoString(&buf,
							   "    classDef product fill:#e8f1fb,stroke:#2f6db5\n"
							   "    classDef pii fill:#fde2e2,stroke:#c0392b\n"
							   "    classDef reader fill:#f4f4f4,stroke:#888888\n");
		for (c = 0; c < 3; c++)
		{
			const char *cls = c == 0 ? "product" : c == 1 ? "pii" : "reader";

			any = false;
			resetStringInfo(&marks);
			for (i = 0; i < g->nnodes; i++)
			{
				GraphNode  *n = &g->nodes[i];

				if ((c == 0 && n->product && !n->pii) || (c == 1 && n->pii) ||
					(c == 2 && !n->product))
				{
					appendStringInfo(&marks, "%sn%d", any ? "," : "", n->id);
					any = true;
				}
			}
			if (any)
				appendStringInfo(&buf, "    class %s %s\n", marks.data, cls);
		}
	}
	return buf.data;
}

/* the graph as a Graphviz digraph */
static char *
graph_dot(Graph *g)
{
	StringInfoData buf;
	int			c;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf,
						   "digraph mesh {\n"
						   "    rankdir=LR;\n"
						   "    graph [fontname=\"Helvetica\"];\n"
						   "    node [shape=box, style=filled, fillcolor=\"#e8f1fb\", fontname=\"Helvetica\"];\n"
						   "    edge [fontname=\"Helvetica\"];\n");
	for (c = 0; c <= g->nclusters; c++)
	{
		if (!cluster_drawn(g, c))
			continue;
		appendStringInfo(&buf, "    subgraph cluster_d%d {\n        label=\"", c + 1);
		append_dot_text(&buf, c < g->nclusters ? g->clusters[c] : "outside the mesh");
		appendStringInfoString(&buf, "\";\n");
		for (i = 0; i < g->nnodes; i++)
		{
			GraphNode  *n = &g->nodes[i];
			char	   *lines;

			if (n->cluster != c)
				continue;
			lines = node_marks(n, "\\n");
			appendStringInfo(&buf, "        n%d [label=\"", n->id);
			append_dot_text(&buf, n->name);
			appendStringInfo(&buf, "%s\"%s];\n", lines,
							 !n->product ?
							 (n->key.classid == ProcedureRelationId ?
							  ", shape=component, fillcolor=\"#f4f4f4\"" :
							  ", style=\"rounded,filled\", fillcolor=\"#f4f4f4\"") :
							 n->pii ? ", fillcolor=\"#fde2e2\"" : "");
		}
		appendStringInfoString(&buf, "    }\n");
	}
	for (i = 0; i < g->nedges; i++)
		appendStringInfo(&buf, "    n%d -> n%d%s;\n", g->edges[i].from, g->edges[i].to,
						 g->edges[i].feeds ? " [style=dashed, label=\"feeds\"]" : "");
	appendStringInfoString(&buf, "}\n");
	return buf.data;
}

/*
 * mesh_graph(format text DEFAULT 'mermaid'): the mesh as Mermaid or DOT.
 */
Datum
datamesh_mesh_graph(PG_FUNCTION_ARGS)
{
	char	   *format;
	bool		dot;
	Graph		g;
	HASHCTL		ctl;
	int		   *ids;
	int			nproducts;
	int			i;
	int			n;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("graph format must not be null"),
				 errhint("Use 'mermaid' or 'dot'.")));
	format = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (pg_strcasecmp(format, "mermaid") == 0)
		dot = false;
	else if (pg_strcasecmp(format, "dot") == 0)
		dot = true;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown graph format \"%s\"", format),
				 errhint("Use 'mermaid' (a Mermaid flowchart) or 'dot' (Graphviz).")));

	memset(&g, 0, sizeof(g));
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(ObjKey);
	ctl.entrysize = sizeof(NodeEntry);
	ctl.hcxt = CurrentMemoryContext;
	g.lookup = hash_create("datamesh mesh graph", 256, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	g.maxnodes = 64;
	g.nodes = palloc(g.maxnodes * sizeof(GraphNode));
	g.maxedges = 64;
	g.edges = palloc(g.maxedges * sizeof(GraphEdge));

	graph_load(&g);
	nproducts = g.nnodes;
	for (i = 0; i < nproducts; i++)
	{
		if (g.nodes[i].missing)
			continue;
		g.nodes[i].pii = product_masks(g.nodes[i].key.objid);
		graph_readers(&g, i);
	}
	/* products built on readers of other domains' products */
	for (i = 0; i < nproducts; i++)
	{
		int			r;

		if (g.nodes[i].missing)
			continue;
		for (r = nproducts; r < g.nnodes; r++)
			if (g.nodes[r].cluster == g.nodes[i].cluster)
				break;
		if (r < g.nnodes)
			graph_feeds(&g, i);
	}

	/* number the nodes in output order; edges name the numbers */
	ids = palloc(Max(g.nnodes, 1) * sizeof(int));
	for (i = 0; i < g.nnodes; i++)
		g.nodes[i].id = i;		/* the index before sorting */
	qsort(g.nodes, g.nnodes, sizeof(GraphNode), compare_nodes);
	for (i = 0; i < g.nnodes; i++)
	{
		ids[g.nodes[i].id] = i + 1;
		g.nodes[i].id = i + 1;
	}
	for (i = 0; i < g.nedges; i++)
	{
		g.edges[i].from = ids[g.edges[i].from];
		g.edges[i].to = ids[g.edges[i].to];
	}
	qsort(g.edges, g.nedges, sizeof(GraphEdge), compare_edges);
	/* a view reads a product once per column: one edge */
	for (i = 0, n = 0; i < g.nedges; i++)
		if (n == 0 || compare_edges(&g.edges[n - 1], &g.edges[i]) != 0)
			g.edges[n++] = g.edges[i];
	g.nedges = n;

	PG_RETURN_TEXT_P(cstring_to_text(dot ? graph_dot(&g) : graph_mermaid(&g)));
}
