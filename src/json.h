/*-------------------------------------------------------------------------
 *
 * json.h
 *		Parse and validate ODCS v3.1.0 data contracts (jansson).
 *
 * json.c is the only translation unit that includes <jansson.h>, and it
 * includes no PostgreSQL header either: it builds into the backend and into
 * a libFuzzer harness alike.  The result is the plain model of contract.h,
 * allocated through dm_contract_alloc(); an error is reported in a
 * DmJsonError (the JSON path of the offending value and what was expected),
 * never by longjmp, exit or abort.
 *
 * IDENTIFICATION
 *		src/json.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_JSON_H
#define DATAMESH_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "contract.h"

/* limits on a contract document; exceeding one is an error naming a path */
#define DM_JSON_MAX_DOCUMENT	(1024 * 1024)	/* bytes of JSON text */
#define DM_JSON_MAX_DEPTH		32	/* nested objects and arrays */
#define DM_JSON_MAX_ARRAY		10000	/* elements of any array */
#define DM_JSON_MAX_PROPERTIES	1600	/* a properties[] array (columns) */
#define DM_JSON_MAX_STRING		65536	/* bytes of a string or a key */

/* flags of dm_json_parse_contract */
#define DM_JSON_PUBLISH			0x01	/* also require what publishing needs */

/* why a document was rejected */
typedef struct DmJsonError
{
	char		path[256];		/* e.g. $.schema[0].properties[2].logicalType */
	char		message[512];	/* what is wrong, what was expected */
} DmJsonError;

/*
 * Route jansson's allocations (call once, e.g. from the backend with palloc
 * and pfree wrappers, so that an error raised meanwhile leaks nothing).
 */
extern void dm_json_set_alloc(void *(*alloc_fn) (size_t),
							  void (*free_fn) (void *));

/*
 * Parse text (len bytes, not necessarily NUL-terminated) as an ODCS v3.1.0
 * data contract and validate it against the closed schema.  On success fill
 * *out (everything allocated through dm_contract_alloc) and return true;
 * otherwise return false with *err set.  Never crashes on any input.
 */
extern bool dm_json_parse_contract(const char *text, size_t len, int flags,
								   DmContract *out, DmJsonError *err);

#endif							/* DATAMESH_JSON_H */
