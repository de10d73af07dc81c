/*-------------------------------------------------------------------------
 *
 * contract_enforce.c
 *		Contracts enforced on the net effect of a transaction.
 *
 * Event triggers and datamesh's own functions only collect which product
 * views a statement may have changed (dm_contract_touch*: the product
 * itself, or every product downstream of a changed relation or type,
 * through pg_depend).  The verdict is taken once, at pre-commit, on the
 * state the transaction would commit: each touched product with a
 * contract is described from the catalogs (contract_model.c) and compared
 * with what its contract promises by the rule engine (contract.c), under
 * FORWARD's rules (NONE's for a contract of mode NONE): the contract is the
 * reader, the product the writer.  So a
 * migration that drops and re-publishes a product with the same shape
 * commits, and one that ends breaking fails, whatever path it took.
 *
 * A breaking change fails the commit with an error naming the product,
 * the contract version, the rule, old and new value, the product's
 * readers and the fix.  With datamesh.enforce off (a superuser's switch)
 * it is recorded in datamesh.contract_event and reported as a warning (a
 * product withdrawn that way retires its contract's versions).  A
 * product whose contract is deprecated and past its end of support may be
 * withdrawn: its versions are retired, and the event recorded.
 *
 * The same set refreshes the search index (datamesh.search_entry) of the
 * touched products at pre-commit, contract or not.
 *
 * The touched set lives in TopTransactionContext and is forgotten at the
 * end of every transaction.  A product touched under a name it no longer
 * has is found again by its OID.
 *
 * IDENTIFICATION
 *		src/contract_enforce.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/snapmgr.h"

#include "catalog.h"
#include "classify.h"
#include "contract_enforce.h"
#include "contract_model.h"
#include "datamesh.h"
#include "depend.h"
#include "exec.h"

/* at most this many readers are named in a message */
#define MAX_CONSUMERS_NAMED 10

/* a product view the transaction may have changed */
typedef struct Touched
{
	Oid			relid;			/* the view when touched (may be gone) */
	char	   *name;			/* its quoted qualified name then */
} Touched;

/* product views touched by the current transaction (TopTransactionContext) */
static List *touched = NIL;

static void contract_xact_callback(XactEvent event, void *arg);
static void verdict(void);
static void judge(const char *product, Oid relid, const char *today,
				  List **report);
static void retire(const char *product);
static void record_event(const char *product, const char *version,
						 const char *rule, const char *severity,
						 const char *detail);
static Oid	relid_of_name(const char *product);
static void touched_names(List *work, List **names, List **relids);
static Datum names_array(List *names);
static void refresh_search_index(Datum names);
static bool list_member_name(List *list, const char *name);


/* is relid a view of a data_products schema? */
bool
dm_contract_is_product_view(Oid relid)
{
	return get_rel_relkind(relid) == RELKIND_VIEW &&
		dm_is_product_schema(get_rel_namespace(relid));
}

/*
 * Remembers a product view as possibly changed by this transaction, under
 * the name given (its contracted name, if it was just renamed or dropped)
 * and its OID.
 */
void
dm_contract_touch_name(const char *product, Oid viewid)
{
	MemoryContext old;
	ListCell   *lc;
	Touched    *t;

	static bool registered = false;

	if (!IsTransactionState() || product == NULL)
		return;
	/* the verdict at pre-commit, from the first product touched on */
	if (!registered)
	{
		RegisterXactCallback(contract_xact_callback, NULL);
		registered = true;
	}
	foreach(lc, touched)
	{
		t = lfirst(lc);
		if (t->relid == viewid && strcmp(t->name, product) == 0)
			return;
	}
	old = MemoryContextSwitchTo(TopTransactionContext);
	t = palloc(sizeof(Touched));
	t->relid = viewid;
	t->name = pstrdup(product);
	touched = lappend(touched, t);
	MemoryContextSwitchTo(old);
}

/* remembers a product view, under its current name */
void
dm_contract_touch(Oid viewid)
{
	char	   *name = dm_qualified_name(viewid);

	if (name != NULL)
		dm_contract_touch_name(name, viewid);
}

/*
 * Locks the product views touched so far in ShareUpdateExclusiveLock (which
 * readers never wait for), as publish_contract does: for a change that
 * locks nothing else (a REVOKE), a contract published at the same time
 * either commits first, and this transaction's verdict reads it, or waits
 * for this one and describes what it left.
 */
