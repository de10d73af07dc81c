/*-------------------------------------------------------------------------
 *
 * label.c
 *		The "datamesh" security label provider.
 *
 * A datamesh label classifies a column as PII: 'pii:STRATEGY', with one of
 * the strategies of DM_PII_STRATEGIES.  Labels are the single source of
 * truth for classification, so pg_dump keeps it.  The provider accepts
 * labels on columns of tables, views, materialized views and foreign
 * tables only, and rejects a malformed label before anything is written.
 *
 * IDENTIFICATION
 *		src/label.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "commands/seclabel.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog.h"
#include "label.h"

static void check_relabel(const ObjectAddress *object, const char *seclabel);

void
dm_label_register(void)
{
	register_label_provider(DM_LABEL_PROVIDER, check_relabel);
}

/*
 * Raises a clear error if the strategy cannot mask a column of typid.
 */
void
dm_pii_check_type(const DmPiiStrategy *strategy, const char *text,
				  Oid typid, const char *column)
{
	const char *types = NULL;

	if (dm_pii_type_supported(strategy, getBaseType(typid)))
		return;
	switch (strategy->kind)
	{
		case DM_PII_REDACT:
			break;
		case DM_PII_HASH:
			types = "text, varchar, char, integer, bigint, uuid and bytea";
			break;
		case DM_PII_EMAIL:
		case DM_PII_PARTIAL:
			types = "text, varchar and char";
			break;
		case DM_PII_YEAR:
		case DM_PII_MONTH:
			types = "date, timestamp and timestamptz";
			break;
		case DM_PII_BUCKET:
			types = "smallint, integer and bigint (with a whole width), numeric, real and double precision";
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("masking strategy \"%s\" cannot mask column \"%s\" of type %s",
					text, column, format_type_be(typid)),
			 errdetail("Strategy \"%s\" supports %s; a masked column keeps its type.",
					   text, types),
			 errhint("Choose another strategy, for example \"redact\", which supports every type.")));
}

/*
 * The provider hook: called before SECURITY LABEL FOR datamesh writes.
 */
static void
check_relabel(const ObjectAddress *object, const char *seclabel)
{
	DmPiiStrategy strategy;
	char		relkind;

	if (object->classId != RelationRelationId || object->objectSubId <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("datamesh security labels apply to columns only"),
				 errdetail("A datamesh label classifies a column as personal data."),
				 errhint("Label a column: SECURITY LABEL FOR datamesh ON COLUMN t.c IS 'pii:redact'.")));

	relkind = get_rel_relkind(object->objectId);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
		relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW &&
		relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("datamesh security labels apply to columns of tables, views, materialized views and foreign tables only")));

	if (seclabel == NULL)
		return;

	/*
	 * A product shows what its source's labels say; a label of its own
	 * would be a second truth, and a hash label there would make the
	 * products of other domains that read it unreadable.
	 */
	{
		DmDomain	domain;
		DmLayer		layer;

		if (dm_catalog_schema_domain(get_rel_namespace(object->objectId), &domain, &layer) &&
			layer == DM_LAYER_DATA_PRODUCTS)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("cannot classify a column of data product \"%s\"",
							get_rel_name(object->objectId)),
					 errhint("Classify the column of the product's source; the product follows.")));
	}

	if (!dm_pii_parse_label(seclabel, &strategy))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid datamesh security label \"%s\"", seclabel),
				 errdetail("A datamesh label has the form pii:STRATEGY, where STRATEGY is one of: %s.",
						   DM_PII_STRATEGIES),
				 errhint("For example: SECURITY LABEL FOR datamesh ON COLUMN t.email IS 'pii:email'.")));
	dm_pii_check_type(&strategy, seclabel + 4,
					  get_atttype(object->objectId, object->objectSubId),
					  get_attname(object->objectId, object->objectSubId, false));
}
