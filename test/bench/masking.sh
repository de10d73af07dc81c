#!/bin/bash
# make bench (part 2): the cost of masking in a data product, measured in a
# throw-away cluster (pg_virtualenv).  Not a CI test.
#
# 1M rows, one core (no parallel workers), JIT off, a reader without
# unmasked access.  Each query runs ROUNDS times, interleaved, and the
# medians are compared within this run:
#   read   COPY (SELECT ...) TO '/dev/null': what an analyst's full read costs
#   scan   SELECT count(c1), count(c2), ...: the masks alone over a bare scan,
#          without output (the strictest ratio)
# against (a) the plain scan of the source and (b) the SQL a team would write
# by hand (pgcrypto hmac, regexp_replace, left/repeat, date_trunc, floor).
set -eu
cd "$(dirname "$0")/../.."
. test/bench/cluster.sh -o shared_buffers=512MB -o jit=off

ROUNDS=${ROUNDS:-7}
ROWS=${ROWS:-1000000}
out=test/bench/out
mkdir -p "$out"

psql -X -q -v ON_ERROR_STOP=1 postgres <<SQL >/dev/null
CREATE ROLE bench_team;
-- a member of the team reads the source and the hand-written view; the
-- product masks for him as for anyone not granted unmasked access
CREATE ROLE bench_reader IN ROLE pg_write_server_files, bench_team;
CREATE EXTENSION pgcrypto;
CREATE EXTENSION datamesh;
SELECT datamesh.create_domain('bench', 'bench_team');
CREATE TABLE bench_raw.people (
    id bigint PRIMARY KEY, email text, name text, zip text, born date,
    income numeric, note text);
INSERT INTO bench_raw.people (id, email, name, zip, born, income, note)
SELECT g, 'user' || g || '@example.com', 'Name ' || g,
       lpad((g % 100000)::text, 5, '0'), date '1950-01-01' + (g % 20000),
       (g % 100000)::numeric + 0.25, 'note ' || (g % 100)
  FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE bench_raw.people;
SELECT datamesh.set_pii('bench_raw.people', 'email', 'email');
SELECT datamesh.set_pii('bench_raw.people', 'name', 'hash');
SELECT datamesh.set_pii('bench_raw.people', 'zip', 'partial(2,0)');
SELECT datamesh.set_pii('bench_raw.people', 'born', 'year');
SELECT datamesh.set_pii('bench_raw.people', 'income', 'bucket(1000)');
SELECT datamesh.publish_product('bench_raw.people');
SELECT datamesh.publish_product('bench_raw.people', 'people_names', ARRAY['id', 'name']::name[]);
-- what a team would write by hand, with a key the reader cannot see
CREATE VIEW bench_intermediates.people_by_hand WITH (security_barrier) AS
SELECT id,
       regexp_replace(email, '^(.)[^@]*(@.*)$', '\1***\2') AS email,
       encode(hmac(name, 'a-secret-key-of-the-team', 'sha256'), 'hex') AS name,
       left(zip, 2) || repeat('*', greatest(length(zip) - 2, 0)) AS zip,
       date_trunc('year', born)::date AS born,
       floor(income / 1000) * 1000 AS income,
       note
  FROM bench_raw.people;
SQL

cols="id, email, name, zip, born, income, note"
counts="count(id), count(email), count(name), count(zip), count(born), count(income), count(note)"
declare -A q
q[read_plain]="COPY (SELECT $cols FROM bench_raw.people) TO '/dev/null'"
q[read_product]="COPY (SELECT $cols FROM bench_data_products.people) TO '/dev/null'"
q[read_hand]="COPY (SELECT $cols FROM bench_intermediates.people_by_hand) TO '/dev/null'"
q[read_plain_hash]="COPY (SELECT id, name FROM bench_raw.people) TO '/dev/null'"
q[read_product_hash]="COPY (SELECT id, name FROM bench_data_products.people_names) TO '/dev/null'"
q[scan_plain]="SELECT $counts FROM bench_raw.people"
q[scan_product]="SELECT $counts FROM bench_data_products.people"
q[scan_hand]="SELECT $counts FROM bench_intermediates.people_by_hand"
q[scan_plain_hash]="SELECT count(id), count(name) FROM bench_raw.people"
q[scan_product_hash]="SELECT count(id), count(name) FROM bench_data_products.people_names"
names="read_plain read_product read_hand read_plain_hash read_product_hash
scan_plain scan_product scan_hand scan_plain_hash scan_product_hash"

script=$(mktemp)
{
    echo "SET max_parallel_workers_per_gather = 0;"
    echo "SET ROLE bench_reader;"
    echo "\\timing on"
    for r in $(seq 0 "$ROUNDS"); do      # round 0 warms the cache
        for n in $names; do
            echo "\\echo $r $n"
            echo "${q[$n]};"
        done
    done
} >"$script"
psql -X -q -d postgres -f "$script" 2>&1 |
    awk '/^[0-9]+ [a-z_]+$/ { r = $1; n = $2; next }
         /^Time: / { if (r > 0) print n, $2 }' >"$out/masking"
rm -f "$script"

median() {
    awk -v n="$1" '$1 == n { print $2 }' "$out/masking" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A m
for n in $names; do m[$n]=$(median "$n"); done

echo
echo "Masking, $ROWS rows, one core, median of $ROUNDS runs (ms):"
for kind in read scan; do
    awk -v k="$kind" -v p="${m[${kind}_plain]}" -v d="${m[${kind}_product]}" -v h="${m[${kind}_hand]}" \
        -v ph="${m[${kind}_plain_hash]}" -v dh="${m[${kind}_product_hash]}" 'BEGIN {
        printf "  %s: plain %.0f, product %.0f, by hand %.0f, plain (id, name) %.0f, hash-only product %.0f\n", k, p, d, h, ph, dh
        printf "  %s: five masks / plain = %.2f (target 1.5), / by hand = %.3f (target 0.15), hash-only / plain = %.2f (target 2)\n", k, d / p, d / h, dh / ph
    }'
done