void
dm_contract_lock_touched(void)
{
	ListCell   *lc;

	foreach(lc, touched)
	{
		Touched    *t = lfirst(lc);

		if (OidIsValid(t->relid) && dm_contract_is_product_view(t->relid))
			LockRelationOid(t->relid, ShareUpdateExclusiveLock);
	}
}

/* every product view downstream of a relation, and the relation itself */
void
dm_contract_touch_downstream(Oid relid)
{
	ListCell   *lc;

	if (dm_contract_is_product_view(relid))
	{
		dm_contract_touch(relid);
		return;
	}
	foreach(lc, dm_depend_downstream(relid, dm_contract_is_product_view))
		if (dm_contract_is_product_view(lfirst_oid(lc)))
			dm_contract_touch(lfirst_oid(lc));
}

/*
 * Every product view downstream of a relation, through products too: what
 * DROP ... CASCADE of the relation takes with it in other domains
 * (drop_domain with force).
 */
void
dm_contract_touch_all_downstream(Oid relid)
{
	ListCell   *lc;

	foreach(lc, dm_depend_downstream(relid, NULL))
		if (dm_contract_is_product_view(lfirst_oid(lc)))
			dm_contract_touch(lfirst_oid(lc));
}

/* callback of dm_depend_dependents: collects dependent relations */
static void
collect_relation(const ObjectAddress *dependent, Oid dependent_schema,
				 const ObjectAddress *referenced, Oid referenced_schema,
				 void *arg)
{
	List	  **relids = (List **) arg;

	if (dependent->classId == RelationRelationId)
		*relids = list_append_unique_oid(*relids, dependent->objectId);
}

/*
 * Every product that shows a column of this type (an enum whose labels
 * changed), directly or through a domain, array or composite type: the
 * relations with such a column, and what reads them.
 */
void
dm_contract_touch_type(Oid typid)
{
	ListCell   *lc;

	foreach(lc, dm_depend_type_users(typid))
		dm_contract_touch_downstream(lfirst_oid(lc));
}

/* the readers of a product, for messages */
char *
dm_contract_consumers(Oid viewid)
{
	ObjectAddress view;
	List	   *relids = NIL;
	StringInfoData buf;
	ListCell   *lc;
	int			n = 0;

	if (!OidIsValid(viewid) || get_rel_relkind(viewid) == '\0')
		return pstrdup("none");
	ObjectAddressSet(view, RelationRelationId, viewid);
	dm_depend_dependents(&view, collect_relation, &relids);
	if (relids == NIL)
		return pstrdup("none");
	initStringInfo(&buf);
	foreach(lc, relids)
	{
		if (n == MAX_CONSUMERS_NAMED)
		{
			appendStringInfo(&buf, " and %d more", list_length(relids) - n);
			break;
		}
		appendStringInfo(&buf, "%s%s", n > 0 ? ", " : "",
						 dm_qualified_name(lfirst_oid(lc)));
		n++;
	}
	return buf.data;
}

/*
 * The name of a product's view without a version suffix, for the name of
 * its next major version: orders_v2 -> orders (then orders_v3).
 */
char *
dm_contract_view_stem(const char *product)
{
	List	   *names = stringToQualifiedNameList(product);
	char	   *view = pstrdup(strVal(llast(names)));
	char	   *suffix = strrchr(view, '_');

	if (suffix != NULL && suffix != view && suffix[1] == 'v' && suffix[2] != '\0' &&
		strspn(suffix + 2, "0123456789") == strlen(suffix + 2))
		*suffix = '\0';
	return view;
}

/*
 * The fix for a breaking change, as an errhint: undo, deprecate first, or
 * publish a new major version beside the product.
 */
char *
dm_contract_fix(const DmChange *change, const DmContract *promise,
				const char *product)
{
	const char *rule = change->rule;
	int			next = promise->major + 1;
	char	   *view = dm_contract_view_stem(product);

	if (strcmp(rule, "O1") == 0 || strcmp(rule, "O8") == 0)
		return psprintf("Keep the product, or deprecate it first: publish a version of its contract with status \"deprecated\" and an endOfSupport date; after that date it can be withdrawn.");
	if (strcmp(rule, "O2") == 0)
		return psprintf("Keep the product's name and schema; publish the new name as a product of its own beside it and deprecate this one.");
	if (strcmp(rule, "O3") == 0)
		return psprintf("Grant SELECT on %s, and USAGE on its schema, to the consumer role again, and SELECT on what it reads to its owner.", product);
	if (strcmp(rule, "C18") == 0)
		return psprintf("Classify the column again with datamesh.set_pii(); unmasking a contracted column needs a new major version of the contract (%d.0.0) first.", next);
	if (strcmp(rule, "C1") == 0)
		return psprintf("Keep the column, or deprecate it first (customProperties \"deprecated\" and \"endOfSupport\" in a new contract version) and remove it after that date, or publish the change as version %d.0.0 of a new product beside this one (e.g. %s_v%d).",
						next, view, next);
	return psprintf("Undo the change, or publish it as version %d.0.0 of a new product beside this one (e.g. %s_v%d) and deprecate this one.",
					next, view, next);
}

