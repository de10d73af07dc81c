/*-------------------------------------------------------------------------
 *
 * json.c
 *		Parse and validate ODCS v3.1.0 data contracts with jansson.
 *
 * The only translation unit that includes <jansson.h>.  It includes no
 * PostgreSQL header (jansson's json_object() clashes with fmgrprotos.h, and
 * the file must build into a libFuzzer harness without a backend): plain C,
 * jansson and contract.h.
 *
 * A document goes through four steps, each of which stops at the first
 * error and reports it as a JSON path and a message in a DmJsonError:
 *
 *	1. limits on the raw text: its size, and a cheap scan of its bracket
 *	   depth so that jansson's recursive parser never goes deep;
 *	2. jansson parses it (duplicate keys rejected, every number decoded as a
 *	   double so that no integer overflows), and a walk over the tree checks
 *	   the nesting depth, array lengths and string lengths, naming the path;
 *	3. validation against the official ODCS v3.1.0 JSON schema, encoded by
 *	   hand in the static key tables below.  The schema is closed, so an
 *	   unknown key is an error wherever the schema says so; value types and
 *	   enums are checked; conditional parts (logicalTypeOptions per
 *	   logicalType, the library/sql/custom variants of a quality rule, the
 *	   type-specific keys of a server) follow the schema's if/then rules.
 *	   Where the schema leaves an object open (the contract's description,
 *	   logicalTypeOptions of a boolean, a rule's arguments, a custom
 *	   implementation, a custom property's value) so do we.  Formats
 *	   ("uri", "date-time") are annotations in draft 2019-09 and are not
 *	   checked;
 *	4. the DmContract model is filled from the first schema[] entry, with
 *	   the few checks of our own: a semver version, SLA units, and (with
 *	   DM_JSON_PUBLISH) what publishing needs (apiVersion "v3.1.0", one
 *	   schema entry, typed and distinct properties) and our
 *	   customProperties (compatibility, deprecationNoticeDays, endOfSupport,
 *	   pii, deprecated).  Without DM_JSON_PUBLISH a malformed setting of ours
 *	   is ignored: the document is still a valid ODCS contract.
 *
 * Memory: jansson's tree is always released with json_decref(), on error
 * paths too; the model is allocated through dm_contract_alloc() and copies
 * every string, so nothing in it points into jansson's memory.  Recursion
 * is bounded by DM_JSON_MAX_DEPTH: every recursive call descends one level
 * of the (already depth-checked) tree.
 *
 * IDENTIFICATION
 *		src/json.c
 *
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "contract.h"
#include "json.h"

/* bracket depth at which the raw-text scan gives up (jansson's stack) */
#define PRESCAN_MAX_DEPTH	(2 * DM_JSON_MAX_DEPTH)

/* the current path; large enough for DM_JSON_MAX_DEPTH escaped keys */
#define JPATH_MAX			16384

/* bytes of an object key shown in a path before "..." */
#define PATH_KEY_MAX		64

/* a pii strategy is short: "partial(2,3)", "bucket(1000)" */
#define PII_STRATEGY_MAX	128

/* kinds of values in the key tables */
typedef enum JKind
{
	JK_STRING,					/* a string */
	JK_STABLE_ID,				/* StableId: letters, digits, "_", "-" */
	JK_NUMBER,					/* any number */
	JK_INTEGER,					/* a number without fraction */
	JK_NONNEG_INT,				/* an integer >= 0 */
	JK_POS_NUMBER,				/* a number > 0 (multipleOf) */
	JK_BOOLEAN,
	JK_ANY,						/* AnyType: any JSON value */
	JK_SCALAR,					/* AnyNonCollectionType: no array, no object */
	JK_OPEN_OBJECT,				/* an object with any keys */
	JK_ANY_ARRAY,				/* an array of AnyType */
	JK_STRING_ARRAY,			/* an array of strings (Tags, ...) */
	JK_ENUM,					/* a string out of KeySpec.values */
	JK_OBJECT,					/* an object, checked by KeySpec.check */
	JK_OBJECT_ARRAY,			/* an array of those */
	JK_CHECK,					/* any value, checked by KeySpec.check */
	JK_LATER					/* checked by the object's own validator */
} JKind;

/* the state of one parse */
typedef struct JCtx
{
	DmJsonError *err;			/* where the first error goes */
	int			flags;			/* DM_JSON_PUBLISH */
	bool		failed;			/* an error was reported */
	size_t		pathlen;		/* strlen(path) */
	char		path[JPATH_MAX];	/* JSON path of the value at hand */
} JCtx;

typedef bool (*JCheck) (JCtx *ctx, json_t *value);

/* one key an object of the schema may have */
typedef struct KeySpec
{
	const char *name;			/* NULL ends a table */
	JKind		kind;
	JCheck		check;			/* JK_OBJECT, JK_OBJECT_ARRAY, JK_CHECK */
	const char *const *values;	/* JK_ENUM: NULL-terminated */
} KeySpec;

/*
 * The keys a server of one type adds (ServerSource in the schema), as words:
 * a leading "*" marks a required key, a trailing "#" an integer; every other
 * key is a string.
 */
typedef struct ServerKind
{
	const char *type;			/* the server's "type" */
	const char *keys;
} ServerKind;

/* the comparison operators of a quality rule */
typedef struct QualityOp
{
	const char *name;
	DmQualityOp op;
} QualityOp;

/* a unit of an SLA duration */
typedef struct TimeUnit
{
	const char *name;
	double		seconds;
} TimeUnit;

/* values of the "compatibility" custom property */
typedef struct CompatName
{
	const char *name;
	DmCompat	mode;
	bool		transitive;
} CompatName;

/* validators of the objects of the schema (used in the tables) */
static bool v_root(JCtx *ctx, json_t *v);
static bool v_description(JCtx *ctx, json_t *v);
static bool v_schema_object(JCtx *ctx, json_t *v);
static bool v_properties(JCtx *ctx, json_t *v);
static bool v_property(JCtx *ctx, json_t *v);
static bool v_item_property(JCtx *ctx, json_t *v);
static bool v_required_names(JCtx *ctx, json_t *v);
static bool v_quality(JCtx *ctx, json_t *v);
static bool v_between(JCtx *ctx, json_t *v);
static bool v_implementation(JCtx *ctx, json_t *v);
static bool v_authdef(JCtx *ctx, json_t *v);
static bool v_support_item(JCtx *ctx, json_t *v);
static bool v_pricing(JCtx *ctx, json_t *v);
static bool v_team(JCtx *ctx, json_t *v);
static bool v_team_member(JCtx *ctx, json_t *v);
static bool v_role(JCtx *ctx, json_t *v);
static bool v_sla(JCtx *ctx, json_t *v);
static bool v_custom_property(JCtx *ctx, json_t *v);
static bool v_rel_schema(JCtx *ctx, json_t *v);
static bool v_rel_property(JCtx *ctx, json_t *v);
static bool v_reference(JCtx *ctx, json_t *v);
static bool v_server(JCtx *ctx, json_t *v);
static bool v_version(JCtx *ctx, json_t *v);
static bool v_api_version(JCtx *ctx, json_t *v);

/*
 * The schema's enums.
 */
static const char *const enum_kind[] = {"DataContract", NULL};
static const char *const enum_api_version[] = {
	"v3.1.0", "v3.0.2", "v3.0.1", "v3.0.0", "v2.2.2", "v2.2.1", "v2.2.0", NULL
};
static const char *const enum_object[] = {"object", NULL};
static const char *const enum_logical_type[] = {
	"string", "date", "timestamp", "time", "number", "integer", "object",
	"array", "boolean", NULL
};
static const char *const enum_dimension[] = {
	"accuracy", "completeness", "conformity", "consistency", "coverage",
	"timeliness", "uniqueness", NULL
};
static const char *const enum_quality_type[] = {
	"text", "library", "sql", "custom", NULL
};
static const char *const enum_metric[] = {
	"nullValues", "missingValues", "invalidValues", "duplicateValues",
	"rowCount", NULL
};
static const char *const enum_int_format[] = {
	"i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", NULL
};
static const char *const enum_num_format[] = {"f32", "f64", NULL};
static const char *const enum_relationship_type[] = {"foreignKey", NULL};

/*
 * The objects of the schema ($defs), key by key.
 */

/* the root object */
static const KeySpec root_keys[] = {
	{"version", JK_CHECK, v_version},
	{"kind", JK_ENUM, NULL, enum_kind},
	{"apiVersion", JK_CHECK, v_api_version},
	{"id", JK_STRING},
	{"name", JK_STRING},
	{"tenant", JK_STRING},
	{"tags", JK_STRING_ARRAY},
	{"status", JK_STRING},
	{"servers", JK_OBJECT_ARRAY, v_server},
	{"dataProduct", JK_STRING},
	{"description", JK_OBJECT, v_description},
	{"domain", JK_STRING},
	{"schema", JK_OBJECT_ARRAY, v_schema_object},
	{"support", JK_OBJECT_ARRAY, v_support_item},
	{"price", JK_OBJECT, v_pricing},
	{"team", JK_CHECK, v_team},
	{"roles", JK_OBJECT_ARRAY, v_role},
	{"slaDefaultElement", JK_STRING},
	{"slaProperties", JK_OBJECT_ARRAY, v_sla},
	{"authoritativeDefinitions", JK_OBJECT_ARRAY, v_authdef},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{"contractCreatedTs", JK_STRING},
	{NULL}
};
static const char *const root_required[] = {
	"version", "apiVersion", "kind", "id", "status", NULL
};

/* the root's description (an open object in the schema) */
static const KeySpec description_keys[] = {
	{"usage", JK_STRING},
	{"purpose", JK_STRING},
	{"limitations", JK_STRING},
	{"authoritativeDefinitions", JK_OBJECT_ARRAY, v_authdef},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{NULL}
};

/* SchemaElement: common to schema objects and their properties */
static const KeySpec schema_element_keys[] = {
	{"id", JK_STABLE_ID},
	{"name", JK_STRING},
	{"physicalType", JK_STRING},
	{"description", JK_STRING},
	{"businessName", JK_STRING},
	{"authoritativeDefinitions", JK_OBJECT_ARRAY, v_authdef},
	{"tags", JK_STRING_ARRAY},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{NULL}
};

/* SchemaObject: an entry of schema[] */
static const KeySpec schema_object_keys[] = {
	{"logicalType", JK_ENUM, NULL, enum_object},
	{"physicalName", JK_STRING},
	{"dataGranularityDescription", JK_STRING},
	{"properties", JK_CHECK, v_properties},
	{"relationships", JK_OBJECT_ARRAY, v_rel_schema},
	{"quality", JK_OBJECT_ARRAY, v_quality},
	{NULL}
};

