/*-------------------------------------------------------------------------
 *
 * contract.h
 *		The plain model of a data contract, and the rule engine over it.
 *
 * A DmContract is what the rules need of an ODCS v3.1 document, or of a
 * product as the catalogs describe it now (the "actual" model): plain C
 * data, no jansson, no SPI, no PostgreSQL headers, so that the rule engine
 * (contract.c) and the parser (json.c) build into a libFuzzer harness
 * without a backend.
 *
 * Memory: everything in a model, and every change the engine reports, is
 * allocated through dm_contract_alloc(), which the backend points at palloc
 * (contract_api.c) and a harness at malloc.  Nothing is freed one by one:
 * the caller drops the memory context (or the arena) as a whole.
 *
 * Types: the parser keeps physicalType as written; whoever has the backend
 * resolves it (PostgreSQL's parser: "int8" and "bigint" are one type) and
 * fills oid, typmod, family, base_rank and length.  The engine compares
 * those numbers only, never type names.
 *
 * IDENTIFICATION
 *		src/contract.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_CONTRACT_H
#define DATAMESH_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

/* allocation hooks: zeroed memory; never returns NULL (the hook raises) */
extern void *(*dm_contract_alloc) (size_t size);
extern char *dm_contract_strdup(const char *s);
extern char *dm_contract_printf(const char *fmt,...);

/* compatibility modes of CONTRACTS.md ("compatibility" custom property) */
typedef enum DmCompat
{
	DM_COMPAT_FORWARD,			/* the default: old readers, new writer */
	DM_COMPAT_BACKWARD,
	DM_COMPAT_FULL,
	DM_COMPAT_NONE
} DmCompat;

typedef enum DmSeverity
{
	DM_SEV_INFO,
	DM_SEV_WARNING,
	DM_SEV_BREAKING
} DmSeverity;

/* families of types: a change across families is C5 */
typedef enum DmTypeFamily
{
	DM_TF_UNKNOWN,				/* not resolved (no physicalType) */
	DM_TF_INTEGER,				/* int2 < int4 < int8 (base_rank 1..3) */
	DM_TF_EXACT,				/* numeric (length = precision, -1 unbounded) */
	DM_TF_FLOAT,				/* float4 < float8 */
	DM_TF_STRING,				/* char(n), varchar(n), text (length -1) */
	DM_TF_BOOLEAN,
	DM_TF_DATE,
	DM_TF_TIMESTAMP,			/* timestamp < timestamptz is a family change */
	DM_TF_TIMESTAMPTZ,
	DM_TF_TIME,
	DM_TF_INTERVAL,
	DM_TF_UUID,
	DM_TF_JSON,					/* json < jsonb are one family */
	DM_TF_BINARY,
	DM_TF_ENUM,					/* labels in DmProperty.valid_values */
	DM_TF_ARRAY,
	DM_TF_OTHER					/* anything else: only the same OID is equal */
} DmTypeFamily;

typedef struct DmType
{
	char	   *physical;		/* physicalType as written, or NULL */
	unsigned int oid;			/* resolved type OID, 0 if not resolved */
	int			typmod;			/* -1 if none */
	DmTypeFamily family;
	int			base_rank;		/* width of the base type inside its family */
	int			length;			/* length or precision; -1 unbounded */
	int			scale;			/* numeric scale; -1 if none */
} DmType;

/* comparison operators of ODCS quality rules */
typedef enum DmQualityOp
{
	DM_QOP_NONE,				/* no threshold given */
	DM_QOP_EQ,					/* mustBe */
	DM_QOP_NE,					/* mustNotBe */
	DM_QOP_GT,					/* mustBeGreaterThan */
	DM_QOP_GE,					/* mustBeGreaterOrEqualTo */
	DM_QOP_LT,					/* mustBeLessThan */
	DM_QOP_LE,					/* mustBeLessOrEqualTo */
	DM_QOP_BETWEEN,				/* mustBeBetween [v1, v2] */
	DM_QOP_NOT_BETWEEN			/* mustNotBeBetween [v1, v2] */
} DmQualityOp;

typedef struct DmQuality
{
	char	   *key;			/* id, else name, else metric: matches versions */
	char	   *path;			/* JSON path of the rule in its document */
	char	   *type;			/* library (default), sql, custom, text */
	char	   *metric;			/* rowCount, nullValues, duplicateValues, ... */
	char	   *query;			/* type sql: the query */
	char	   *unit;			/* rows (default) or percent */
	char	  **valid_values;	/* metric invalidValues: arguments.validValues */
	int			nvalid_values;
	DmQualityOp op;
	double		v1;
	double		v2;				/* BETWEEN: upper bound */
} DmQuality;