/* ------------------------------------------------------------------------
 * The verdict
 * ------------------------------------------------------------------------
 */

/* pre-commit: judge what the transaction touched; forget it at the end */
static void
contract_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			if (touched != NIL)
				verdict();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			touched = NIL;
			break;
		default:
			break;
	}
}

/* is the string in the list of strings? */
static bool
list_member_name(List *list, const char *name)
{
	ListCell   *lc;

	foreach(lc, list)
		if (strcmp(lfirst(lc), name) == 0)
			return true;
	return false;
}

/* the view of a quoted qualified name, or InvalidOid */
static Oid
relid_of_name(const char *product)
{
	List	   *names = stringToQualifiedNameList(product);

	return RangeVarGetRelid(makeRangeVarFromNameList(names), NoLock, true);
}

/*
 * The names of the touched products (as touched, and as named now if
 * renamed since) and their view OIDs then, without duplicates.
 */
static void
touched_names(List *work, List **names, List **relids)
{
	ListCell   *lc;

	foreach(lc, work)
	{
		Touched    *t = lfirst(lc);
		char	   *now_named = NULL;

		if (!list_member_name(*names, t->name))
		{
			*names = lappend(*names, t->name);
			*relids = lappend_oid(*relids, t->relid);
		}
		if (OidIsValid(t->relid) && dm_contract_is_product_view(t->relid))
			now_named = dm_qualified_name(t->relid);
		if (now_named != NULL && !list_member_name(*names, now_named))
		{
			*names = lappend(*names, now_named);
			*relids = lappend_oid(*relids, t->relid);
		}
	}
}

/* the names as a text[] Datum */
static Datum
names_array(List *names)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(names), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, names)
		elems[n++] = CStringGetTextDatum(lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Refreshes the search index of the products touched so far, now rather
 * than only at commit: a search or verify() in the transaction that
 * changed a product sees it as it is.  The products stay touched, and
 * are refreshed again at commit (a refresh that changes nothing writes
 * nothing).  (Not SPI connected)
 */
void
dm_contract_flush_search(void)
{
	List	   *names = NIL;
	List	   *relids = NIL;
	Oid			types[1] = {TEXTARRAYOID};
	Datum		values[1];

	/* a transaction set read-only after its changes finds them at commit */
	if (touched == NIL || XactReadOnly || !OidIsValid(dm_catalog_relid("search_entry")))
		return;
	touched_names(touched, &names, &relids);
	values[0] = names_array(names);
	dm_spi_connect();
	dm_exec_catalog("SELECT datamesh.search_refresh($1)", 1, types, values, NULL, false);
	SPI_finish();
	CommandCounterIncrement();
}

/*
 * Indexes the named products (a text[] Datum) anew, at commit.  Not in a
 * transaction that is read-only by then (SET TRANSACTION READ ONLY after
 * its changes): it writes nothing, and verify() reports the products it
 * left unindexed until their next change.  (SPI connected)
 */
static void
refresh_search_index(Datum names)
{
	Oid			types[1] = {TEXTARRAYOID};
	Datum		values[1] = {names};

	if (XactReadOnly)
		return;
	dm_exec_catalog("SELECT datamesh.search_refresh($1)", 1, types, values,
					NULL, false);
}

/*
 * Judges every touched product that has a contract, on the state the
 * transaction would commit.
 */
static void
verdict(void)
{
	List	   *work = touched;
	List	   *names = NIL;
	List	   *relids = NIL;
	List	   *contracted = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	char	   *today;
	MemoryContext cxt;
	MemoryContext old;

	touched = NIL;
	/* not after DROP EXTENSION datamesh in the same transaction */
	if (!OidIsValid(dm_catalog_relid("contract")))
		return;
	cxt = AllocSetContextCreate(CurrentMemoryContext, "datamesh contract verdict",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	PushActiveSnapshot(GetTransactionSnapshot());
	dm_spi_connect();
	today = dm_contract_today();

	/* the names to judge: as touched, and as named now if renamed since */
	touched_names(work, &names, &relids);

	/* one read for all: which of them have a contract (most have none) */
	{
		Datum	   *elems = palloc(sizeof(Datum) * list_length(names));
		Oid			types[1] = {TEXTARRAYOID};
		Datum		values[1];
		int			n = 0;
		uint64		i;

		foreach(lc, names)
			elems[n++] = CStringGetTextDatum(lfirst(lc));
		values[0] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
													TYPALIGN_INT));

		dm_exec_catalog_latest("SELECT DISTINCT product FROM datamesh.contract"
							   " WHERE product = ANY ($1) AND status <> 'retired'",
							   1, types, values);
		for (i = 0; i < SPI_processed; i++)
			contracted = lappend(contracted,
								 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));

		forboth(lc, names, lc2, relids)
			if (list_member_name(contracted, lfirst(lc)))
				judge(lfirst(lc), lfirst_oid(lc2), today, NULL);

		/*
		 * The search index holds every product's names, descriptions and
		 * tags: what the transaction touched is indexed anew, contract or
		 * not (rows that stay the same are not written).
		 */
		if (OidIsValid(dm_catalog_relid("search_entry")))
			refresh_search_index(values[0]);
	}

	SPI_finish();
	PopActiveSnapshot();
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}

