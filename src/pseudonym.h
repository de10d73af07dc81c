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

extern void dm_pseudonym_sync_keys(void);

#endif							/* DATAMESH_PSEUDONYM_H */
