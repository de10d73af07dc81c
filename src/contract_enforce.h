/*-------------------------------------------------------------------------
 *
 * contract_enforce.h
 *		Contracts enforced on the net effect of a transaction.
 *
 * IDENTIFICATION
 *		src/contract_enforce.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_CONTRACT_ENFORCE_H
#define DATAMESH_CONTRACT_ENFORCE_H

#include "nodes/pg_list.h"

#include "contract.h"

/* a product view that the current transaction may have changed */
extern void dm_contract_touch(Oid viewid);
extern void dm_contract_touch_name(const char *product, Oid viewid);

/* every product view downstream of a relation (and the relation itself) */
extern void dm_contract_touch_downstream(Oid relid);
extern void dm_contract_touch_all_downstream(Oid relid);
extern void dm_contract_flush_search(void);

/* ShareUpdateExclusiveLock on the product views touched so far */
extern void dm_contract_lock_touched(void);

/* every product that shows a column of this type */
extern void dm_contract_touch_type(Oid typid);

/* is relid a view of a data_products schema? */
extern bool dm_contract_is_product_view(Oid relid);

/*
 * The readers of a product (objects that depend on its view), as a
 * sentence part for messages: "sales_x.report, ...", or "none".
 */
extern char *dm_contract_consumers(Oid viewid);

/* how a product breaks its contract now: a List of DmChange (SPI connected) */
extern List *dm_contract_problems(const char *product);

/* a product's view name without its _vN suffix */
extern char *dm_contract_view_stem(const char *product);

/* " It is bound by data contract ..." for a product's layout errors, or "" */
extern char *dm_contract_bound(const char *product);

/* the fix to suggest for a breaking change (errhint text) */
extern char *dm_contract_fix(const DmChange *change, const DmContract *promise,
							 const char *product);

#endif							/* DATAMESH_CONTRACT_ENFORCE_H */
