/*-------------------------------------------------------------------------
 *
 * tag.h
 *		Tags and descriptions of domains, relations and columns.
 *
 * IDENTIFICATION
 *		src/tag.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_TAG_H
#define DATAMESH_TAG_H

#include "nodes/pg_list.h"

extern List *dm_tag_save(Oid relid);
extern void dm_tag_restore(Oid relid, List *saved);

#endif							/* DATAMESH_TAG_H */
