/*-------------------------------------------------------------------------
 *
 * classify.h
 *		What a product column shows: classification through views.
 *
 * IDENTIFICATION
 *		src/classify.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_CLASSIFY_H
#define DATAMESH_CLASSIFY_H

#include "nodes/parsenodes.h"
#include "utils/relcache.h"

#include "strategy.h"

/* what classification found for one column */
typedef struct Classified
{
	bool		classified;
	DmPiiStrategy strategy;
	Oid			relid;			/* a classified column it reads, for messages */
	AttrNumber	attnum;
} Classified;

extern void dm_classify_begin(void);
extern void dm_classify_end(void);
extern void dm_classify_column(Oid relid, AttrNumber attnum, Classified *out);
extern void dm_classify_check_keys(Oid source);
extern bool dm_is_product_schema(Oid nspid);
extern Query *dm_relation_query(Relation rel);

#endif							/* DATAMESH_CLASSIFY_H */
