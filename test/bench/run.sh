#!/bin/bash
# make bench: DDL overhead of datamesh's event triggers, measured with
# pgbench in a throw-away cluster (pg_virtualenv).  Not a CI test.
#
# The same DDL script (test/bench/ddl.pgbench: CREATE TABLE / ALTER TABLE
# ADD COLUMN / CREATE INDEX / DROP TABLE, one statement per transaction)
# runs, 1 client, in these configurations:
#   base          plain schema, database without the extension, plain role
#   outside       plain schema, database with the extension and domains, plain role
#   outside_su    the same as a superuser (may reach private schemas: full check)
#   domain        intermediates schema of a domain, a member of the team
#   domain_team   the same as the team role itself (SET ROLE team): nothing to
#                 hand over, so this isolates the cost of the ownership hand-over
#   raw           raw schema of a domain (datamesh adds the metadata columns)
# Each run of a configuration sits between two runs of base, and before each
# run the database is vacuumed, so that drift and catalog bloat from earlier
# runs cancel out.  The cluster runs in /dev/shm with fsync off: a disk flush costs the same
# with and without the extension and only adds noise, so this is the
# strict case for the ratio.  ROUNDS and BENCH_SECONDS tune the effort.
set -eu
cd "$(dirname "$0")/../.."
. test/bench/cluster.sh -o fsync=off -o synchronous_commit=off -o full_page_writes=off

ROUNDS=${ROUNDS:-11}
SECONDS_PER_RUN=${BENCH_SECONDS:-3}
script=test/bench/ddl.pgbench
out=test/bench/out
mkdir -p "$out"

psql -X -q postgres <<'SQL'
CREATE ROLE bench_user;
CREATE ROLE bench_team;
CREATE ROLE bench_dev IN ROLE bench_team;
CREATE DATABASE bench_base;
CREATE DATABASE bench_mesh;
SQL
psql -X -q -d bench_base -c "CREATE SCHEMA plain AUTHORIZATION bench_user"
psql -X -q -d bench_mesh >/dev/null <<'SQL'
CREATE EXTENSION datamesh;
SELECT datamesh.create_domain('bench', 'bench_team');
SELECT datamesh.create_domain('other', 'bench_team');
CREATE SCHEMA plain AUTHORIZATION bench_user;
CREATE TABLE bench_raw.orders (id int PRIMARY KEY, email text);
CREATE VIEW bench_intermediates.order_ids AS SELECT id FROM bench_raw.orders;
SQL

run() {
    # $1 database, $2 schema, $3 role: prints transactions per second
    psql -X -q -d "$1" -c "VACUUM" >/dev/null
    PGOPTIONS="-c role=$3" pgbench -n -c 1 -T "$SECONDS_PER_RUN" -D schema="$2" -f "$script" "$1" 2>/dev/null |
        sed -nE 's/^tps = ([0-9.]+).*/\1/p'
}

configs="base:bench_base:plain:bench_user
outside:bench_mesh:plain:bench_user
outside_su:bench_mesh:plain:postgres
domain:bench_mesh:bench_intermediates:bench_dev
domain_team:bench_mesh:bench_intermediates:bench_team
raw:bench_mesh:bench_raw:bench_dev"

# warm up caches and WAL before measuring
for c in $configs; do
    IFS=: read -r name db schema role <<<"$c"
    SECONDS_PER_RUN=2 run "$db" "$schema" "$role" >/dev/null
done

: >"$out/tps"
# each measurement of a configuration sits between two of base, so that
# drift cancels in the ratio base / configuration
for r in $(seq 1 "$ROUNDS"); do
    for c in $configs; do
        IFS=: read -r name db schema role <<<"$c"
        [ "$name" = base ] && continue
        b1=$(run bench_base plain bench_user)
        t=$(run "$db" "$schema" "$role")
        b2=$(run bench_base plain bench_user)
        echo "$r $name $t $b1 $b2" >>"$out/tps"
    done
    echo "round $r of $ROUNDS done"
done

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo
echo "DDL statements per second, 1 client, $ROUNDS rounds of ${SECONDS_PER_RUN}s runs;"
echo "time ratio = base tps / tps, each run against the mean of the base runs around it (median):"
for c in $configs; do
    IFS=: read -r name db schema role <<<"$c"
    [ "$name" = base ] && continue
    tps=$(awk -v n="$name" '$2 == n { print $3 }' "$out/tps" | median)
    ratio=$(awk -v n="$name" '$2 == n { print ($4 + $5) / 2 / $3 }' "$out/tps" | median)
    lo=$(awk -v n="$name" '$2 == n { print ($4 + $5) / 2 / $3 }' "$out/tps" | sort -n | head -1)
    hi=$(awk -v n="$name" '$2 == n { print ($4 + $5) / 2 / $3 }' "$out/tps" | sort -n | tail -1)
    awk -v c="$name" -v t="$tps" -v r="$ratio" -v lo="$lo" -v hi="$hi" \
        'BEGIN { printf "  %-11s %8.1f tps   ratio %.3f   (runs %.3f .. %.3f)\n", c, t, r, lo, hi }'
done
echo "  base: $(awk '{ print $4; print $5 }' "$out/tps" | median) tps"
echo "targets: outside <= 1.02, domain <= 1.10"
