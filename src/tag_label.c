/*-------------------------------------------------------------------------
 *
 * tag_label.c
 *		The "datamesh_tags" security label provider: tags of relations and
 *		columns.
 *
 * A tags label is a flat JSON object of tag names and values (strings, or
 * null for a tag without a value): '{"tier": "gold", "certified": null}'.
 * The provider hook checks every label, whoever writes it (datamesh.set_tag
 * or SECURITY LABEL FOR datamesh_tags by hand): relations and their columns
 * only, tag names lower-case identifiers, values one line of at most
 * DM_TAG_VALUE_MAX bytes, and a tag defined with datamesh.define_tag only
 * with one of its allowed values.  The definitions are read with the
 * latest snapshot under a lock that define_tag conflicts with, so a value
 * and a definition set at the same time follow each other.  This file
 * depends on no module above the catalog, so _PG_init may register it.
 *
 * IDENTIFICATION
 *		src/tag_label.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/seclabel.h"
#include "common/jsonapi.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog.h"
#include "exec.h"
#include "tag_label.h"

/* the state of a tags label being parsed */
typedef struct TagParse
{
	int			depth;			/* object nesting: 1 inside the label's object */
	char	   *field;			/* the tag whose value comes next */
	List	   *tags;			/* tag names seen, for duplicates */
	List	   *values;			/* their values (char *, NULL for null) */
} TagParse;

static void check_tags_label(const ObjectAddress *object, const char *seclabel);
static void parse_tags(const char *label, List **tags, List **values);
static void check_value_text(const char *tag, const char *value);
static void check_allowed(List *tags, List *values);

void
dm_tag_register(void)
{
	register_label_provider(DM_TAG_PROVIDER, check_tags_label);
}

static void
tags_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid datamesh_tags security label"),
			 errdetail("%s", detail),
			 errhint("A datamesh_tags label is a JSON object of tag names and values (strings or null), for example '{\"tier\": \"gold\"}'; datamesh.set_tag() writes it.")));
}

static void
tp_object_start(void *state)
{
	TagParse   *tp = state;

	if (++tp->depth > 1)
		tags_error("A tag's value is a string or null, not an object.");
}

static void
tp_object_end(void *state)
{
	((TagParse *) state)->depth--;
}

static void
tp_array_start(void *state)
{
	tags_error(((TagParse *) state)->depth == 0 ?
			   "The label is an array, not an object." :
			   "A tag's value is a string or null, not an array.");
}

static void
tp_field_start(void *state, char *fname, bool isnull)
{
	TagParse   *tp = state;
	ListCell   *lc;

	CHECK_FOR_INTERRUPTS();
	if (list_length(tp->tags) >= DM_TAG_MAX_TAGS)
		tags_error(psprintf("An object has at most %d tags.", DM_TAG_MAX_TAGS));

	foreach(lc, tp->tags)
		if (strcmp(lfirst(lc), fname) == 0)
			tags_error(psprintf("Tag \"%s\" appears twice.", fname));
	tp->field = fname;
}

static void
tp_scalar(void *state, char *token, JsonTokenType tokentype)
{
	TagParse   *tp = state;

	if (tp->depth == 0)
		tags_error("The label is a single value, not an object.");
	if (tokentype != JSON_TOKEN_STRING && tokentype != JSON_TOKEN_NULL)
		tags_error(psprintf("The value of tag \"%s\" is neither a string nor null.",
							tp->field));
	tp->tags = lappend(tp->tags, tp->field);
	tp->values = lappend(tp->values,
						 tokentype == JSON_TOKEN_STRING ? token : NULL);
}

/*
 * Parses a tags label into its tag names and values (NULL for null);
 * raises an error if it is not a flat JSON object of strings and nulls.
 */
static void
parse_tags(const char *label, List **tags, List **values)
{
	TagParse	tp = {0};
	JsonSemAction sem = {0};
	JsonLexContext *lex;
	JsonParseErrorType rc;

	if (strlen(label) > DM_TAG_LABEL_MAX)
		tags_error(psprintf("The label has more than %d bytes.", DM_TAG_LABEL_MAX));
	sem.semstate = &tp;
	sem.object_start = tp_object_start;
	sem.object_end = tp_object_end;
	sem.array_start = tp_array_start;
	sem.object_field_start = tp_field_start;
	sem.scalar = tp_scalar;
	lex = makeJsonLexContextCstringLen(pstrdup(label), strlen(label),
									   GetDatabaseEncoding(), true);
	rc = pg_parse_json(lex, &sem);
	if (rc != JSON_SUCCESS)
		tags_error(psprintf("The label is not JSON: %s", json_errdetail(rc, lex)));
	*tags = tp.tags;
	*values = tp.values;
}

/* a tag is a lower-case identifier */
void
dm_tag_check_name(const char *tag)
{
	const char *p;
	bool		ok = tag != NULL && tag[0] >= 'a' && tag[0] <= 'z' &&
		strlen(tag) < NAMEDATALEN;

	for (p = tag; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
	if (tag == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("tag must not be null")));
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid tag name \"%s\"", tag),
				 errdetail("A tag name starts with a lower-case letter and has only lower-case letters, digits and underscores, at most %d bytes.",
						   NAMEDATALEN - 1),
				 errhint("For example: tier, data_owner, retention_days.")));
}

