/*-------------------------------------------------------------------------
 *
 * label.h
 *		The "datamesh" security label provider and PII strategy labels.
 *
 * IDENTIFICATION
 *		src/label.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_LABEL_H
#define DATAMESH_LABEL_H

#include "strategy.h"

#define DM_LABEL_PROVIDER "datamesh"

extern void dm_label_register(void);
extern void dm_pii_check_type(const DmPiiStrategy *strategy, const char *text,
							  Oid typid, const char *column);

#endif							/* DATAMESH_LABEL_H */
