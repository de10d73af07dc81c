/*-------------------------------------------------------------------------
 *
 * tag_label.h
 *		The "datamesh_tags" security label provider: tags of relations and
 *		columns.
 *
 * IDENTIFICATION
 *		src/tag_label.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_TAG_LABEL_H
#define DATAMESH_TAG_LABEL_H

/* the security label provider that holds tags */
#define DM_TAG_PROVIDER "datamesh_tags"

/* longest tag value, in bytes */
#define DM_TAG_VALUE_MAX 1000

/* most tags on one object, and the longest label */
#define DM_TAG_MAX_TAGS 200
#define DM_TAG_LABEL_MAX 65536

extern void dm_tag_register(void);
extern void dm_tag_check_name(const char *tag);
extern void dm_tag_check_value(const char *tag, const char *value);
extern bool dm_tag_taggable_relkind(char relkind);

#endif							/* DATAMESH_TAG_LABEL_H */