/* SchemaBaseProperty, less what SchemaElement has */
static const KeySpec property_keys[] = {
	{"primaryKey", JK_BOOLEAN},
	{"primaryKeyPosition", JK_INTEGER},
	{"logicalType", JK_LATER},
	{"logicalTypeOptions", JK_LATER},
	{"physicalName", JK_STRING},
	{"required", JK_BOOLEAN},
	{"unique", JK_BOOLEAN},
	{"partitioned", JK_BOOLEAN},
	{"partitionKeyPosition", JK_INTEGER},
	{"classification", JK_STRING},
	{"encryptedName", JK_STRING},
	{"transformSourceObjects", JK_STRING_ARRAY},
	{"transformLogic", JK_STRING},
	{"transformDescription", JK_STRING},
	{"examples", JK_ANY_ARRAY},
	{"criticalDataElement", JK_BOOLEAN},
	{"relationships", JK_OBJECT_ARRAY, v_rel_property},
	{"quality", JK_OBJECT_ARRAY, v_quality},
	{NULL}
};

/* allowed when logicalType is object (or absent) */
static const KeySpec nested_properties_keys[] = {
	{"properties", JK_CHECK, v_properties},
	{NULL}
};

/* allowed when logicalType is array (or absent) */
static const KeySpec items_keys[] = {
	{"items", JK_OBJECT, v_item_property},
	{NULL}
};

/* logicalTypeOptions, per logicalType (additionalProperties false) */
static const KeySpec lto_string_keys[] = {
	{"minLength", JK_NONNEG_INT},
	{"maxLength", JK_NONNEG_INT},
	{"pattern", JK_STRING},
	{"format", JK_STRING},
	{NULL}
};
static const KeySpec lto_date_keys[] = {
	{"format", JK_STRING},
	{"exclusiveMaximum", JK_STRING},
	{"maximum", JK_STRING},
	{"exclusiveMinimum", JK_STRING},
	{"minimum", JK_STRING},
	{NULL}
};
static const KeySpec lto_time_keys[] = {
	{"format", JK_STRING},
	{"exclusiveMaximum", JK_STRING},
	{"maximum", JK_STRING},
	{"exclusiveMinimum", JK_STRING},
	{"minimum", JK_STRING},
	{"timezone", JK_BOOLEAN},
	{"defaultTimezone", JK_STRING},
	{NULL}
};
static const KeySpec lto_integer_keys[] = {
	{"multipleOf", JK_POS_NUMBER},
	{"maximum", JK_NUMBER},
	{"exclusiveMaximum", JK_NUMBER},
	{"minimum", JK_NUMBER},
	{"exclusiveMinimum", JK_NUMBER},
	{"format", JK_ENUM, NULL, enum_int_format},
	{NULL}
};
static const KeySpec lto_number_keys[] = {
	{"multipleOf", JK_POS_NUMBER},
	{"maximum", JK_NUMBER},
	{"exclusiveMaximum", JK_NUMBER},
	{"minimum", JK_NUMBER},
	{"exclusiveMinimum", JK_NUMBER},
	{"format", JK_ENUM, NULL, enum_num_format},
	{NULL}
};
static const KeySpec lto_object_keys[] = {
	{"maxProperties", JK_NONNEG_INT},
	{"minProperties", JK_NONNEG_INT},
	{"required", JK_CHECK, v_required_names},
	{NULL}
};
static const KeySpec lto_array_keys[] = {
	{"maxItems", JK_NONNEG_INT},
	{"minItems", JK_NONNEG_INT},
	{"uniqueItems", JK_BOOLEAN},
	{NULL}
};

/* DataQuality, and what its library, sql and custom variants add */
static const KeySpec quality_keys[] = {
	{"id", JK_STABLE_ID},
	{"authoritativeDefinitions", JK_OBJECT_ARRAY, v_authdef},
	{"businessImpact", JK_STRING},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{"description", JK_STRING},
	{"dimension", JK_ENUM, NULL, enum_dimension},
	{"method", JK_STRING},
	{"name", JK_STRING},
	{"schedule", JK_STRING},
	{"scheduler", JK_STRING},
	{"severity", JK_STRING},
	{"tags", JK_STRING_ARRAY},
	{"type", JK_LATER},
	{"unit", JK_STRING},
	{NULL}
};
static const KeySpec quality_library_keys[] = {
	{"metric", JK_ENUM, NULL, enum_metric},
	{"rule", JK_STRING},		/* deprecated alias of metric */
	{"arguments", JK_OPEN_OBJECT},
	{NULL}
};
static const KeySpec quality_sql_keys[] = {
	{"query", JK_STRING},
	{NULL}
};
static const KeySpec quality_custom_keys[] = {
	{"engine", JK_STRING},
	{"implementation", JK_CHECK, v_implementation},
	{NULL}
};
static const KeySpec quality_op_keys[] = {
	{"mustBe", JK_ANY},
	{"mustNotBe", JK_ANY},
	{"mustBeGreaterThan", JK_NUMBER},
	{"mustBeGreaterOrEqualTo", JK_NUMBER},
	{"mustBeLessThan", JK_NUMBER},
	{"mustBeLessOrEqualTo", JK_NUMBER},
	{"mustBeBetween", JK_CHECK, v_between},
	{"mustNotBeBetween", JK_CHECK, v_between},
	{NULL}
};

/* AuthoritativeDefinitions items */
static const KeySpec authdef_keys[] = {
	{"id", JK_STABLE_ID},
	{"url", JK_STRING},
	{"type", JK_STRING},
	{"description", JK_STRING},
	{NULL}
};
static const char *const authdef_required[] = {"url", "type", NULL};

/* SupportItem */
static const KeySpec support_keys[] = {
	{"id", JK_STABLE_ID},
	{"channel", JK_STRING},
	{"url", JK_STRING},
	{"description", JK_STRING},
	{"tool", JK_STRING},
	{"scope", JK_STRING},
	{"invitationUrl", JK_STRING},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{NULL}
};
static const char *const support_required[] = {"channel", NULL};

/* Pricing */
static const KeySpec pricing_keys[] = {
	{"id", JK_STABLE_ID},
	{"priceAmount", JK_NUMBER},
	{"priceCurrency", JK_STRING},
	{"priceUnit", JK_STRING},
	{NULL}
};

/* TeamMember */
static const KeySpec team_member_keys[] = {
	{"id", JK_STABLE_ID},
	{"username", JK_STRING},
	{"name", JK_STRING},
	{"description", JK_STRING},
	{"role", JK_STRING},
	{"dateIn", JK_STRING},
	{"dateOut", JK_STRING},
	{"replacedByUsername", JK_STRING},
	{"tags", JK_STRING_ARRAY},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{"authoritativeDefinitions", JK_OBJECT_ARRAY, v_authdef},
	{NULL}
};
static const char *const team_member_required[] = {"username", NULL};

/* Team (v3.1.0; the array of members is the deprecated form) */
static const KeySpec team_keys[] = {
	{"id", JK_STABLE_ID},
	{"name", JK_STRING},
	{"description", JK_STRING},
	{"members", JK_OBJECT_ARRAY, v_team_member},
	{"tags", JK_STRING_ARRAY},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{"authoritativeDefinitions", JK_OBJECT_ARRAY, v_authdef},
	{NULL}
};

/* Role */
static const KeySpec role_keys[] = {
	{"id", JK_STABLE_ID},
	{"role", JK_STRING},
	{"description", JK_STRING},
	{"access", JK_STRING},
	{"firstLevelApprovers", JK_STRING},
	{"secondLevelApprovers", JK_STRING},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{NULL}
};
static const char *const role_required[] = {"role", NULL};

/* ServiceLevelAgreementProperty */
static const KeySpec sla_keys[] = {
	{"id", JK_STABLE_ID},
	{"property", JK_STRING},
	{"value", JK_SCALAR},
	{"valueExt", JK_SCALAR},
	{"unit", JK_STRING},
	{"element", JK_STRING},
	{"driver", JK_STRING},
	{"description", JK_STRING},
	{"scheduler", JK_STRING},
	{"schedule", JK_STRING},
	{NULL}
};
static const char *const sla_required[] = {"property", "value", NULL};

/* CustomProperty */
static const KeySpec custom_property_keys[] = {
	{"id", JK_STABLE_ID},
	{"property", JK_STRING},
	{"value", JK_ANY},
	{"description", JK_STRING},
	{NULL}
};
static const char *const custom_property_required[] = {"property", "value", NULL};

/* RelationshipBase */
static const KeySpec relationship_keys[] = {
	{"type", JK_ENUM, NULL, enum_relationship_type},
	{"from", JK_CHECK, v_reference},
	{"to", JK_CHECK, v_reference},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{NULL}
};
static const char *const rel_schema_required[] = {"from", "to", NULL};
static const char *const rel_property_required[] = {"to", NULL};

/* Server: the common keys; ServerSource below adds keys per type */
static const KeySpec server_keys[] = {
	{"id", JK_STABLE_ID},
	{"server", JK_STRING},
	{"type", JK_LATER},
	{"description", JK_STRING},
	{"environment", JK_STRING},
	{"roles", JK_OBJECT_ARRAY, v_role},
	{"customProperties", JK_OBJECT_ARRAY, v_custom_property},
	{NULL}
};
static const char *const server_required[] = {"server", "type", NULL};

/* ServerSource, in the order of the schema's enum of server types */
static const ServerKind server_kinds[] = {
	{"api", "*location"},
	{"athena", "*stagingDir *schema catalog regionName"},
	{"azure", "*location *format delimiter"},
	{"bigquery", "*project *dataset"},
	{"clickhouse", "*host *port# *database"},
	{"databricks", "host *catalog *schema"},
	{"denodo", "*host *port# database"},
	{"dremio", "*host *port# schema"},
	{"duckdb", "*database schema"},
	{"glue", "*account *database location format"},
	{"cloudsql", "*host *port# *database *schema"},
	{"db2", "*host *port# *database schema"},
	{"hive", "*host port# *database"},
	{"impala", "*host port# *database"},
	{"informix", "*host port# *database"},
	{"kafka", "*host format"},
	{"kinesis", "region format"},
	{"local", "*path *format"},
	{"mysql", "*host *port# *database"},
	{"oracle", "*host *port# *serviceName"},
	{"postgresql", "*host *port# *database *schema"},
	{"postgres", "*host *port# *database *schema"},
	{"presto", "*host catalog schema"},
	{"pubsub", "*project"},
	{"redshift", "host *database *schema region account"},
	{"s3", "*location endpointUrl format delimiter"},
	{"sftp", "*location format delimiter"},	/* location: ^sftp:// */
	{"snowflake", "host port# *account *database *schema warehouse"},
	{"sqlserver", "*host port# *database *schema"},
	{"synapse", "*host *port# *database"},
	{"trino", "*host *port# *catalog *schema"},
	{"vertica", "*host *port# *database *schema"},
	{"zen", "*host port# *database"},
	{"custom", "account catalog database dataset delimiter endpointUrl "
	"format host location path port# project region regionName schema "
	"serviceName stagingDir warehouse stream"},
};

/* comparison operators of quality rules, as in DataQualityOperators */
static const QualityOp quality_ops[] = {
	{"mustBe", DM_QOP_EQ},
	{"mustNotBe", DM_QOP_NE},
	{"mustBeGreaterThan", DM_QOP_GT},
	{"mustBeGreaterOrEqualTo", DM_QOP_GE},
	{"mustBeLessThan", DM_QOP_LT},
	{"mustBeLessOrEqualTo", DM_QOP_LE},
	{"mustBeBetween", DM_QOP_BETWEEN},
	{"mustNotBeBetween", DM_QOP_NOT_BETWEEN},
};

