/*-------------------------------------------------------------------------
 *
 * contract_model.h
 *		Contract models from PostgreSQL: documents as stored, products as
 *		the catalogs describe them, and what a published version promises.
 *
 * IDENTIFICATION
 *		src/contract_model.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_CONTRACT_MODEL_H
#define DATAMESH_CONTRACT_MODEL_H

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "contract.h"

/* one row of datamesh.contract */
typedef struct DmStoredContract
{
	char	   *id;
	char	   *version;
	char	   *product;		/* the view, quoted qualified name */
	char	   *status;			/* active, deprecated, retired */
	char	   *compatibility;
	char	   *end_of_support; /* YYYY-MM-DD or NULL */
	Jsonb	   *document;
	Jsonb	   *baseline;
} DmStoredContract;

/*
 * A stored version, parsed again: a physicalType that no longer resolves
 * (its type renamed or dropped since) is a type no column has, not an
 * error.  (A flag of dm_contract_parse beside json.h's.)
 */
#define DM_CONTRACT_STORED	0x100

/*
 * A document as a model, its types resolved with PostgreSQL's parser.
 * Raises a clear error naming the JSON path of a bad field.  flags:
 * DM_JSON_PUBLISH (json.h) to require what publishing needs,
 * DM_CONTRACT_STORED for a stored version.
 */
extern DmContract *dm_contract_parse(Jsonb *document, int flags);

/* fills family, base rank, length and scale of a resolved type */
extern void dm_contract_set_type(DmType *type, Oid typid, int32 typmod);

/* the ODCS logicalType of a resolved type, or NULL */
extern const char *dm_contract_logical_type(const DmType *type);

/*
 * The product as the catalogs describe it now.  viewid may be InvalidOid
 * (the view is gone): the model then says so.  product is the contracted
 * name.
 */
extern DmContract *dm_contract_actual(Oid viewid, const char *product);

/* the baseline to store with a version: what the catalogs guarantee now */
extern Jsonb *dm_contract_baseline(const DmContract *actual);

/*
 * The published versions of a product that are not retired, highest
 * first; all of them, or the current one only.  (SPI connected)
 */
extern List *dm_contract_stored(const char *product, bool all);

/*
 * What a stored version holds the product to at DDL time: the document,
 * with the guarantees the catalogs could not derive when it was published
 * left to the data checks, and enum labels and masking as they were.
 */
extern DmContract *dm_contract_promise(const DmStoredContract *stored);

/* AccessShareLock on everything a view reads, to the end of the transaction */
extern void dm_contract_lock_upstream(Oid viewid, int depth);

/* today's date as YYYY-MM-DD, in the session's time zone */
extern char *dm_contract_today(void);

#endif							/* DATAMESH_CONTRACT_MODEL_H */