/*
 * Judges one product: its state against its current contract version
 * (against every active version under a _TRANSITIVE mode).  With report
 * NULL, at commit: a breaking change is an error (a warning and an event
 * with enforcement off), a withdrawal after the end of support retires
 * the contract.  Else the breaking changes are appended to *report as
 * DmChange, changing nothing.  (SPI connected)
 */
static void
judge(const char *product, Oid relid, const char *today, List **report)
{
	List	   *stored = dm_contract_stored(product, true);
	DmStoredContract *current;
	DmContract *first;
	DmContract *actual;
	Oid			now;
	ListCell   *lc;

	if (stored == NIL)
		return;
	current = linitial(stored);
	now = relid_of_name(product);
	if (!OidIsValid(now) && OidIsValid(relid) && get_rel_relkind(relid) == RELKIND_VIEW)
		now = relid;
	actual = dm_contract_actual(now, product);

	/*
	 * Past the end of support of a deprecated contract the product may go,
	 * so it may also change: withdrawn, its versions retire and the event
	 * is recorded; changed, nothing is judged.
	 */
	if (strcmp(current->status, "deprecated") == 0 &&
		current->end_of_support != NULL &&
		strcmp(current->end_of_support, today) <= 0)
	{
		if (report == NULL && (!actual->exists || actual->unpublished))
		{
			retire(product);
			record_event(product, current->version, "G7", "info",
						 psprintf("Product withdrawn after the end of support (%s) of its deprecated contract; its versions are retired.",
								  current->end_of_support));
		}
		return;
	}

	first = NULL;
	foreach(lc, stored)
	{
		DmStoredContract *s = lfirst(lc);
		DmContract *promise = dm_contract_promise(s);
		DmChangeList changes;
		StringInfoData rules;
		DmChange   *worst = NULL;
		int			nbreaking = 0;
		int			i;

		if (first == NULL)
			first = promise;
		/* only the current version, unless the mode is transitive */
		else if (!first->transitive)
			break;
		/* ... and then the active versions of the current major only */
		else if (promise->major != first->major)
			continue;

		memset(&changes, 0, sizeof(changes));
		/*
		 * Does the product still give what the contract promises?  The
		 * contract is the reader and the product the writer, whatever the
		 * mode: FORWARD's rules.  (BACKWARD and FULL judge how versions of
		 * the contract may follow each other; a product that gives more
		 * than its contract promises keeps it.)  NONE keeps only the
		 * governance rules.
		 */
		dm_contract_diff(promise, actual,
						 first->compat == DM_COMPAT_NONE ? DM_COMPAT_NONE : DM_COMPAT_FORWARD,
						 today, &changes);
		initStringInfo(&rules);
		for (i = 0; i < changes.n; i++)
		{
			if (changes.items[i].severity != DM_SEV_BREAKING)
				continue;
			if (worst == NULL)
				worst = &changes.items[i];
			nbreaking++;
			/* each rule once in the list */
			{
				bool		listed = false;
				int			k;

				for (k = 0; k < i; k++)
					if (changes.items[k].severity == DM_SEV_BREAKING &&
						strcmp(changes.items[k].rule, changes.items[i].rule) == 0)
						listed = true;
				if (!listed)
					appendStringInfo(&rules, "%s%s", rules.len > 0 ? ", " : "",
									 changes.items[i].rule);
			}
		}
		if (worst == NULL)
			continue;

		if (report != NULL)
		{
			for (i = 0; i < changes.n; i++)
				if (changes.items[i].severity == DM_SEV_BREAKING)
				{
					DmChange   *copy = palloc(sizeof(DmChange));

					*copy = changes.items[i];
					copy->path = psprintf("contract \"%s\" version %s", s->id, s->version);
					*report = lappend(*report, copy);
				}
			continue;
		}
		if (!datamesh_enforce)
		{
			for (i = 0; i < changes.n; i++)
				if (changes.items[i].severity == DM_SEV_BREAKING)
					record_event(product, s->version, changes.items[i].rule,
								 "breaking", changes.items[i].detail);
			/* withdrawn on purpose: its versions retire with it */
			if (!actual->exists && actual->unpublished)
				retire(product);
			ereport(WARNING,
					(errmsg("committing a change that breaks the data contract of product %s",
							product),
					 errdetail("Contract \"%s\" version %s, %s %s: %s datamesh.enforce is off; the change is recorded in datamesh.contract_event.",
							   s->id, s->version, strchr(rules.data, ',') ? "rules" : "rule",
							   rules.data, worst->detail)));
			continue;
		}
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("transaction would break the data contract of product %s",
						product),
				 errdetail("Contract \"%s\" version %s (%s), rule %s: %s Old: %s; new: %s.%s Readers of the product: %s.",
						   s->id, s->version,
						   dm_contract_compat_name(first->compat, first->transitive),
						   worst->rule, worst->detail,
						   worst->old_value ? worst->old_value : "none",
						   worst->new_value ? worst->new_value : "none",
						   nbreaking > 1 ? psprintf(" All breaking changes: %s.", rules.data) : "",
						   dm_contract_consumers(now)),
				 (strcmp(worst->rule, "O1") == 0 || strcmp(worst->rule, "O8") == 0) &&
				 strcmp(current->status, "deprecated") == 0 && current->end_of_support != NULL ?
				 errhint("Contract version %s is deprecated with end of support %s: the product can be withdrawn from that date on.",
						 current->version, current->end_of_support) :
				 errhint("%s", dm_contract_fix(worst, promise, product))));
	}
}

