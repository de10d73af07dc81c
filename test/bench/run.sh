#!/bin/bash
# make bench: DDL overhead of datamesh's event triggers, measured with
# pgbench in a throw-away cluster (pg_virtualenv).  Not a CI test.
#
# The same DDL script (CREATE TABLE / ALTER TABLE ADD COLUMN / CREATE INDEX /
# DROP TABLE, one statement per transaction) runs against:
#   base      a plain schema of a database without the extension
#   outside   a plain schema of a database with the extension and domains
#   domain    an intermediates schema of a domain
#   raw       a raw schema (datamesh also adds the metadata columns there)
# in interleaved rounds; the medians of each are printed as time ratios
# against base.  Set ROUNDS and BENCH_SECONDS to change the effort.
set -eu
cd "$(dirname "$0")/../.."
if [ -z "${PGHOST:-}" ] || [ -z "${DM_BENCH_INNER:-}" ]; then
    make -s
    if [ "$(id -u)" -eq 0 ]; then make -s install; else sudo make -s install; fi
    exec env DM_BENCH_INNER=1 pg_virtualenv bash "$0"
fi

ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
script=test/bench/ddl.pgbench
out=test/bench/out
mkdir -p "$out"

psql -X -q -c "CREATE DATABASE bench_base" -c "CREATE DATABASE bench_mesh" postgres
psql -X -q -d bench_base -c "CREATE SCHEMA plain"
psql -X -q -d bench_mesh <<'SQL'
CREATE ROLE bench_team;
CREATE EXTENSION datamesh;
SELECT datamesh.create_domain('bench', 'bench_team');
SELECT datamesh.create_domain('other', 'bench_team');
CREATE SCHEMA plain;
CREATE TABLE bench_raw.orders (id int PRIMARY KEY, email text);
CREATE VIEW bench_intermediates.order_ids AS SELECT id FROM bench_raw.orders;
SQL

run() {
    # $1 database, $2 schema: prints transactions per second
    pgbench -n -c 1 -T "$SECONDS_PER_RUN" -D schema="$2" -f "$script" "$1" 2>/dev/null |
        sed -nE 's/^tps = ([0-9.]+).*/\1/p'
}

: >"$out/tps"
# warm up caches and WAL before measuring
for c in "bench_base plain" "bench_mesh plain" "bench_mesh bench_intermediates" "bench_mesh bench_raw"; do
    SECONDS_PER_RUN=2 run $c >/dev/null
done
for r in $(seq 1 "$ROUNDS"); do
    echo "base $(run bench_base plain)" >>"$out/tps"
    echo "outside $(run bench_mesh plain)" >>"$out/tps"
    echo "domain $(run bench_mesh bench_intermediates)" >>"$out/tps"
    echo "raw $(run bench_mesh bench_raw)" >>"$out/tps"
    echo "round $r of $ROUNDS done"
done

median() {
    grep "^$1 " "$out/tps" | awk '{ print $2 }' | sort -n |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
base=$(median base)
echo
echo "DDL statements per second (median of $ROUNDS runs of ${SECONDS_PER_RUN}s, 1 client):"
for c in base outside domain raw; do
    m=$(median $c)
    awk -v c="$c" -v m="$m" -v b="$base" 'BEGIN { printf "  %-8s %9.1f tps   time ratio vs base %.3f\n", c, m, b / m }'
done
echo "targets: outside <= 1.02, domain <= 1.10 (raw adds an ALTER TABLE per CREATE TABLE by design)"
