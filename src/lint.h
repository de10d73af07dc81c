/*-------------------------------------------------------------------------
 *
 * lint.h
 *		datamesh.lint(): what governance should look at, domain by domain.
 *
 * IDENTIFICATION
 *		src/lint.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DATAMESH_LINT_H
#define DATAMESH_LINT_H

/*
 * The bound on value sampling, per relation: at most this many rows, read
 * from about as many pages as hold them, never more than
 * LINT_SAMPLE_PAGES pages expected (TABLESAMPLE SYSTEM).  A relation of at
 * most that many pages is read whole (up to the row limit).
 */
#define LINT_SAMPLE_ROWS	1000
#define LINT_SAMPLE_PAGES	64

/* a JSON document larger than this is not looked into */
#define LINT_MAX_JSON		(1024 * 1024)

/* the most distinct key paths of one json/jsonb column that are tallied */
#define LINT_MAX_PATHS		64

/* the most key paths of one column named in findings of their own */
#define LINT_NAMED_PATHS	5

#endif							/* DATAMESH_LINT_H */