/* every version of a withdrawn product's contract retires (SPI connected) */
static void
retire(const char *product)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];

	values[0] = CStringGetTextDatum(product);
	dm_exec_catalog("UPDATE datamesh.contract SET status = 'retired'"
					" WHERE product = $1 AND status <> 'retired'",
					1, types, values, NULL, false);
}

/* records what a contract let through (SPI connected) */
static void
record_event(const char *product, const char *version, const char *rule,
			 const char *severity, const char *detail)
{
	Oid			types[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[5];

	values[0] = CStringGetTextDatum(product);
	values[1] = CStringGetTextDatum(version);
	values[2] = CStringGetTextDatum(rule);
	values[3] = CStringGetTextDatum(severity);
	values[4] = CStringGetTextDatum(detail ? detail : "");
	dm_exec_catalog("INSERT INTO datamesh.contract_event"
					" (product, version, rule, severity, detail, actor)"
					" VALUES ($1, $2, $3, $4, $5, SESSION_USER)",
					5, types, values, NULL, false);
}

/*
 * The ways a product breaks its contract now, as DmChange (path names the
 * contract version); NIL if none or no contract.  (SPI connected)
 */
List *
dm_contract_problems(const char *product)
{
	List	   *report = NIL;

	judge(product, relid_of_name(product), dm_contract_today(), &report);
	return report;
}

/*
 * For the errors of the layout rules that refuse a change to a product
 * (rule 1: dropped, renamed, moved by hand): " It is bound by data contract
 * ... (rule O1)." when the product has a current contract, else "".
 */
char *
dm_contract_bound(const char *product)
{
	MemoryContext caller = CurrentMemoryContext;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	char	   *result = "";

	if (product == NULL || !OidIsValid(dm_catalog_relid("contract")))
		return result;
	dm_spi_connect();
	values[0] = CStringGetTextDatum(product);
	dm_exec_catalog_latest("SELECT id, version FROM datamesh.contract"
						   " WHERE product = $1 AND status <> 'retired'"
						   " ORDER BY major DESC, minor DESC, patch DESC LIMIT 1",
						   1, types, values);
	if (SPI_processed > 0)
		result = MemoryContextStrdup(caller,
									 psprintf(" It is bound by data contract \"%s\" version %s, which its readers rely on (rule O1).",
											  SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
											  SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2)));
	SPI_finish();
	return result;
}
