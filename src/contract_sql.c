/*-------------------------------------------------------------------------
 *
 * contract_sql.c
 *		The SQL functions of data contracts: publish_contract,
 *		diff_contracts and contract_problems (check_contract is in
 *		contract_data.c).
 *
 * publish_contract validates the document (json.c), checks that the
 * product as it stands fulfils it (columns, types compared as OID +
 * typmod, logical types, masking) and that its data does (contract_data.c:
 * required, unique, primary key, allowed values, quality rules), and that
 * the version is a valid successor of the versions of the same contract id
 * (the rule engine: a breaking change needs a new major version, G8).
 * It stores the document verbatim with its baseline, the guarantees the
 * catalogs give at that moment (contract_model.c), which DDL is later held
 * to (contract_enforce.c).
 *
 * IDENTIFICATION
 *		src/contract_sql.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"

#include "catalog.h"
#include "contract_data.h"
#include "contract_enforce.h"
#include "contract_model.h"
#include "datamesh.h"
#include "exec.h"
#include "json.h"

PG_FUNCTION_INFO_V1(datamesh_publish_contract);
PG_FUNCTION_INFO_V1(datamesh_diff_contracts);
PG_FUNCTION_INFO_V1(datamesh_contract_problems);

static void check_product(Oid viewid, DmDomain *domain);
static void check_fulfils(Oid viewid, const char *product,
						  const DmContract *c, const DmContract *actual);
static void check_successor(const char *product, const DmContract *c,
							const char *today);
static int	version_cmp(const DmContract *a, int major, int minor, int patch);
static char *kind_of(const char *strategy);

/*
 * The view must be a data product, and the caller a member of its
 * domain's owner role.
 */
static void
check_product(Oid viewid, DmDomain *domain)
{
	DmLayer		layer;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	char	   *name = get_rel_name(viewid);

	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", viewid)));
	values[0] = CStringGetTextDatum(dm_qualified_name(viewid));
	if (get_rel_relkind(viewid) != RELKIND_VIEW ||
		!dm_catalog_schema_domain(get_rel_namespace(viewid), domain, &layer) ||
		layer != DM_LAYER_DATA_PRODUCTS ||
		dm_exec_catalog("SELECT 1 FROM datamesh.product WHERE product = $1",
						1, types, values, NULL, false) < 0 ||
		SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a data product", name),
				 errhint("A contract binds a view made by datamesh.publish_product(); datamesh.products lists them.")));
	dm_catalog_check_member(domain, "publish contracts");
}

/* the kind of a masking strategy: "partial(2,3)" -> "partial" */
static char *
kind_of(const char *strategy)
{
	const char *paren = strchr(strategy, '(');

	return paren ? pnstrdup(strategy, paren - strategy) : pstrdup(strategy);
}

/*
 * The product as it stands must be what the contract describes: every
 * contracted column, with the contracted type (OID and typmod) or logical
 * type, masked where the contract says it is personal data.
 */
static void
check_fulfils(Oid viewid, const char *product, const DmContract *c,
			  const DmContract *actual)
{
	Oid			named;
	int			i;

	named = RangeVarGetRelid(makeRangeVarFromNameList(stringToQualifiedNameList(c->physical_name)),
							 NoLock, true);
	if (named != viewid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("contract names \"%s\", not product %s", c->physical_name, product),
				 errdetail("$.schema[0].physicalName names the view the contract binds."),
				 errhint("Set physicalName to \"%s\".", product)));

	for (i = 0; i < c->nprops; i++)
	{
		const DmProperty *p = &c->props[i];
		const DmProperty *a = dm_contract_property(actual, p->name);
		const char *logical;

		if (a == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("product %s has no column \"%s\"", product, p->name),
					 errdetail("The contract describes it at %s.", p->path),
					 errhint("Publish the product with the column, or remove it from the contract.")));
		if (p->type.oid != 0 &&
			(p->type.oid != a->type.oid || p->type.typmod != a->type.typmod))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" of product %s is of type %s, not %s",
							p->name, product,
							format_type_with_typemod(a->type.oid, a->type.typmod),
							format_type_with_typemod(p->type.oid, p->type.typmod)),
					 errdetail("The contract gives physicalType \"%s\" at %s.", p->type.physical, p->path),
					 errhint("physicalType is compared as the type and its modifier: write it as format_type() prints it.")));
		logical = dm_contract_logical_type(&a->type);
		if (p->logical_type != NULL &&
			(logical == NULL || pg_strcasecmp(p->logical_type, logical) != 0))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" of product %s is not of logical type %s",
							p->name, product, p->logical_type),
					 errdetail("Its type %s is of logical type %s.",
							   format_type_with_typemod(a->type.oid, a->type.typmod),
							   logical ? logical : "(none)"),
					 errhint("Give the column's logicalType as %s, or only a physicalType.",
							 logical ? logical : "\"object\"")));
		if (p->pii != NULL && a->pii == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column \"%s\" of product %s is not masked", p->name, product),
					 errdetail("The contract says it is personal data (%s) at %s.", p->pii, p->path),
					 errhint("Classify the source column with datamesh.set_pii() first.")));
		if (p->pii != NULL && strcmp(p->pii, "redact") != 0 &&
			strcmp(kind_of(p->pii), kind_of(a->pii)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column \"%s\" of product %s is masked with %s, not %s",
							p->name, product, a->pii, kind_of(p->pii)),
					 errdetail("The contract gives the strategy at %s.", p->path),
					 errhint("Make the contract's pii property and the column's classification agree.")));
	}
}

