/*-------------------------------------------------------------------------
 *
 * pseudonym.h
 *		Keyed pseudonyms: the hash strategy, who may compute one, the keys.
 *
 * IDENTIFICATION
 *		src/pseudonym.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_PSEUDONYM_H
#define DATAMESH_PSEUDONYM_H

#include "nodes/pg_list.h"
#include "nodes/nodes.h"

extern void dm_pseudonym_sync_keys(void);
extern bool dm_pseudonym_value_ok(List *rtable, Node *value, const char *domain);

#endif							/* DATAMESH_PSEUDONYM_H */
