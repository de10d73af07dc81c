/*-------------------------------------------------------------------------
 *
 * ownership.h
 *		Objects in a domain's schemas belong to the domain's owner role.
 *
 * IDENTIFICATION
 *		src/ownership.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_OWNERSHIP_H
#define DATAMESH_OWNERSHIP_H

#include "catalog/objectaddress.h"

#include "catalog.h"

extern void dm_ownership_ensure(const ObjectAddress *object, const DmDomain *domain);

#endif							/* DATAMESH_OWNERSHIP_H */