typedef struct DmProperty
{
	char	   *name;
	char	   *path;			/* JSON path, e.g. $.schema[0].properties[2] */
	int			position;		/* 1-based place in the schema */
	char	   *logical_type;	/* string, number, integer, date, ... or NULL */
	DmType		type;
	bool		required;
	bool		unique;
	bool		primary_key;
	int			primary_key_position;	/* 0 if none */
	char	   *classification; /* ODCS classification, or NULL */
	char	   *pii;			/* masking strategy ("redact" for true), or
								 * NULL: not personal data */
	bool		deprecated;
	char	   *end_of_support; /* YYYY-MM-DD, or NULL */
	char	   *description;	/* description, businessName and tags: C20 */
	char	   *business_name;
	char	  **tags;
	int			ntags;
	/* allowed values: an enum's labels, or a validValues quality rule */
	char	  **valid_values;
	int			nvalid_values;
	bool		has_valid_values;
	/* logicalTypeOptions: bounds, lengths, pattern */
	bool		has_minimum;
	double		minimum;
	bool		exclusive_minimum;
	bool		has_maximum;
	double		maximum;
	bool		exclusive_maximum;
	int			min_length;		/* -1 if none */
	int			max_length;		/* -1 if none */
	char	   *pattern;
	DmQuality  *quality;
	int			nquality;
} DmProperty;

typedef struct DmSla
{
	char	   *property;		/* freshness, latency, retention, ... */
	char	   *path;
	char	   *element;		/* e.g. orders.ordered_at, or NULL */
	double		seconds;		/* value in seconds when it is a duration;
								 * -1 otherwise */
	char	   *value;			/* the value as written (a number or text) */
	char	   *unit;
} DmSla;

typedef struct DmContract
{
	/* identification */
	char	   *id;
	char	   *name;
	char	   *version;		/* semver as written */
	int			major;
	int			minor;
	int			patch;
	char	   *status;			/* proposed, draft, active, deprecated, ... */
	char	   *domain;
	char	   *description;	/* description.purpose (C20) */
	char	  **tags;
	int			ntags;

	/* the first schema[] object: the product view */
	int			nschemas;		/* entries in schema[]; publishing needs 1 */
	char	   *schema_name;
	char	   *physical_name;	/* {key}_data_products.{view} */
	DmProperty *props;
	int			nprops;
	DmQuality  *quality;		/* schema-level quality rules */
	int			nquality;
	DmSla	   *slas;
	int			nslas;

	/* our customProperties */
	DmCompat	compat;
	bool		transitive;		/* a _TRANSITIVE mode */
	int			notice_days;	/* deprecationNoticeDays; -1 if none */
	char	   *end_of_support; /* contract level, YYYY-MM-DD, or NULL */

	/*
	 * Only in an actual model (the product as the catalogs describe it);
	 * a document leaves is_actual false and these unset.
	 */
	bool		is_actual;
	bool		exists;			/* the view exists under its contracted name */
	char	   *moved_to;		/* O2: where the view is now, or NULL */
	bool		consumer_select;	/* O3: the consumer role may SELECT */
	bool		unpublished;	/* O8: no datamesh.product row */
	bool		redefined;		/* O6: the view's body was replaced */
} DmContract;

/* one change between two models, as diff_contracts prints it */
typedef struct DmChange
{
	const char *rule;			/* "C1", "O3", ... (static string) */
	char	   *path;			/* JSON path in the new (or old) document */
	DmSeverity	severity;		/* under the mode the diff ran with */
	char	   *old_value;		/* may be NULL */
	char	   *new_value;		/* may be NULL */
	char	   *detail;			/* one sentence: what changed */
} DmChange;

typedef struct DmChangeList
{
	DmChange   *items;
	int			n;
	int			cap;
} DmChangeList;

/*
 * The rule engine: every change from old to new (two documents, or a
 * document and an actual model), each with its rule id and its severity
 * under mode.  today ("YYYY-MM-DD") decides whether an end of support has
 * passed (C1 vs G7) and whether an end of support respects the notice
 * period (G5).  Appends to *out; never fails on any input.
 */
extern void dm_contract_diff(const DmContract *old_c, const DmContract *new_c,
							 DmCompat mode, const char *today,
							 DmChangeList *out);

/* the worst severity in a list (DM_SEV_INFO for an empty one) */
extern DmSeverity dm_contract_worst(const DmChangeList *changes);

/* "1.2.3" -> 1, 2, 3; false unless a valid semver (pre-release allowed) */
extern bool dm_contract_parse_semver(const char *text, int *major,
									 int *minor, int *patch);

/* "YYYY-MM-DD" (a real date, years 0001 to 9999) -> a day number */
extern bool dm_contract_parse_date(const char *text, long long *days);

/* the name of a mode or severity, for messages and diff_contracts */
extern const char *dm_contract_compat_name(DmCompat mode, bool transitive);
extern const char *dm_contract_severity_name(DmSeverity severity);

/* a quality rule's threshold as text ("> 0"), or NULL if it has none */
extern char *dm_contract_threshold(const DmQuality *q);

/* the property of a model with this name, or NULL */
extern const DmProperty *dm_contract_property(const DmContract *c,
											  const char *name);

#endif							/* DATAMESH_CONTRACT_H */