/* units of SLA durations ("m" is minutes; months only in ISO-8601) */
static const TimeUnit time_units[] = {
	{"s", 1.0}, {"sec", 1.0}, {"second", 1.0}, {"seconds", 1.0},
	{"m", 60.0}, {"min", 60.0}, {"minute", 60.0}, {"minutes", 60.0},
	{"h", 3600.0}, {"hr", 3600.0}, {"hour", 3600.0}, {"hours", 3600.0},
	{"d", 86400.0}, {"day", 86400.0}, {"days", 86400.0},
	{"y", 31536000.0}, {"yr", 31536000.0}, {"year", 31536000.0},
	{"years", 31536000.0},
};

/* compatibility modes (CONTRACTS.md) */
static const CompatName compat_names[] = {
	{"FORWARD", DM_COMPAT_FORWARD, false},
	{"BACKWARD", DM_COMPAT_BACKWARD, false},
	{"FULL", DM_COMPAT_FULL, false},
	{"NONE", DM_COMPAT_NONE, false},
	{"FORWARD_TRANSITIVE", DM_COMPAT_FORWARD, true},
	{"BACKWARD_TRANSITIVE", DM_COMPAT_BACKWARD, true},
	{"FULL_TRANSITIVE", DM_COMPAT_FULL, true},
};

#define lengthof_array(a)	(sizeof(a) / sizeof((a)[0]))

/* errors and paths */
#define printf_attr(f, a)	__attribute__((format(printf, f, a)))
static bool fail_v(JCtx *ctx, const char *fmt, va_list ap) printf_attr(2, 0);
static bool fail(JCtx *ctx, const char *fmt,...) printf_attr(2, 3);
static bool fail_key(JCtx *ctx, const char *key,
					 const char *fmt,...) printf_attr(3, 4);
static bool fail_index(JCtx *ctx, size_t index,
					   const char *fmt,...) printf_attr(3, 4);
static bool ours_invalid(JCtx *ctx, const char *key,
						 const char *fmt,...) printf_attr(3, 4);
static size_t path_push_key(JCtx *ctx, const char *key);
static size_t path_push_index(JCtx *ctx, size_t index);
static void path_pop(JCtx *ctx, size_t mark);

/* generic checks */
static bool prescan_depth(JCtx *ctx, const char *text, size_t len);
static bool check_limits(JCtx *ctx, json_t *v, int depth);
static bool check_value(JCtx *ctx, const KeySpec *spec, json_t *v);
static bool check_object(JCtx *ctx, json_t *obj, const KeySpec *const *tables,
						 int ntables, const char *const *required,
						 bool closed, const char *what);
static bool property_common(JCtx *ctx, json_t *obj, bool is_item);
static bool check_lto(JCtx *ctx, json_t *opts, const char *logical_type);
static bool v_relationship(JCtx *ctx, json_t *obj, bool schema_level);

/* the model */
static bool build_contract(JCtx *ctx, json_t *root, DmContract *c);
static bool build_property(JCtx *ctx, json_t *obj, int index, DmProperty *p);
static bool build_quality_list(JCtx *ctx, json_t *arr, DmQuality **out,
							   int *nout);
static bool build_quality(JCtx *ctx, json_t *obj, int index, DmQuality *q);
static bool build_sla(JCtx *ctx, json_t *obj, DmSla *s);
static bool build_root_custom(JCtx *ctx, json_t *arr, DmContract *c);
static bool build_property_custom(JCtx *ctx, json_t *arr, DmProperty *p);
static bool check_publish(JCtx *ctx, json_t *root, const DmContract *c);


/*
 * Route jansson's allocations through alloc_fn and free_fn.  jansson keeps
 * the pair globally; call this once, before the first parse.
 */
void
dm_json_set_alloc(void *(*alloc_fn) (size_t), void (*free_fn) (void *))
{
	json_set_alloc_funcs(alloc_fn, free_fn);
}

/*
 * Parse and validate one contract document; see json.h.  text need not be
 * NUL-terminated.  *out is zeroed first and filled only on success; *err is
 * set on failure (and zeroed on success).
 */
