/*-------------------------------------------------------------------------
 *
 * ingest.h
 *		Ingestion helpers: raw tables, loading JSON, latest-row views.
 *
 * The module has no C interface of its own: its SQL functions
 * (datamesh.create_raw_table, datamesh.ingest, datamesh.create_latest_view)
 * are all it offers.  The suffix of the default view name is shared here
 * so that the install script's comments and the code agree.
 *
 * IDENTIFICATION
 *		src/ingest.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_INGEST_H
#define DATAMESH_INGEST_H

/* the column of a raw table that ingest() writes */
#define DM_COL_PAYLOAD "payload"

/* create_latest_view's default name is the raw table's name and this */
#define DM_LATEST_SUFFIX "_latest"

/* the view's key column when the key is a SQL/JSON path */
#define DM_LATEST_KEY_COLUMN "key"

#endif							/* DATAMESH_INGEST_H */