/* a value: at most DM_TAG_VALUE_MAX bytes of one line of text, or NULL */
static void
check_value_text(const char *tag, const char *value)
{
	const unsigned char *p;

	if (value == NULL)
		return;
	if (value[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the value of tag \"%s\" is empty", tag),
				 errhint("Give no value (NULL) for a tag without one.")));
	if (strlen(value) > DM_TAG_VALUE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
				 errmsg("the value of tag \"%s\" is too long", tag),
				 errdetail("A tag value has at most %d bytes.", DM_TAG_VALUE_MAX),
				 errhint("Put longer text into the description: datamesh.describe().")));
	for (p = (const unsigned char *) value; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the value of tag \"%s\" contains a control character", tag),
					 errhint("A tag value is one line of text.")));
}

/*
 * Each value is one of its tag's allowed values, for the defined tags
 * among tags (all read in one query).  (Connects to SPI itself)
 */
static void
check_allowed(List *tags, List *values)
{
	Oid			definitions = dm_catalog_relid("tag_definition");
	Oid			types[1] = {TEXTARRAYOID};
	Datum		args[1];
	Datum	   *elems;
	int			n = 0;
	ListCell   *lc;
	ListCell   *lc2;

	/* not while the extension is created or dropped */
	if (!OidIsValid(definitions) || tags == NIL)
		return;

	/*
	 * A define_tag running now (ExclusiveLock) commits first, and its
	 * definition is read with the latest snapshot; one that comes later
	 * waits for this transaction and sees its tags.
	 */
	LockRelationOid(definitions, RowShareLock);
	elems = palloc(sizeof(Datum) * list_length(tags));
	foreach(lc, tags)
		elems[n++] = CStringGetTextDatum(lfirst(lc));
	args[0] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
	dm_spi_connect();
	dm_exec_catalog_latest("SELECT tag, allowed_values FROM datamesh.tag_definition"
						   " WHERE tag = ANY ($1) AND allowed_values IS NOT NULL",
						   1, types, args);
	forboth(lc, tags, lc2, values)
	{
		const char *tag = lfirst(lc);
		const char *value = lfirst(lc2);
		uint64		row;

		for (row = 0; row < SPI_processed; row++)
		{
			HeapTuple	tup = SPI_tuptable->vals[row];
			bool		isnull;
			ArrayType  *arr;
			Datum	   *allowed;
			bool	   *nulls;
			int			nallowed;
			int			i;
			bool		found = false;
			StringInfoData list;

			if (strcmp(SPI_getvalue(tup, SPI_tuptable->tupdesc, 1), tag) != 0)
				continue;
			arr = DatumGetArrayTypeP(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull));
			deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &allowed, &nulls, &nallowed);
			initStringInfo(&list);
			for (i = 0; i < nallowed; i++)
			{
				char	   *a = TextDatumGetCString(allowed[i]);

				if (value != NULL && strcmp(a, value) == 0)
					found = true;
				appendStringInfo(&list, "%s%s", i > 0 ? ", " : "", quote_literal_cstr(a));
			}
			if (!found)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 value == NULL ?
						 errmsg("tag \"%s\" needs a value", tag) :
						 errmsg("value \"%s\" is not allowed for tag \"%s\"", value, tag),
						 errdetail("Tag \"%s\" was defined with the allowed values %s.",
								   tag, list.data),
						 errhint("Use one of them, or ask an admin to redefine the tag with datamesh.define_tag().")));
		}
	}
	SPI_finish();
}

/*
 * A value of a tag: at most DM_TAG_VALUE_MAX bytes of printable text, and
 * one of the allowed values of a defined tag.  (Connects to SPI itself)
 */
void
dm_tag_check_value(const char *tag, const char *value)
{
	check_value_text(tag, value);
	check_allowed(list_make1((char *) tag), list_make1((char *) value));
}

bool
dm_tag_taggable_relkind(char relkind)
{
	return relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
		relkind == RELKIND_VIEW || relkind == RELKIND_MATVIEW ||
		relkind == RELKIND_FOREIGN_TABLE;
}

/*
 * The provider hook: called before SECURITY LABEL FOR datamesh_tags writes.
 * Relations and their columns only; every tag and value checked.
 */
static void
check_tags_label(const ObjectAddress *object, const char *seclabel)
{
	List	   *tags;
	List	   *values;
	ListCell   *lc;
	ListCell   *lc2;

	if (object->classId != RelationRelationId ||
		!dm_tag_taggable_relkind(get_rel_relkind(object->objectId)))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("datamesh_tags security labels apply to tables, views, materialized views, foreign tables and their columns only"),
				 errhint("Tag a domain with datamesh.set_domain_tag().")));
	if (seclabel == NULL)
		return;
	parse_tags(seclabel, &tags, &values);
	forboth(lc, tags, lc2, values)
	{
		dm_tag_check_name(lfirst(lc));
		check_value_text(lfirst(lc), lfirst(lc2));
	}
	/* the defined tags among them, in one read */
	check_allowed(tags, values);
}
