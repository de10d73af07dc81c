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

/* the security label provider that holds tags */
#define DM_TAG_PROVIDER "datamesh_tags"

/* longest tag value, in bytes */
#define DM_TAG_VALUE_MAX 1000

/* most tags on one object, and the longest label */
#define DM_TAG_MAX_TAGS 200
#define DM_TAG_LABEL_MAX 65536

extern void dm_tag_register(void);
extern List *dm_tag_save(Oid relid);
extern void dm_tag_restore(Oid relid, List *saved);

#endif							/* DATAMESH_TAG_H */
