/*-------------------------------------------------------------------------
 *
 * contract_data.h
 *		A contract's checks against the data of its product.
 *
 * IDENTIFICATION
 *		src/contract_data.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_CONTRACT_DATA_H
#define DATAMESH_CONTRACT_DATA_H

#include "nodes/pg_list.h"

#include "contract.h"

/* one check's outcome */
typedef struct DmCheckResult
{
	char	   *check_name;		/* e.g. "required:amount", "quality:not_empty" */
	char	   *status;			/* pass, fail, error */
	char	   *detail;			/* never a data value */
} DmCheckResult;

/*
 * The bound on one check's query, in milliseconds (0: none); the caller's
 * own statement_timeout still applies when it ends sooner.
 */
extern int	dm_contract_check_timeout_ms;

/*
 * Runs the contract's checks against the product's data, as the domain's
 * owner role,
 * read-only: required, unique, primary key, allowed values, quality rules,
 * and unless publishing, schema and freshness.  Returns a List of
 * DmCheckResult.  (SPI need not be connected)
 */
extern List *dm_contract_data_checks(Oid viewid, const DmContract *contract,
									 bool publishing);

#endif							/* DATAMESH_CONTRACT_DATA_H */
