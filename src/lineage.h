/*-------------------------------------------------------------------------
 *
 * lineage.h
 *		Lineage of an object from pg_depend, freshness from raw _added_at,
 *		and the mesh graph.
 *
 * IDENTIFICATION
 *		src/lineage.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_LINEAGE_H
#define DATAMESH_LINEAGE_H

#include "nodes/pg_list.h"
#include "utils/timestamp.h"

/* one object upstream of another, as dm_lineage_walk finds it */
typedef struct DmLineageNode
{
	Oid			classid;		/* RelationRelationId or ProcedureRelationId */
	Oid			objid;			/* the relation or function */
	int			depth;			/* 0: the start; 1: what it reads directly */
} DmLineageNode;

extern List *dm_lineage_walk(Oid classid, Oid objid);
extern bool dm_lineage_freshness(Oid relid, TimestampTz *newest, int *nraw);
extern bool dm_lineage_newest_added_at(Oid relid, TimestampTz *newest);

#endif							/* DATAMESH_LINEAGE_H */