/* compares a model's version with major.minor.patch */
static int
version_cmp(const DmContract *a, int major, int minor, int patch)
{
	if (a->major != major)
		return a->major < major ? -1 : 1;
	if (a->minor != minor)
		return a->minor < minor ? -1 : 1;
	if (a->patch != patch)
		return a->patch < patch ? -1 : 1;
	return 0;
}

/*
 * The new version must follow the product's own versions: higher than the
 * highest, and not breaking against the previous one (every active one of
 * the same major under a _TRANSITIVE mode) without a new major version.
 * A product keeps its contract id.  A product's first version of an id
 * that other products already carry starts a new major line beside them
 * (orders_v2 beside orders): its major is higher than theirs, and their
 * lines go on (to be deprecated) independently.  (SPI connected)
 */
static void
check_successor(const char *product, const DmContract *c, const char *today)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	uint64		i;
	uint64		n;
	SPITupleTable *rows;

	values[0] = CStringGetTextDatum(product);
	values[1] = CStringGetTextDatum(c->id);
	dm_exec_catalog("SELECT id FROM datamesh.contract"
					" WHERE product = $1 AND id <> $2 AND status <> 'retired' LIMIT 1",
					2, types, values, NULL, false);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("product %s is bound by contract \"%s\"", product,
						SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errdetail("A new version of a product's contract keeps its id."),
				 errhint("Set id to the current contract's id.")));

	/* a new line beside other products: a higher major than theirs */
	dm_exec_catalog("SELECT max(major), pg_catalog.string_agg(DISTINCT product, ', ')"
					" FROM datamesh.contract WHERE id = $2 AND product <> $1"
					" AND NOT EXISTS (SELECT FROM datamesh.contract o"
					"                 WHERE o.product = $1 AND o.status <> 'retired')",
					2, types, values, NULL, false);
	if (SPI_processed > 0)
	{
		bool		isnull;
		Datum		max = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull && DatumGetInt32(max) >= c->major)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("contract \"%s\" version %s would start a second line of major version %d",
							c->id, c->version, c->major),
					 errdetail("Product %s carries major version %d of the contract.",
							   SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2),
							   DatumGetInt32(max)),
					 errhint("A product beside another one carries the next major version: publish it as %d.0.0.",
							 DatumGetInt32(max) + 1)));
	}

	dm_exec_catalog("SELECT version, major, minor, patch, status, document"
					" FROM datamesh.contract WHERE product = $1"
					" ORDER BY major DESC, minor DESC, patch DESC",
					1, types, values, NULL, false);
	rows = SPI_tuptable;
	n = SPI_processed;
	for (i = 0; i < n; i++)
	{
		bool		isnull;
		int			major = DatumGetInt32(SPI_getbinval(rows->vals[i], rows->tupdesc, 2, &isnull));
		int			minor = DatumGetInt32(SPI_getbinval(rows->vals[i], rows->tupdesc, 3, &isnull));
		int			patch = DatumGetInt32(SPI_getbinval(rows->vals[i], rows->tupdesc, 4, &isnull));
		char	   *version = SPI_getvalue(rows->vals[i], rows->tupdesc, 1);
		char	   *status = SPI_getvalue(rows->vals[i], rows->tupdesc, 5);
		Jsonb	   *doc;
		DmContract *old;
		DmChangeList changes;
		int			j;

		if (i == 0 && version_cmp(c, major, minor, patch) <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("contract \"%s\" version %s is not higher than the published version %s",
							c->id, c->version, version),
					 errdetail("Every version of a contract is kept; a new one needs a higher version."),
					 errhint("Publish it as version %d.%d.%d or higher.", major, minor, patch + 1)));
		/* the previous version always; more only under a transitive mode */
		if (i > 0 && !(c->transitive && strcmp(status, "retired") != 0 &&
					   major == c->major))
			continue;

		doc = DatumGetJsonbPCopy(SPI_getbinval(rows->vals[i], rows->tupdesc, 6, &isnull));
		old = dm_contract_parse(doc, DM_CONTRACT_STORED);

		/*
		 * The mode is part of the promise: a looser one would let the next
		 * version break what this one protects.  A change of mode is a new
		 * major version.
		 */
		if (i == 0 && c->major == old->major &&
			(c->compat != old->compat || c->transitive != old->transitive))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("contract \"%s\" version %s changes the compatibility mode without a new major version",
							c->id, c->version),
					 errdetail("Version %s has mode %s; this one %s.", version,
							   dm_contract_compat_name(old->compat, old->transitive),
							   dm_contract_compat_name(c->compat, c->transitive)),
					 errhint("Keep the mode, or publish it as version %d.0.0.", old->major + 1)));
		memset(&changes, 0, sizeof(changes));
		dm_contract_diff(old, c, old->compat, today, &changes);
		for (j = 0; j < changes.n; j++)
		{
			DmChange   *g8 = &changes.items[j];
			DmChange   *cause = NULL;
			int			k;

			if (strcmp(g8->rule, "G8") != 0)
				continue;
			for (k = 0; k < changes.n; k++)
				if (changes.items[k].severity == DM_SEV_BREAKING &&
					strcmp(changes.items[k].rule, "G8") != 0)
				{
					cause = &changes.items[k];
					break;
				}
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("contract \"%s\" version %s breaks version %s without a new major version",
							c->id, c->version, version),
					 errdetail("Rule %s under %s: %s",
							   cause ? cause->rule : g8->rule,
							   dm_contract_compat_name(old->compat, old->transitive),
							   cause ? cause->detail : g8->detail),
					 errhint("Publish it as version %d.0.0; a new major version of a product lives beside the old one as its own view (e.g. %s_v%d), so consumers can move over.",
							 old->major + 1, dm_contract_view_stem(product), old->major + 1)));
		}
		if (!c->transitive)
			break;
	}
}

