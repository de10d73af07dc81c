/*-------------------------------------------------------------------------
 *
 * search.h
 *		datamesh.search(): products, domains and one's own relations by words.
 *
 * IDENTIFICATION
 *		src/search.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_SEARCH_H
#define DATAMESH_SEARCH_H

extern char *dm_search_tsquery(const char *query, bool any_word);

#endif							/* DATAMESH_SEARCH_H */