bool
dm_json_parse_contract(const char *text, size_t len, int flags,
					   DmContract *out, DmJsonError *err)
{
	JCtx	   *ctx;
	JCtx		ctx_data;
	json_t	   *root;
	json_error_t jerr;
	bool		ok;

	ctx = &ctx_data;
	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	ctx->err = err;
	ctx->flags = flags;
	ctx->failed = false;
	ctx->path[0] = '$';
	ctx->path[1] = '\0';
	ctx->pathlen = 1;

	if (text == NULL)
	{
		text = "";
		len = 0;
	}
	if (len > DM_JSON_MAX_DOCUMENT)
		return fail(ctx, "document is larger than 1 MB (%d bytes)",
					DM_JSON_MAX_DOCUMENT);
	if (!prescan_depth(ctx, text, len))
		return false;

	/* every number as a double: no integer overflows in jansson or here */
	root = json_loadb(text, len,
					  JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
	if (root == NULL)
	{
		char		msg[JSON_ERROR_TEXT_LENGTH];
		char	   *near;
		size_t		i;

		/* jansson quotes the input near the error: keep data out */
		snprintf(msg, sizeof(msg), "%s", jerr.text);
		near = strstr(msg, " near ");
		if (near != NULL)
			*near = '\0';
		if (strstr(msg, "JSON_ALLOW_NUL") != NULL)
			snprintf(msg, sizeof(msg), "\\u0000 is not allowed in a string");
		for (i = 0; msg[i] != '\0'; i++)
			if ((unsigned char) msg[i] < 0x20 || (unsigned char) msg[i] >= 0x7f)
				msg[i] = '?';
		return fail(ctx, "invalid JSON at line %d, column %d: %s",
					jerr.line, jerr.column, msg);
	}

	if (!json_is_object(root))
		ok = fail(ctx, "expected a JSON object (a data contract)");
	else
		ok = check_limits(ctx, root, 1) &&
			v_root(ctx, root) &&
			build_contract(ctx, root, out);
	json_decref(root);

	if (!ok)
	{
		/* whatever was allocated goes with the caller's context or arena */
		memset(out, 0, sizeof(*out));
		out->notice_days = -1;
		return false;
	}
	memset(err, 0, sizeof(*err));
	return true;
}


/* ----------------------------------------------------------------
 *		Errors and paths
 * ----------------------------------------------------------------
 */

/*
 * Cut an incomplete UTF-8 sequence off the end of s (left by a truncating
 * snprintf), so that a message is always valid UTF-8.
 */
static void
utf8_trim_tail(char *s)
{
	size_t		len = strlen(s);
	size_t		lead = len;
	unsigned char c;
	size_t		need;

	while (lead > 0 && ((unsigned char) s[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0)
	{
		s[0] = '\0';
		return;
	}
	lead--;
	c = (unsigned char) s[lead];
	if (c < 0x80)
		need = 1;
	else if ((c & 0xE0) == 0xC0)
		need = 2;
	else if ((c & 0xF0) == 0xE0)
		need = 3;
	else
		need = 4;
	if (len - lead < need)
		s[lead] = '\0';
}

/*
 * Copy the current path into an error's path; one too long keeps its tail
 * (which names the offending value) behind "$...".
 */
static void
copy_path(char *dst, size_t size, const char *src, size_t len)
{
	const char *start;

	if (len < size)
	{
		memcpy(dst, src, len + 1);
		return;
	}
	start = src + len - (size - 5);
	while (((unsigned char) *start & 0xC0) == 0x80)
		start++;
	snprintf(dst, size, "$...%s", start);
}

/* report an error at the current path, unless one was reported already */
static bool
fail_v(JCtx *ctx, const char *fmt, va_list ap)
{
	if (ctx->failed)
		return false;
	ctx->failed = true;
	copy_path(ctx->err->path, sizeof(ctx->err->path), ctx->path, ctx->pathlen);
	vsnprintf(ctx->err->message, sizeof(ctx->err->message), fmt, ap);
	utf8_trim_tail(ctx->err->message);
	return false;
}

/*
 * Report an error at the current path and return false.  After an error
 * the path is not restored: the first error is the one reported.
 */
static bool
fail(JCtx *ctx, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	fail_v(ctx, fmt, ap);
	va_end(ap);
	return false;
}

/* report an error at the current path's key (a missing or bad key) */
static bool
fail_key(JCtx *ctx, const char *key, const char *fmt,...)
{
	va_list		ap;

	path_push_key(ctx, key);
	va_start(ap, fmt);
	fail_v(ctx, fmt, ap);
	va_end(ap);
	return false;
}

/* report an error at an element of the current array */
static bool
fail_index(JCtx *ctx, size_t index, const char *fmt,...)
{
	va_list		ap;

	path_push_index(ctx, index);
	va_start(ap, fmt);
	fail_v(ctx, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * A malformed setting of ours (customProperties, validValues): an error
 * when publishing; otherwise ignored (true), since the document is still
 * valid ODCS.  key, if not NULL, is appended to the path.
 */
static bool
ours_invalid(JCtx *ctx, const char *key, const char *fmt,...)
{
	va_list		ap;

	if ((ctx->flags & DM_JSON_PUBLISH) == 0)
		return true;
	if (key != NULL)
		path_push_key(ctx, key);
	va_start(ap, fmt);
	fail_v(ctx, fmt, ap);
	va_end(ap);
	return false;
}

/* append n bytes to the path (silently cut at JPATH_MAX) */
static void
path_add(JCtx *ctx, const char *s, size_t n)
{
	if (n > JPATH_MAX - 1 - ctx->pathlen)
		n = JPATH_MAX - 1 - ctx->pathlen;
	memcpy(ctx->path + ctx->pathlen, s, n);
	ctx->pathlen += n;
	ctx->path[ctx->pathlen] = '\0';
}

/*
 * Append an object key to the path: .key for a plain identifier, else
 * ["key"] escaped (and cut after PATH_KEY_MAX bytes).  Returns the mark
 * that path_pop() restores.
 */
static size_t
path_push_key(JCtx *ctx, const char *key)
{
	size_t		mark = ctx->pathlen;
	size_t		n = strlen(key);
	bool		plain = (n > 0 && n <= PATH_KEY_MAX);
	size_t		i;

	for (i = 0; plain && i < n; i++)
	{
		char		c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			  (i > 0 && ((c >= '0' && c <= '9') || c == '-'))))
			plain = false;
	}
	if (plain)
	{
		path_add(ctx, ".", 1);
		path_add(ctx, key, n);
		return mark;
	}

	path_add(ctx, "[\"", 2);
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) key[i];
		char		buf[8];

		if (i >= PATH_KEY_MAX && (c & 0xC0) != 0x80)
		{
			path_add(ctx, "...", 3);
			break;
		}
		if (c == '"' || c == '\\')
		{
			buf[0] = '\\';
			buf[1] = (char) c;
			path_add(ctx, buf, 2);
		}
		else if (c < 0x20 || c == 0x7f)
		{
			snprintf(buf, sizeof(buf), "\\u%04x", (unsigned int) c);
			path_add(ctx, buf, 6);
		}
		else
			path_add(ctx, key + i, 1);
	}
	path_add(ctx, "\"]", 2);
	return mark;
}

/* append an array index to the path; returns the mark for path_pop() */
static size_t
path_push_index(JCtx *ctx, size_t index)
{
	size_t		mark = ctx->pathlen;
	char		buf[32];
	int			n;

	n = snprintf(buf, sizeof(buf), "[%zu]", index);
	path_add(ctx, buf, (size_t) n);
	return mark;
}

/* restore the path to a mark */
static void
path_pop(JCtx *ctx, size_t mark)
{
	ctx->pathlen = mark;
	ctx->path[mark] = '\0';
}

/* append s to buf (of size bytes), ending with "..." when it is full */
static void
buf_add(char *buf, size_t size, const char *s)
{
	size_t		len = strlen(buf);
	size_t		n = strlen(s);

	if (len + n + 4 > size)
	{
		if (len + 4 <= size && (len < 3 || strcmp(buf + len - 3, "...") != 0))
			memcpy(buf + len, "...", 4);
		return;
	}
	memcpy(buf + len, s, n + 1);
}

/* "a, b, c" from a NULL-terminated list of names */
static void
list_values(char *buf, size_t size, const char *const *values)
{
	int			i;

	buf[0] = '\0';
	for (i = 0; values[i] != NULL; i++)
	{
		if (i > 0)
			buf_add(buf, size, ", ");
		buf_add(buf, size, values[i]);
	}
}

/* "a, b, c" from the names of key tables */
static void
list_keys(char *buf, size_t size, const KeySpec *const *tables, int ntables)
{
	int			t;
	int			i;

	buf[0] = '\0';
	for (t = 0; t < ntables; t++)
		for (i = 0; tables[t][i].name != NULL; i++)
		{
			if (buf[0] != '\0')
				buf_add(buf, size, ", ");
			buf_add(buf, size, tables[t][i].name);
		}
}


/* ----------------------------------------------------------------
 *		Small syntax checks
 * ----------------------------------------------------------------
 */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* StableId: ^[A-Za-z0-9_-]+$ */
static bool
stable_id_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!is_alpha(*s) && !is_digit(*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* [A-Za-z_][A-Za-z0-9_]* over n bytes */
static bool
ident_ok(const char *s, size_t n)
{
	size_t		i;

	if (n == 0 || !(is_alpha(s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '_')
			return false;
	return true;
}

/* [A-Za-z0-9_-]+ over n bytes */
static bool
segment_ok(const char *s, size_t n)
{
	size_t		i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/*
 * A relationship's reference: ShorthandReference (table.column) or
 * FullyQualifiedReference ([[http[s]://]file.yaml#][/]ident/seg[/ident/seg]...),
 * the schema's two patterns written out by hand.
 */
static bool
reference_ok(const char *s)
{
	const char *dot = strchr(s, '.');
	const char *hash;
	const char *p;
	int			count = 0;

	if (dot != NULL && ident_ok(s, (size_t) (dot - s)) &&
		ident_ok(dot + 1, strlen(dot + 1)))
		return true;

	hash = strchr(s, '#');
	if (hash != NULL)
	{
		const char *f = s;

		if (strncmp(f, "https://", 8) == 0)
			f += 8;
		else if (strncmp(f, "http://", 7) == 0)
			f += 7;
		if (hash - f < 6 || memcmp(hash - 5, ".yaml", 5) != 0)
			return false;
		for (p = f; p < hash; p++)
			if (!is_alpha(*p) && !is_digit(*p) && *p != '.' && *p != '_' &&
				*p != '-' && *p != '/')
				return false;
		s = hash + 1;
	}
	if (*s == '/')
		s++;
	for (p = s;;)
	{
		const char *slash = strchr(p, '/');
		size_t		n = slash != NULL ? (size_t) (slash - p) : strlen(p);

		if (count % 2 == 0 ? !ident_ok(p, n) : !segment_ok(p, n))
			return false;
		count++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return count % 2 == 0;
}

/* a calendar date YYYY-MM-DD (years 0001 to 9999) */
static bool
date_ok(const char *s)
{
	long long	days;

	return dm_contract_parse_date(s, &days);
}

/*
 * The loose shape of a masking strategy: a lower-case word, optionally
 * with arguments in parentheses ("redact", "partial(2,3)", "bucket(10)").
 * The backend checks the strategy itself.
 */
static bool
pii_shape_ok(const char *s)
{
	const char *p = s;

	if (strlen(s) > PII_STRATEGY_MAX || !(*p >= 'a' && *p <= 'z'))
		return false;
	while ((*p >= 'a' && *p <= 'z') || is_digit(*p) || *p == '_')
		p++;
	if (*p == '\0')
		return true;
	if (*p++ != '(')
		return false;
	while (*p != '\0' && *p != ')')
	{
		if (!is_alpha(*p) && !is_digit(*p) && strchr(" ,._+-", *p) == NULL)
			return false;
		p++;
	}
	return p[0] == ')' && p[1] == '\0';
}

/*
 * An ISO-8601 duration (PnYnMnWnDTnHnMnS, components in that order, a
 * fraction allowed) in seconds; months are 30 days, years 365.
 */
static bool
iso_duration_ok(const char *s, double *seconds)
{
	static const char date_units[] = "YMWD";
	static const double date_secs[] = {31536000.0, 2592000.0, 604800.0, 86400.0};
	static const char time_units_iso[] = "HMS";
	static const double time_secs[] = {3600.0, 60.0, 1.0};
	const char *p = s;
	bool		in_time = false;
	bool		any = false;
	int			last = -1;
	double		total = 0.0;

	if (*p++ != 'P')
		return false;
	while (*p != '\0')
	{
		double		value = 0.0;
		double		scale = 1.0;
		int			ndigits = 0;
		const char *units = in_time ? time_units_iso : date_units;
		const char *u;
		int			idx;

		if (*p == 'T')
		{
			if (in_time || p[1] == '\0')
				return false;
			in_time = true;
			last = -1;
			p++;
			continue;
		}
		while (is_digit(*p))
		{
			if (++ndigits > 15)
				return false;
			value = value * 10.0 + (*p++ - '0');
		}
		if (ndigits == 0)
			return false;
		if (*p == '.' || *p == ',')
		{
			int			nfrac = 0;

			p++;
			while (is_digit(*p))
			{
				if (++nfrac > 15)
					return false;
				scale /= 10.0;
				value += (*p++ - '0') * scale;
			}
			if (nfrac == 0)
				return false;
		}
		if (*p == '\0' || (u = strchr(units, *p)) == NULL)
			return false;
		idx = (int) (u - units);
		if (idx <= last)
			return false;
		last = idx;
		total += value * (in_time ? time_secs[idx] : date_secs[idx]);
		any = true;
		p++;
	}
	if (!any)
		return false;
	*seconds = total;
	return true;
}

/*
 * A JSON number without fraction (JSON Schema's "integer": 3.0 is one);
 * beyond 2^53 every double is integral.
 */
static bool
json_integral(json_t *v, double *out)
{
	double		d;

	if (!json_is_number(v))
		return false;
	d = json_number_value(v);
	if (!isfinite(d))
		return false;
	if (d > -9007199254740992.0 && d < 9007199254740992.0 &&
		d != (double) (int64_t) d)
		return false;
	*out = d;
	return true;
}

/* an integral JSON number within [lo, hi], converted without overflow */
static bool
json_to_int(json_t *v, int lo, int hi, int *out)
{
	double		d;

	if (!json_integral(v, &d) || d < (double) lo || d > (double) hi)
		return false;
	*out = (int) d;
	return true;
}

/* a string out of a NULL-terminated list */
static bool
enum_ok(json_t *v, const char *const *values)
{
	const char *s = json_string_value(v);
	int			i;

	if (s == NULL)
		return false;
	for (i = 0; values[i] != NULL; i++)
		if (strcmp(s, values[i]) == 0)
			return true;
	return false;
}

/* report a value that is not one of values */
static bool
fail_enum(JCtx *ctx, const char *const *values)
{
	char		list[400];

	list_values(list, sizeof(list), values);
	return fail(ctx, "expected one of: %s", list);
}


/* ----------------------------------------------------------------
 *		Limits
 * ----------------------------------------------------------------
 */

/*
 * Scan the raw text for its bracket depth before jansson (a recursive
 * parser) sees it.  The limit is twice DM_JSON_MAX_DEPTH: the walk over the
 * tree reports the exact limit with a path; this only bounds recursion.
 */
static bool
prescan_depth(JCtx *ctx, const char *text, size_t len)
{
	int			depth = 0;
	int			line = 1;
	size_t		column = 0;
	bool		in_string = false;
	bool		escaped = false;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		char		c = text[i];

		if (c == '\n')
		{
			line++;
			column = 0;
		}
		else
			column++;
		if (in_string)
		{
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"')
			in_string = true;
		else if (c == '[' || c == '{')
		{
			if (++depth > PRESCAN_MAX_DEPTH)
				return fail(ctx, "nesting deeper than %d levels of objects and arrays at line %d, column %zu",
							DM_JSON_MAX_DEPTH, line, column);
		}
		else if ((c == ']' || c == '}') && depth > 0)
			depth--;
	}
	return true;
}

/*
 * Walk the parsed tree checking nesting depth (depth is v's, the root's
 * being 1), array lengths, string and key lengths and numbers, so that the
 * validators below can recurse and copy freely.
 */
static bool
check_limits(JCtx *ctx, json_t *v, int depth)
{
	switch (json_typeof(v))
	{
		case JSON_OBJECT:
			{
				const char *key;
				json_t	   *child;

				if (depth > DM_JSON_MAX_DEPTH)
					return fail(ctx, "nesting deeper than %d levels of objects and arrays",
								DM_JSON_MAX_DEPTH);
				json_object_foreach(v, key, child)
				{
					size_t		mark = path_push_key(ctx, key);

					if (strlen(key) > DM_JSON_MAX_STRING)
						return fail(ctx, "key longer than %d bytes",
									DM_JSON_MAX_STRING);
					if (!check_limits(ctx, child, depth + 1))
						return false;
					path_pop(ctx, mark);
				}
				return true;
			}
		case JSON_ARRAY:
			{
				size_t		i;

				if (depth > DM_JSON_MAX_DEPTH)
					return fail(ctx, "nesting deeper than %d levels of objects and arrays",
								DM_JSON_MAX_DEPTH);
				if (json_array_size(v) > DM_JSON_MAX_ARRAY)
					return fail(ctx, "array has more than %d elements",
								DM_JSON_MAX_ARRAY);
				for (i = 0; i < json_array_size(v); i++)
				{
					size_t		mark = path_push_index(ctx, i);

					if (!check_limits(ctx, json_array_get(v, i), depth + 1))
						return false;
					path_pop(ctx, mark);
				}
				return true;
			}
		case JSON_STRING:
			if (json_string_length(v) > DM_JSON_MAX_STRING)
				return fail(ctx, "string longer than %d bytes",
							DM_JSON_MAX_STRING);
			return true;
		case JSON_REAL:
			if (!isfinite(json_real_value(v)))
				return fail(ctx, "expected a finite number");
			return true;
		default:
			return true;
	}
}


/* ----------------------------------------------------------------
 *		Validation against the schema
 * ----------------------------------------------------------------
 */

/* the spec of key in any of the tables, or NULL */
static const KeySpec *
find_key(const KeySpec *const *tables, int ntables, const char *key)
{
	int			t;
	int			i;

	for (t = 0; t < ntables; t++)
		for (i = 0; tables[t][i].name != NULL; i++)
			if (strcmp(tables[t][i].name, key) == 0)
				return &tables[t][i];
	return NULL;
}

/*
 * Check one value against its key's spec; the path names the value.
 */
static bool
check_value(JCtx *ctx, const KeySpec *spec, json_t *v)
{
	double		d;
	size_t		i;

	switch (spec->kind)
	{
		case JK_STRING:
			if (!json_is_string(v))
				return fail(ctx, "expected a string");
			return true;
		case JK_STABLE_ID:
			if (!json_is_string(v) || !stable_id_ok(json_string_value(v)))
				return fail(ctx, "expected an identifier of letters, digits, \"_\" and \"-\"");
			return true;
		case JK_NUMBER:
			if (!json_is_number(v))
				return fail(ctx, "expected a number");
			return true;
		case JK_INTEGER:
			if (!json_integral(v, &d))
				return fail(ctx, "expected an integer");
			return true;
		case JK_NONNEG_INT:
			if (!json_integral(v, &d) || d < 0)
				return fail(ctx, "expected a non-negative integer");
			return true;
		case JK_POS_NUMBER:
			if (!json_is_number(v) || !(json_number_value(v) > 0))
				return fail(ctx, "expected a number greater than 0");
			return true;
		case JK_BOOLEAN:
			if (!json_is_boolean(v))
				return fail(ctx, "expected true or false");
			return true;
		case JK_ANY:
			return true;
		case JK_SCALAR:
			if (json_is_object(v) || json_is_array(v))
				return fail(ctx, "expected a string, a number, a boolean or null");
			return true;
		case JK_OPEN_OBJECT:
			if (!json_is_object(v))
				return fail(ctx, "expected an object");
			return true;
		case JK_ANY_ARRAY:
			if (!json_is_array(v))
				return fail(ctx, "expected an array");
			return true;
		case JK_STRING_ARRAY:
			if (!json_is_array(v))
				return fail(ctx, "expected an array of strings");
			for (i = 0; i < json_array_size(v); i++)
				if (!json_is_string(json_array_get(v, i)))
					return fail_index(ctx, i, "expected a string");
			return true;
		case JK_ENUM:
			if (!enum_ok(v, spec->values))
				return fail_enum(ctx, spec->values);
			return true;
		case JK_OBJECT:
		case JK_CHECK:
			return spec->check(ctx, v);
		case JK_OBJECT_ARRAY:
			if (!json_is_array(v))
				return fail(ctx, "expected an array");
			for (i = 0; i < json_array_size(v); i++)
			{
				size_t		mark = path_push_index(ctx, i);

				if (!spec->check(ctx, json_array_get(v, i)))
					return false;
				path_pop(ctx, mark);
			}
			return true;
		case JK_LATER:
			return true;
	}
	return true;
}

/*
 * Check an object: every key must be in one of the tables (if closed) and
 * its value as the table says; every key of required must be present.
 * what names the object in messages ("a schema property").
 */
static bool
check_object(JCtx *ctx, json_t *obj, const KeySpec *const *tables,
			 int ntables, const char *const *required, bool closed,
			 const char *what)
{
	const char *key;
	json_t	   *val;
	int			i;

	if (!json_is_object(obj))
		return fail(ctx, "expected an object (%s)", what);
	json_object_foreach(obj, key, val)
	{
		const KeySpec *spec = find_key(tables, ntables, key);
		size_t		mark = path_push_key(ctx, key);

		if (spec == NULL)
		{
			if (closed)
			{
				char		allowed[400];

				list_keys(allowed, sizeof(allowed), tables, ntables);
				return fail(ctx, "unknown key in %s; allowed keys: %s",
							what, allowed);
			}
		}
		else if (!check_value(ctx, spec, val))
			return false;
		path_pop(ctx, mark);
	}
	for (i = 0; required != NULL && required[i] != NULL; i++)
		if (json_object_get(obj, required[i]) == NULL)
			return fail_key(ctx, required[i], "missing required key of %s",
							what);
	return true;
}

/* the root object */
static bool
v_root(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {root_keys};

	return check_object(ctx, v, tables, 1, root_required, true,
						"a data contract");
}

/* version: a semantic version */
static bool
v_version(JCtx *ctx, json_t *v)
{
	int			major;
	int			minor;
	int			patch;

	if (!json_is_string(v) ||
		!dm_contract_parse_semver(json_string_value(v), &major, &minor, &patch))
		return fail(ctx, "expected a semantic version such as \"1.2.0\"");
	return true;
}

/*
 * apiVersion: one of the schema's enum.  The examples of the standard
 * declare older versions and validate against the v3.1.0 schema, so they
 * are read; publishing needs "v3.1.0" (check_publish).
 */
static bool
v_api_version(JCtx *ctx, json_t *v)
{
	if (!enum_ok(v, enum_api_version))
		return fail_enum(ctx, enum_api_version);
	return true;
}

/* the root's description: an open object in the schema */
static bool
v_description(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {description_keys};

	return check_object(ctx, v, tables, 1, NULL, false, "the description");
}

/* SchemaObject */
static bool
v_schema_object(JCtx *ctx, json_t *v)
{
	static const char *const required[] = {"name", NULL};
	const KeySpec *tables[] = {schema_element_keys, schema_object_keys};

	return check_object(ctx, v, tables, 2, required, true, "a schema object");
}

/* properties[]: an array of SchemaProperty, at most 1600 (columns) */
static bool
v_properties(JCtx *ctx, json_t *v)
{
	size_t		i;

	if (!json_is_array(v))
		return fail(ctx, "expected an array of properties");
	if (json_array_size(v) > DM_JSON_MAX_PROPERTIES)
		return fail(ctx, "more than %d properties", DM_JSON_MAX_PROPERTIES);
	for (i = 0; i < json_array_size(v); i++)
	{
		size_t		mark = path_push_index(ctx, i);

		if (!v_property(ctx, json_array_get(v, i)))
			return false;
		path_pop(ctx, mark);
	}
	return true;
}

/* SchemaProperty */
static bool
v_property(JCtx *ctx, json_t *v)
{
	return property_common(ctx, v, false);
}

/* SchemaItemProperty: the items of an array property */
static bool
v_item_property(JCtx *ctx, json_t *v)
{
	return property_common(ctx, v, true);
}

/*
 * SchemaProperty and SchemaItemProperty (the same but for a required
 * name).  The schema's if/then rules on logicalType decide which keys
 * exist: "properties" for objects, "items" for arrays, and the keys of
 * logicalTypeOptions; with no logicalType every "then" applies, so both are
 * allowed and logicalTypeOptions must be empty.  (SchemaItemProperty also
 * declares "properties", but SchemaBaseProperty's own
 * unevaluatedProperties rejects it for other types all the same.)
 */
static bool
property_common(JCtx *ctx, json_t *obj, bool is_item)
{
	static const char *const required[] = {"name", NULL};
	const KeySpec *tables[4];
	int			ntables = 0;
	const char *lt = NULL;
	const char *kind = is_item ? "the items of an array" : "a schema property";
	json_t	   *v;
	char		what[96];
	size_t		mark;

	if (!json_is_object(obj))
		return fail(ctx, "expected an object (%s)", kind);
	v = json_object_get(obj, "logicalType");
	if (v != NULL)
	{
		if (!enum_ok(v, enum_logical_type))
		{
			path_push_key(ctx, "logicalType");
			return fail_enum(ctx, enum_logical_type);
		}
		lt = json_string_value(v);
	}

	tables[ntables++] = schema_element_keys;
	tables[ntables++] = property_keys;
	if (lt == NULL || strcmp(lt, "object") == 0)
		tables[ntables++] = nested_properties_keys;
	if (lt == NULL || strcmp(lt, "array") == 0)
		tables[ntables++] = items_keys;
	if (lt != NULL)
		snprintf(what, sizeof(what), "%s with logicalType \"%s\"", kind, lt);
	else
		snprintf(what, sizeof(what), "%s without logicalType", kind);
	if (!check_object(ctx, obj, tables, ntables, is_item ? NULL : required,
					  true, what))
		return false;

	v = json_object_get(obj, "logicalTypeOptions");
	if (v == NULL)
		return true;
	mark = path_push_key(ctx, "logicalTypeOptions");
	if (!check_lto(ctx, v, lt))
		return false;
	path_pop(ctx, mark);
	return true;
}

/*
 * logicalTypeOptions against the property's logicalType (NULL if none);
 * a boolean's options are an open object in the schema.
 */
static bool
check_lto(JCtx *ctx, json_t *opts, const char *lt)
{
	const KeySpec *table;
	char		what[96];

	if (!json_is_object(opts))
		return fail(ctx, "expected an object");
	if (lt == NULL)
	{
		if (json_object_size(opts) == 0)
			return true;
		return fail_key(ctx, json_object_iter_key(json_object_iter(opts)),
						"logicalTypeOptions need a logicalType");
	}
	if (strcmp(lt, "string") == 0)
		table = lto_string_keys;
	else if (strcmp(lt, "date") == 0)
		table = lto_date_keys;
	else if (strcmp(lt, "timestamp") == 0 || strcmp(lt, "time") == 0)
		table = lto_time_keys;
	else if (strcmp(lt, "integer") == 0)
		table = lto_integer_keys;
	else if (strcmp(lt, "number") == 0)
		table = lto_number_keys;
	else if (strcmp(lt, "object") == 0)
		table = lto_object_keys;
	else if (strcmp(lt, "array") == 0)
		table = lto_array_keys;
	else
		return true;
	snprintf(what, sizeof(what), "logicalTypeOptions of logicalType \"%s\"", lt);
	return check_object(ctx, opts, &table, 1, NULL, true, what);
}

/*
 * A new empty object.  Never call json_object() from this file: the
 * PostgreSQL backend exports a function of that name (the SQL function
 * json_object), and the dynamic linker binds this library's call to the
 * backend's, which crashes.  jansson's own parser builds objects with its
 * internal binding, so an object is made by parsing "{}".
 */
static json_t *
new_object(void)
{
	return json_loads("{}", 0, NULL);
}

/* logicalTypeOptions.required of an object: distinct names, at least one */
static bool
v_required_names(JCtx *ctx, json_t *v)
{
	json_t	   *seen;
	size_t		i;
	bool		ok = true;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail(ctx, "expected a non-empty array of property names");
	seen = new_object();
	if (seen == NULL)
		return fail(ctx, "out of memory");
	for (i = 0; ok && i < json_array_size(v); i++)
	{
		const char *name = json_string_value(json_array_get(v, i));

		if (name == NULL)
			ok = fail_index(ctx, i, "expected a string");
		else if (json_object_get(seen, name) != NULL)
			ok = fail_index(ctx, i, "duplicate property name");
		else if (json_object_set_new(seen, name, json_null()) != 0)
			ok = fail(ctx, "out of memory");
	}
	json_decref(seen);
	return ok;
}

/*
 * DataQuality.  As in the schema: the library variant applies when type is
 * "library" or a metric is given (metric required, plus "rule" and
 * "arguments"), the sql variant when type is "sql" (query required), both
 * with exactly one comparison operator; the custom variant when type is
 * "custom" (engine and implementation required).  Anything else is closed.
 */
static bool
v_quality(JCtx *ctx, json_t *obj)
{
	const KeySpec *tables[5];
	int			ntables = 0;
	const char *required[4];
	int			nrequired = 0;
	const char *type = NULL;
	json_t	   *v;
	bool		library;
	bool		sql;
	bool		custom;
	char		what[96];

	if (!json_is_object(obj))
		return fail(ctx, "expected an object (a data quality rule)");
	v = json_object_get(obj, "type");
	if (v != NULL)
	{
		if (!enum_ok(v, enum_quality_type))
		{
			path_push_key(ctx, "type");
			return fail_enum(ctx, enum_quality_type);
		}
		type = json_string_value(v);
	}
	library = (type != NULL && strcmp(type, "library") == 0) ||
		json_object_get(obj, "metric") != NULL;
	sql = type != NULL && strcmp(type, "sql") == 0;
	custom = type != NULL && strcmp(type, "custom") == 0;

	tables[ntables++] = quality_keys;
	if (library)
	{
		tables[ntables++] = quality_library_keys;
		required[nrequired++] = "metric";
	}
	if (sql)
	{
		tables[ntables++] = quality_sql_keys;
		required[nrequired++] = "query";
	}
	if (library || sql)
		tables[ntables++] = quality_op_keys;
	if (custom)
	{
		tables[ntables++] = quality_custom_keys;
		required[nrequired++] = "engine";
		required[nrequired++] = "implementation";
	}
	required[nrequired] = NULL;
	if (type != NULL)
		snprintf(what, sizeof(what), "a data quality rule of type \"%s\"", type);
	else if (library)
		snprintf(what, sizeof(what), "a data quality rule with a metric");
	else
		snprintf(what, sizeof(what), "a data quality rule without type or metric");
	if (!check_object(ctx, obj, tables, ntables, required, true, what))
		return false;

	if (library || sql)
	{
		const char *first = NULL;
		int			i;

		for (i = 0; quality_op_keys[i].name != NULL; i++)
		{
			if (json_object_get(obj, quality_op_keys[i].name) == NULL)
				continue;
			if (first != NULL)
				return fail_key(ctx, quality_op_keys[i].name,
								"only one comparison operator is allowed in a rule (\"%s\" is given too)",
								first);
			first = quality_op_keys[i].name;
		}
		if (first == NULL)
			return fail(ctx, "%s needs one comparison operator: mustBe, mustNotBe, mustBeGreaterThan, mustBeGreaterOrEqualTo, mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween or mustNotBeBetween",
						what);
	}
	return true;
}

/* mustBeBetween, mustNotBeBetween: two different numbers */
static bool
v_between(JCtx *ctx, json_t *v)
{
	json_t	   *a = json_array_get(v, 0);
	json_t	   *b = json_array_get(v, 1);

	if (!json_is_array(v) || json_array_size(v) != 2 ||
		!json_is_number(a) || !json_is_number(b))
		return fail(ctx, "expected an array of two numbers");
	if (json_number_value(a) == json_number_value(b))
		return fail(ctx, "expected two different numbers");
	return true;
}

/* a custom rule's implementation: a string or an object */
static bool
v_implementation(JCtx *ctx, json_t *v)
{
	if (!json_is_string(v) && !json_is_object(v))
		return fail(ctx, "expected a string or an object");
	return true;
}

/* an item of AuthoritativeDefinitions */
static bool
v_authdef(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {authdef_keys};

	return check_object(ctx, v, tables, 1, authdef_required, true,
						"an authoritative definition");
}

/* SupportItem */
static bool
v_support_item(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {support_keys};

	return check_object(ctx, v, tables, 1, support_required, true,
						"a support channel");
}

/* Pricing */
static bool
v_pricing(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {pricing_keys};

	return check_object(ctx, v, tables, 1, NULL, true, "a price");
}

/* team: a Team object, or the deprecated array of TeamMember */
static bool
v_team(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {team_keys};
	size_t		i;

	if (json_is_object(v))
		return check_object(ctx, v, tables, 1, NULL, true, "a team");
	if (!json_is_array(v))
		return fail(ctx, "expected a team object (or the deprecated array of team members)");
	for (i = 0; i < json_array_size(v); i++)
	{
		size_t		mark = path_push_index(ctx, i);

		if (!v_team_member(ctx, json_array_get(v, i)))
			return false;
		path_pop(ctx, mark);
	}
	return true;
}

/* TeamMember */
static bool
v_team_member(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {team_member_keys};

	return check_object(ctx, v, tables, 1, team_member_required, true,
						"a team member");
}

/* Role */
static bool
v_role(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {role_keys};

	return check_object(ctx, v, tables, 1, role_required, true, "a role");
}

/* ServiceLevelAgreementProperty (units are checked with the model) */
static bool
v_sla(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {sla_keys};

	return check_object(ctx, v, tables, 1, sla_required, true,
						"an SLA property");
}

/* CustomProperty (ours are checked with the model) */
static bool
v_custom_property(JCtx *ctx, json_t *v)
{
	const KeySpec *tables[] = {custom_property_keys};

	return check_object(ctx, v, tables, 1, custom_property_required, true,
						"a custom property");
}

/* RelationshipSchemaLevel */
static bool
v_rel_schema(JCtx *ctx, json_t *v)
{
	return v_relationship(ctx, v, true);
}

/* RelationshipPropertyLevel */
static bool
v_rel_property(JCtx *ctx, json_t *v)
{
	return v_relationship(ctx, v, false);
}

/*
 * A relationship: at schema level "from" and "to" (both strings or both
 * arrays), at property level "to" only (the property is the source).
 */
static bool
v_relationship(JCtx *ctx, json_t *obj, bool schema_level)
{
	const KeySpec *tables[] = {relationship_keys};
	json_t	   *from;
	json_t	   *to;

	if (!check_object(ctx, obj, tables, 1,
					  schema_level ? rel_schema_required : rel_property_required,
					  true,
					  schema_level ? "a schema-level relationship" :
					  "a property-level relationship"))
		return false;
	from = json_object_get(obj, "from");
	to = json_object_get(obj, "to");
	if (!schema_level && from != NULL)
		return fail_key(ctx, "from",
						"not allowed in a property-level relationship (the property is the source)");
	if (schema_level && json_is_string(from) != json_is_string(to))
		return fail_key(ctx, "to",
						"expected the same form as \"from\": both strings or both arrays");
	return true;
}

/* a relationship's from or to: a reference or a non-empty array of them */
static bool
v_reference(JCtx *ctx, json_t *v)
{
	static const char *const msg =
		"expected a reference such as \"table.column\" or \"schema/table/properties/column\"";
	size_t		i;

	if (json_is_string(v))
	{
		if (!reference_ok(json_string_value(v)))
			return fail(ctx, "%s", msg);
		return true;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail(ctx, "expected a reference or a non-empty array of references");
	for (i = 0; i < json_array_size(v); i++)
	{
		json_t	   *e = json_array_get(v, i);

		if (!json_is_string(e) || !reference_ok(json_string_value(e)))
			return fail_index(ctx, i, "%s", msg);
	}
	return true;
}

/*
 * The next word of a ServerKind's keys after p: its name (cut to size),
 * whether it is an integer and whether it is required.  Returns the
 * position after the word, or NULL at the end.
 */
static const char *
server_word(const char *p, char *name, size_t size, bool *integer,
			bool *required)
{
	size_t		n = 0;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return NULL;
	*required = (*p == '*');
	if (*p == '*')
		p++;
	while (*p != '\0' && *p != ' ' && *p != '#')
	{
		if (n + 1 < size)
			name[n++] = *p;
		p++;
	}
	name[n] = '\0';
	*integer = (*p == '#');
	if (*p == '#')
		p++;
	return p;
}

/*
 * Server: the common keys, then those of its type (ServerSource), with
 * their own required keys.
 */
static bool
v_server(JCtx *ctx, json_t *obj)
{
	const KeySpec *tables[] = {server_keys};
	const ServerKind *sk = NULL;
	json_t	   *v;
	const char *key;
	const char *p;
	char		name[64];
	char		what[64];
	bool		integer;
	bool		required;
	double		d;
	size_t		i;

	if (!json_is_object(obj))
		return fail(ctx, "expected an object (a server)");
	v = json_object_get(obj, "type");
	if (v == NULL)
		return fail_key(ctx, "type", "missing required key of a server");
	for (i = 0; i < lengthof_array(server_kinds) && json_is_string(v); i++)
		if (strcmp(json_string_value(v), server_kinds[i].type) == 0)
		{
			sk = &server_kinds[i];
			break;
		}
	if (sk == NULL)
	{
		char		list[400];

		list[0] = '\0';
		for (i = 0; i < lengthof_array(server_kinds); i++)
		{
			if (i > 0)
				buf_add(list, sizeof(list), ", ");
			buf_add(list, sizeof(list), server_kinds[i].type);
		}
		return fail_key(ctx, "type", "expected one of: %s", list);
	}
	snprintf(what, sizeof(what), "a server of type \"%s\"", sk->type);

	json_object_foreach(obj, key, v)
	{
		const KeySpec *spec = find_key(tables, 1, key);
		size_t		mark = path_push_key(ctx, key);
		bool		found = false;

		if (spec != NULL)
		{
			if (!check_value(ctx, spec, v))
				return false;
			path_pop(ctx, mark);
			continue;
		}
		for (p = sk->keys;
			 (p = server_word(p, name, sizeof(name), &integer, &required)) != NULL;)
			if (strcmp(name, key) == 0)
			{
				found = true;
				break;
			}
		if (!found)
		{
			char		allowed[400];

			list_keys(allowed, sizeof(allowed), tables, 1);
			for (p = sk->keys;
				 (p = server_word(p, name, sizeof(name), &integer, &required)) != NULL;)
			{
				buf_add(allowed, sizeof(allowed), ", ");
				buf_add(allowed, sizeof(allowed), name);
			}
			return fail(ctx, "unknown key in %s; allowed keys: %s",
						what, allowed);
		}
		if (integer && !json_integral(v, &d))
			return fail(ctx, "expected an integer");
		if (!integer && !json_is_string(v))
			return fail(ctx, "expected a string");
		if (strcmp(sk->type, "sftp") == 0 && strcmp(key, "location") == 0 &&
			strncmp(json_string_value(v), "sftp://", 7) != 0)
			return fail(ctx, "expected a location starting with \"sftp://\"");
		path_pop(ctx, mark);
	}

	for (i = 0; server_required[i] != NULL; i++)
		if (json_object_get(obj, server_required[i]) == NULL)
			return fail_key(ctx, server_required[i],
							"missing required key of %s", what);
	for (p = sk->keys;
		 (p = server_word(p, name, sizeof(name), &integer, &required)) != NULL;)
		if (required && json_object_get(obj, name) == NULL)
			return fail_key(ctx, name, "missing required key of %s", what);
	return true;
}


/* ----------------------------------------------------------------
 *		The model
 * ----------------------------------------------------------------
 */

/* the string at obj.key, or NULL (also when obj is not an object) */
static const char *
str_of(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* a copy of the string at obj.key, or NULL */
static char *
dup_of(json_t *obj, const char *key)
{
	const char *s = str_of(obj, key);

	return s != NULL ? dm_contract_strdup(s) : NULL;
}

/* zeroed room for n elements, or NULL for none (n is bounded by limits) */
static void *
alloc_array(size_t n, size_t size)
{
	if (n == 0)
		return NULL;
	return dm_contract_alloc(n * size);
}

/* copies of the strings of an array (validated as strings) */
static char **
string_array(json_t *arr, int *n)
{
	size_t		count = json_array_size(arr);
	char	  **out = alloc_array(count, sizeof(char *));
	size_t		i;
	int			k = 0;

	for (i = 0; i < count; i++)
	{
		const char *s = json_string_value(json_array_get(arr, i));

		if (s != NULL)
			out[k++] = dm_contract_strdup(s);
	}
	*n = k;
	return out;
}

/*
 * A number as text: integers plainly, others with the fewest digits that
 * read back to the same double.
 */
static void
format_number(double d, char *buf, size_t size)
{
	int			prec;

	if (d > -1e15 && d < 1e15 && d == (double) (int64_t) d)
	{
		snprintf(buf, size, "%lld", (long long) d);
		return;
	}
	for (prec = 1; prec < 17; prec++)
	{
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
	snprintf(buf, size, "%.17g", d);
}

/* a scalar as text (strings as they are), NULL for null and containers */
static char *
scalar_text(json_t *v)
{
	char		buf[64];

	switch (json_typeof(v))
	{
		case JSON_STRING:
			return dm_contract_strdup(json_string_value(v));
		case JSON_INTEGER:
		case JSON_REAL:
			format_number(json_number_value(v), buf, sizeof(buf));
			return dm_contract_strdup(buf);
		case JSON_TRUE:
			return dm_contract_strdup("true");
		case JSON_FALSE:
			return dm_contract_strdup("false");
		default:
			return NULL;
	}
}

/*
 * Fill the model from a validated document; the first schema[] entry is
 * the product view.  Also checks what is ours (SLA units, custom
 * properties) and, with DM_JSON_PUBLISH, what publishing needs.
 */
static bool
build_contract(JCtx *ctx, json_t *root, DmContract *c)
{
	json_t	   *schema;
	json_t	   *s0;
	json_t	   *arr;
	size_t		n;
	size_t		i;
	size_t		mark;
	size_t		mark2;

	path_pop(ctx, 1);
	c->id = dup_of(root, "id");
	c->name = dup_of(root, "name");
	c->version = dup_of(root, "version");
	if (c->version == NULL ||
		!dm_contract_parse_semver(c->version, &c->major, &c->minor, &c->patch))
		return fail_key(ctx, "version",
						"expected a semantic version such as \"1.2.0\"");
	c->status = dup_of(root, "status");
	c->domain = dup_of(root, "domain");
	c->description = dup_of(json_object_get(root, "description"), "purpose");
	c->tags = string_array(json_object_get(root, "tags"), &c->ntags);
	c->compat = DM_COMPAT_FORWARD;
	c->transitive = false;
	c->notice_days = -1;

	schema = json_object_get(root, "schema");
	c->nschemas = (int) json_array_size(schema);
	s0 = json_array_get(schema, 0);
	if (s0 != NULL)
	{
		mark = path_push_key(ctx, "schema");
		path_push_index(ctx, 0);
		c->schema_name = dup_of(s0, "name");
		c->physical_name = dup_of(s0, "physicalName");

		arr = json_object_get(s0, "properties");
		n = json_array_size(arr);
		c->props = alloc_array(n, sizeof(DmProperty));
		mark2 = path_push_key(ctx, "properties");
		for (i = 0; i < n; i++)
		{
			size_t		m = path_push_index(ctx, i);

			if (!build_property(ctx, json_array_get(arr, i), (int) i,
								&c->props[i]))
				return false;
			path_pop(ctx, m);
		}
		path_pop(ctx, mark2);
		c->nprops = (int) n;

		mark2 = path_push_key(ctx, "quality");
		if (!build_quality_list(ctx, json_object_get(s0, "quality"),
								&c->quality, &c->nquality))
			return false;
		path_pop(ctx, mark);
	}

	arr = json_object_get(root, "slaProperties");
	n = json_array_size(arr);
	c->slas = alloc_array(n, sizeof(DmSla));
	mark = path_push_key(ctx, "slaProperties");
	for (i = 0; i < n; i++)
	{
		size_t		m = path_push_index(ctx, i);

		if (!build_sla(ctx, json_array_get(arr, i), &c->slas[i]))
			return false;
		path_pop(ctx, m);
	}
	c->nslas = (int) n;
	path_pop(ctx, mark);

	mark = path_push_key(ctx, "customProperties");
	if (!build_root_custom(ctx, json_object_get(root, "customProperties"), c))
		return false;
	path_pop(ctx, mark);

	if (ctx->flags & DM_JSON_PUBLISH)
		return check_publish(ctx, root, c);
	return true;
}

/*
 * One property of the product view (the path is at it).  The physical
 * type is kept as written; the backend resolves it.
 */
static bool
build_property(JCtx *ctx, json_t *obj, int index, DmProperty *p)
{
	json_t	   *opts;
	json_t	   *v;
	size_t		mark;
	int			i;

	p->name = dup_of(obj, "name");
	p->path = dm_contract_strdup(ctx->path);
	p->position = index + 1;
	p->logical_type = dup_of(obj, "logicalType");
	p->type.physical = dup_of(obj, "physicalType");
	p->type.oid = 0;
	p->type.typmod = -1;
	p->type.family = DM_TF_UNKNOWN;
	p->type.base_rank = 0;
	p->type.length = -1;
	p->type.scale = -1;
	p->required = json_is_true(json_object_get(obj, "required"));
	p->unique = json_is_true(json_object_get(obj, "unique"));
	p->primary_key = json_is_true(json_object_get(obj, "primaryKey"));
	v = json_object_get(obj, "primaryKeyPosition");
	if (v != NULL)
	{
		int			pos;

		if (!json_to_int(v, INT_MIN, INT_MAX, &pos))
			return fail_key(ctx, "primaryKeyPosition",
							"expected an integer from %d to %d", INT_MIN, INT_MAX);
		p->primary_key_position = pos > 0 ? pos : 0;
	}
	p->classification = dup_of(obj, "classification");
	p->description = dup_of(obj, "description");
	p->business_name = dup_of(obj, "businessName");
	p->tags = string_array(json_object_get(obj, "tags"), &p->ntags);
	p->min_length = -1;
	p->max_length = -1;

	opts = json_object_get(obj, "logicalTypeOptions");
	if (opts != NULL && p->logical_type != NULL &&
		(strcmp(p->logical_type, "integer") == 0 ||
		 strcmp(p->logical_type, "number") == 0))
	{
		/* of an inclusive and an exclusive bound, the tighter one counts */
		if ((v = json_object_get(opts, "minimum")) != NULL)
		{
			p->has_minimum = true;
			p->minimum = json_number_value(v);
		}
		if ((v = json_object_get(opts, "exclusiveMinimum")) != NULL &&
			(!p->has_minimum || json_number_value(v) >= p->minimum))
		{
			p->has_minimum = true;
			p->minimum = json_number_value(v);
			p->exclusive_minimum = true;
		}
		if ((v = json_object_get(opts, "maximum")) != NULL)
		{
			p->has_maximum = true;
			p->maximum = json_number_value(v);
		}
		if ((v = json_object_get(opts, "exclusiveMaximum")) != NULL &&
			(!p->has_maximum || json_number_value(v) <= p->maximum))
		{
			p->has_maximum = true;
			p->maximum = json_number_value(v);
			p->exclusive_maximum = true;
		}
	}
	else if (opts != NULL && p->logical_type != NULL &&
			 strcmp(p->logical_type, "string") == 0)
	{
		mark = path_push_key(ctx, "logicalTypeOptions");
		if ((v = json_object_get(opts, "minLength")) != NULL &&
			!json_to_int(v, 0, INT_MAX, &p->min_length))
			return fail_key(ctx, "minLength", "expected an integer from 0 to %d",
							INT_MAX);
		if ((v = json_object_get(opts, "maxLength")) != NULL &&
			!json_to_int(v, 0, INT_MAX, &p->max_length))
			return fail_key(ctx, "maxLength", "expected an integer from 0 to %d",
							INT_MAX);
		p->pattern = dup_of(opts, "pattern");
		path_pop(ctx, mark);
	}

	mark = path_push_key(ctx, "quality");
	if (!build_quality_list(ctx, json_object_get(obj, "quality"),
							&p->quality, &p->nquality))
		return false;
	path_pop(ctx, mark);

	/* the allowed values: the first invalidValues rule that lists them */
	for (i = 0; i < p->nquality; i++)
		if (p->quality[i].metric != NULL &&
			strcmp(p->quality[i].metric, "invalidValues") == 0 &&
			p->quality[i].nvalid_values > 0)
		{
			p->valid_values = p->quality[i].valid_values;
			p->nvalid_values = p->quality[i].nvalid_values;
			p->has_valid_values = true;
			break;
		}

	mark = path_push_key(ctx, "customProperties");
	if (!build_property_custom(ctx, json_object_get(obj, "customProperties"), p))
		return false;
	path_pop(ctx, mark);
	return true;
}

/* the rules of a quality[] array (the path is at it) */
static bool
build_quality_list(JCtx *ctx, json_t *arr, DmQuality **out, int *nout)
{
	size_t		n = json_array_size(arr);
	size_t		i;

	*out = alloc_array(n, sizeof(DmQuality));
	*nout = 0;
	for (i = 0; i < n; i++)
	{
		size_t		mark = path_push_index(ctx, i);

		if (!build_quality(ctx, json_array_get(arr, i), (int) i, &(*out)[i]))
			return false;
		path_pop(ctx, mark);
	}
	*nout = (int) n;
	return true;
}

/*
 * One quality rule (the path is at it).  Its key matches it across
 * versions: id, else name, else metric, else "rule" and its index.  A
 * non-numeric mustBe/mustNotBe leaves op DM_QOP_NONE (the engine compares
 * numbers); a between range is stored as [low, high].
 */
static bool
build_quality(JCtx *ctx, json_t *obj, int index, DmQuality *q)
{
	const char *id = str_of(obj, "id");
	const char *name = str_of(obj, "name");
	const char *metric = str_of(obj, "metric");
	const char *type = str_of(obj, "type");
	json_t	   *vv;
	size_t		mark;
	size_t		i;

	if (metric == NULL)
		metric = str_of(obj, "rule");	/* the deprecated spelling */
	q->path = dm_contract_strdup(ctx->path);
	if (id != NULL)
		q->key = dm_contract_strdup(id);
	else if (name != NULL)
		q->key = dm_contract_strdup(name);
	else if (metric != NULL)
		q->key = dm_contract_strdup(metric);
	else
		q->key = dm_contract_printf("rule%d", index);
	q->type = dm_contract_strdup(type != NULL ? type : "library");
	q->metric = metric != NULL ? dm_contract_strdup(metric) : NULL;
	q->query = dup_of(obj, "query");
	q->unit = dup_of(obj, "unit");
	q->op = DM_QOP_NONE;

	for (i = 0; i < lengthof_array(quality_ops); i++)
	{
		json_t	   *v = json_object_get(obj, quality_ops[i].name);

		if (v == NULL)
			continue;
		if (quality_ops[i].op == DM_QOP_BETWEEN ||
			quality_ops[i].op == DM_QOP_NOT_BETWEEN)
		{
			double		a = json_number_value(json_array_get(v, 0));
			double		b = json_number_value(json_array_get(v, 1));

			q->op = quality_ops[i].op;
			q->v1 = a < b ? a : b;
			q->v2 = a < b ? b : a;
		}
		else if (json_is_number(v))
		{
			q->op = quality_ops[i].op;
			q->v1 = json_number_value(v);
		}
		else if (json_is_boolean(v))
		{
			q->op = quality_ops[i].op;
			q->v1 = json_is_true(v) ? 1.0 : 0.0;
		}
		break;
	}

	/* invalidValues: arguments.validValues, the allowed values */
	if (metric == NULL || strcmp(metric, "invalidValues") != 0)
		return true;
	vv = json_object_get(json_object_get(obj, "arguments"), "validValues");
	if (vv == NULL)
		return true;
	mark = path_push_key(ctx, "arguments");
	path_push_key(ctx, "validValues");
	if (!json_is_array(vv))
	{
		if (!ours_invalid(ctx, NULL,
						  "expected an array of strings, numbers or booleans"))
			return false;
	}
	else
	{
		/* null is skipped: it is no value a column can be compared with */
		q->valid_values = alloc_array(json_array_size(vv), sizeof(char *));
		for (i = 0; i < json_array_size(vv); i++)
		{
			json_t	   *e = json_array_get(vv, i);

			if (json_is_object(e) || json_is_array(e))
			{
				size_t		m = path_push_index(ctx, i);

				if (!ours_invalid(ctx, NULL,
								  "expected a string, a number or a boolean"))
					return false;
				path_pop(ctx, m);
			}
			else if (!json_is_null(e))
				q->valid_values[q->nvalid_values++] = scalar_text(e);
		}
	}
	path_pop(ctx, mark);
	return true;
}

/*
 * One SLA property (the path is at it).  seconds is set for a duration: a
 * non-negative number with a time unit, or an ISO-8601 duration string.
 * Other units are ODCS's free text (availability in "percent", ...), kept;
 * only an SLA datamesh measures as a duration (freshness, latency) must
 * have a time unit.
 */
static bool
build_sla(JCtx *ctx, json_t *obj, DmSla *s)
{
	json_t	   *value = json_object_get(obj, "value");
	const char *unit = str_of(obj, "unit");
	double		factor = -1.0;
	double		seconds;
	size_t		i;

	s->property = dup_of(obj, "property");
	s->path = dm_contract_strdup(ctx->path);
	s->element = dup_of(obj, "element");
	s->unit = dup_of(obj, "unit");
	s->value = scalar_text(value);
	s->seconds = -1.0;

	if (unit != NULL)
	{
		for (i = 0; i < lengthof_array(time_units); i++)
			if (strcmp(unit, time_units[i].name) == 0)
				factor = time_units[i].seconds;
		if (factor < 0 && s->property != NULL &&
			(strcmp(s->property, "freshness") == 0 || strcmp(s->property, "latency") == 0))
			return fail_key(ctx, "unit",
							"unknown unit; expected s, m (minutes), h, d or y, or second(s), minute(s), hour(s), day(s) or year(s)");
	}
	if (json_is_number(value) && factor > 0 && json_number_value(value) >= 0)
	{
		seconds = json_number_value(value) * factor;
		if (!isfinite(seconds))
			return fail_key(ctx, "value", "duration out of range");
		s->seconds = seconds;
	}
	else if (json_is_string(value) &&
			 iso_duration_ok(json_string_value(value), &seconds))
		s->seconds = seconds;

	/* what datamesh measures must be a duration it can measure */
	if (s->seconds < 0 && s->property != NULL &&
		(strcmp(s->property, "freshness") == 0 || strcmp(s->property, "latency") == 0))
		return fail_key(ctx, "value",
						"expected a duration: a non-negative number with a time unit, or an ISO-8601 duration");
	if (s->seconds > 1e12)
		return fail_key(ctx, "value", "duration out of range");
	return true;
}

/*
 * Our contract-level customProperties (the path is at the array):
 * compatibility, deprecationNoticeDays, endOfSupport.
 */
static bool
build_root_custom(JCtx *ctx, json_t *arr, DmContract *c)
{
	bool		seen_compat = false;
	bool		seen_notice = false;
	bool		seen_eos = false;
	size_t		i;

	for (i = 0; i < json_array_size(arr); i++)
	{
		json_t	   *item = json_array_get(arr, i);
		const char *prop = str_of(item, "property");
		json_t	   *value = json_object_get(item, "value");
		size_t		mark = path_push_index(ctx, i);
		bool	   *seen;

		if (prop == NULL)
			seen = NULL;
		else if (strcmp(prop, "compatibility") == 0)
			seen = &seen_compat;
		else if (strcmp(prop, "deprecationNoticeDays") == 0)
			seen = &seen_notice;
		else if (strcmp(prop, "endOfSupport") == 0)
			seen = &seen_eos;
		else
			seen = NULL;		/* not ours: kept in the document only */

		if (seen != NULL && *seen)
		{
			if (!ours_invalid(ctx, "property",
							  "duplicate custom property \"%s\"", prop))
				return false;
		}
		else if (seen == &seen_compat)
		{
			const char *s = json_string_value(value);
			size_t		k;

			for (k = 0; s != NULL && k < lengthof_array(compat_names); k++)
				if (strcmp(s, compat_names[k].name) == 0)
				{
					c->compat = compat_names[k].mode;
					c->transitive = compat_names[k].transitive;
					*seen = true;
					break;
				}
			if (!*seen &&
				!ours_invalid(ctx, "value",
							  "expected one of: FORWARD, BACKWARD, FULL, NONE, FORWARD_TRANSITIVE, BACKWARD_TRANSITIVE, FULL_TRANSITIVE"))
				return false;
		}
		else if (seen == &seen_notice)
		{
			if (json_to_int(value, 0, INT_MAX, &c->notice_days))
				*seen = true;
			else if (!ours_invalid(ctx, "value",
								   "expected a number of days from 0 to %d",
								   INT_MAX))
				return false;
		}
		else if (seen == &seen_eos)
		{
			const char *s = json_string_value(value);

			if (s != NULL && date_ok(s))
			{
				c->end_of_support = dm_contract_strdup(s);
				*seen = true;
			}
			else if (!ours_invalid(ctx, "value",
								   "expected a date as YYYY-MM-DD"))
				return false;
		}
		path_pop(ctx, mark);
	}
	return true;
}

/*
 * Our property-level customProperties (the path is at the array): pii,
 * deprecated, endOfSupport.
 */
static bool
build_property_custom(JCtx *ctx, json_t *arr, DmProperty *p)
{
	bool		seen_pii = false;
	bool		seen_deprecated = false;
	bool		seen_eos = false;
	size_t		i;

	for (i = 0; i < json_array_size(arr); i++)
	{
		json_t	   *item = json_array_get(arr, i);
		const char *prop = str_of(item, "property");
		json_t	   *value = json_object_get(item, "value");
		size_t		mark = path_push_index(ctx, i);
		bool	   *seen;

		if (prop == NULL)
			seen = NULL;
		else if (strcmp(prop, "pii") == 0)
			seen = &seen_pii;
		else if (strcmp(prop, "deprecated") == 0)
			seen = &seen_deprecated;
		else if (strcmp(prop, "endOfSupport") == 0)
			seen = &seen_eos;
		else
			seen = NULL;

		if (seen != NULL && *seen)
		{
			if (!ours_invalid(ctx, "property",
							  "duplicate custom property \"%s\"", prop))
				return false;
		}
		else if (seen == &seen_pii)
		{
			if (json_is_boolean(value))
			{
				p->pii = json_is_true(value) ? dm_contract_strdup("redact") : NULL;
				*seen = true;
			}
			else if (json_is_string(value) &&
					 pii_shape_ok(json_string_value(value)))
			{
				p->pii = dm_contract_strdup(json_string_value(value));
				*seen = true;
			}
			else if (!ours_invalid(ctx, "value",
								   "expected true, false or a masking strategy such as \"redact\", \"hash\" or \"partial(2,2)\""))
				return false;
		}
		else if (seen == &seen_deprecated)
		{
			if (json_is_boolean(value))
			{
				p->deprecated = json_is_true(value);
				*seen = true;
			}
			else if (!ours_invalid(ctx, "value", "expected true or false"))
				return false;
		}
		else if (seen == &seen_eos)
		{
			const char *s = json_string_value(value);

			if (s != NULL && date_ok(s))
			{
				p->end_of_support = dm_contract_strdup(s);
				*seen = true;
			}
			else if (!ours_invalid(ctx, "value",
								   "expected a date as YYYY-MM-DD"))
				return false;
		}
		path_pop(ctx, mark);
	}
	return true;
}

/*
 * What publishing needs beyond a valid document: apiVersion "v3.1.0", one
 * schema entry with a name and a physicalName, and properties with a name, a logicalType or
 * physicalType, and names that differ.
 */
static bool
check_publish(JCtx *ctx, json_t *root, const DmContract *c)
{
	json_t	   *seen;
	int			i;
	bool		ok = true;

	path_pop(ctx, 1);
	if (strcmp(str_of(root, "apiVersion"), "v3.1.0") != 0)
		return fail_key(ctx, "apiVersion",
						"publishing needs \"v3.1.0\", the ODCS version datamesh reads");
	if (c->nschemas != 1)
		return fail_key(ctx, "schema",
						"publishing needs exactly one schema entry (the product view), not %d",
						c->nschemas);
	path_push_key(ctx, "schema");
	path_push_index(ctx, 0);
	if (c->schema_name == NULL)
		return fail_key(ctx, "name", "publishing needs the schema entry's name");
	if (c->physical_name == NULL)
		return fail_key(ctx, "physicalName",
						"publishing needs the product view as \"{key}_data_products.{view}\"");
	path_push_key(ctx, "properties");

	seen = new_object();
	if (seen == NULL)
		return fail(ctx, "out of memory");
	for (i = 0; ok && i < c->nprops; i++)
	{
		const DmProperty *p = &c->props[i];
		size_t		mark = path_push_index(ctx, (size_t) i);
		json_t	   *prev;

		if (p->name == NULL)
			ok = fail_key(ctx, "name", "publishing needs a name");
		else if (p->logical_type == NULL && p->type.physical == NULL)
			ok = fail(ctx, "publishing needs logicalType or physicalType");
		else if ((prev = json_object_get(seen, p->name)) != NULL)
			ok = fail_key(ctx, "name",
						  "duplicate property name (properties[%d] has it too)",
						  (int) json_integer_value(prev));
		else if (json_object_set_new(seen, p->name, json_integer(i)) != 0)
			ok = fail(ctx, "out of memory");
		else
			path_pop(ctx, mark);
	}
	json_decref(seen);
	return ok;
}