/*
 * datamesh.publish_contract(product regclass, contract jsonb) returns text
 */
Datum
datamesh_publish_contract(PG_FUNCTION_ARGS)
{
	Oid			viewid;
	Jsonb	   *document;
	DmDomain	domain;
	DmContract *c;
	DmContract *actual;
	char	   *product;
	char	   *today;
	List	   *results;
	ListCell   *lc;
	Oid			types[11] = {TEXTOID, TEXTOID, TEXTOID, INT4OID, INT4OID, INT4OID,
	TEXTOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID};
	Datum		values[11];
	char		nulls[11] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	char	   *version;
	MemoryContext caller = CurrentMemoryContext;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product and contract must not be null")));
	viewid = PG_GETARG_OID(0);
	document = PG_GETARG_JSONB_P(1);

	dm_spi_connect();
	check_product(viewid, &domain);
	/* DDL on what the product reads waits for this publication (README) */
	dm_contract_lock_upstream(viewid, 0);
	/* and a REVOKE on it (dm_contract_lock_touched); taken last, after the tables */
	LockRelationOid(viewid, ShareUpdateExclusiveLock);
	product = dm_qualified_name(viewid);
	c = dm_contract_parse(document, DM_JSON_PUBLISH);
	if (c->status == NULL ||
		(strcmp(c->status, "active") != 0 && strcmp(c->status, "deprecated") != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot publish a contract with status \"%s\"", c->status ? c->status : ""),
				 errdetail("A published contract binds its product: its status is \"active\", or \"deprecated\" on the way out."),
				 errhint("Keep drafts and proposals outside the database until they are agreed.")));
	if (strcmp(c->status, "deprecated") == 0 && c->end_of_support == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a deprecated contract needs an end of support"),
				 errdetail("Consumers must know until when the product is kept."),
				 errhint("Add {\"property\": \"endOfSupport\", \"value\": \"YYYY-MM-DD\"} to the contract's customProperties.")));

	/* the product as it stands, and its data, fulfil the contract */
	actual = dm_contract_actual(viewid, product);
	check_fulfils(viewid, product, c, actual);
	today = dm_contract_today();
	check_successor(product, c, today);

	results = dm_contract_data_checks(viewid, c, true);
	foreach(lc, results)
	{
		DmCheckResult *r = lfirst(lc);

		if (strcmp(r->status, "pass") == 0)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("data of product %s does not fulfil contract \"%s\" version %s",
						product, c->id, c->version),
				 errdetail("Check %s: %s%s", r->check_name,
						   strcmp(r->status, "error") == 0 ? "could not run: " : "",
						   r->detail),
				 errhint("Guarantees a contract adds must hold on today's data: fix the data, or leave the guarantee out.")));
	}

	values[0] = CStringGetTextDatum(c->id);
	values[1] = CStringGetTextDatum(c->version);
	values[2] = CStringGetTextDatum(product);
	values[3] = Int32GetDatum(c->major);
	values[4] = Int32GetDatum(c->minor);
	values[5] = Int32GetDatum(c->patch);
	values[6] = CStringGetTextDatum(c->status);
	values[7] = CStringGetTextDatum(dm_contract_compat_name(c->compat, c->transitive));
	if (c->end_of_support != NULL)
		values[8] = CStringGetTextDatum(c->end_of_support);
	else
		nulls[8] = 'n';
	values[9] = JsonbPGetDatum(document);
	values[10] = JsonbPGetDatum(dm_contract_baseline(actual));
	dm_exec_catalog("INSERT INTO datamesh.contract (id, version, product, major, minor, patch,"
					" status, compatibility, end_of_support, document, baseline, published_by)"
					" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11,"
					" SESSION_USER)",
					11, types, values, nulls, false);
	/* SPI's memory goes with SPI_finish */
	version = MemoryContextStrdup(caller, c->version);
	SPI_finish();

	/* the verdict at commit holds the product to it from now on */
	dm_contract_touch(viewid);
	PG_RETURN_TEXT_P(cstring_to_text(version));
}

