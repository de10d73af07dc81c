/*-------------------------------------------------------------------------
 *
 * enforce.h
 *		The event triggers that enforce the data mesh layout.
 *
 * IDENTIFICATION
 *		src/enforce.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_ENFORCE_H
#define DATAMESH_ENFORCE_H

#include "catalog/objectaddress.h"

extern char *dm_describe_object(const ObjectAddress *object);

#endif							/* DATAMESH_ENFORCE_H */