/*
 * datamesh.diff_contracts(old jsonb, new jsonb)
 *		returns table (path text, change text, severity text, detail text)
 *
 * Every change from old to new, with its rule id and severity under the
 * old version's compatibility mode.
 */
Datum
datamesh_diff_contracts(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DmContract *old;
	DmContract *new;
	DmChangeList changes;
	int			i;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("contracts to compare must not be null")));
	InitMaterializedSRF(fcinfo, 0);
	old = dm_contract_parse(PG_GETARG_JSONB_P(0), 0);
	new = dm_contract_parse(PG_GETARG_JSONB_P(1), 0);
	memset(&changes, 0, sizeof(changes));
	dm_contract_diff(old, new, old->compat, dm_contract_today(), &changes);
	/* a change of mode in the same major version: what publish_contract refuses */
	if ((old->compat != new->compat || old->transitive != new->transitive) &&
		new->major <= old->major)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum("$.customProperties");
		values[1] = CStringGetTextDatum("G8");
		values[2] = CStringGetTextDatum("breaking");
		values[3] = CStringGetTextDatum(psprintf("The compatibility mode changed from %s to %s: a new major version is needed (publish %d.0.0).",
												 dm_contract_compat_name(old->compat, old->transitive),
												 dm_contract_compat_name(new->compat, new->transitive),
												 old->major + 1));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	for (i = 0; i < changes.n; i++)
	{
		DmChange   *ch = &changes.items[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum(ch->path ? ch->path : "$");
		values[1] = CStringGetTextDatum(ch->rule);
		values[2] = CStringGetTextDatum(dm_contract_severity_name(ch->severity));
		values[3] = CStringGetTextDatum(ch->detail ? ch->detail : "");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * datamesh.contract_problems(product text)
 *		returns table (problem text, detail text)
 *
 * How a product breaks its contract now (for datamesh.verify()).
 */
Datum
datamesh_contract_problems(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *product = text_to_cstring(PG_GETARG_TEXT_PP(0));
	List	   *problems;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	dm_spi_connect();
	problems = dm_contract_problems(product);
	foreach(lc, problems)
	{
		DmChange   *ch = lfirst(lc);
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(psprintf("breaks contract (%s)", ch->rule));
		values[1] = CStringGetTextDatum(psprintf("%s: %s", ch->path, ch->detail ? ch->detail : ""));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}
