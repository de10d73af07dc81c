#!/bin/bash
# make bench (part 3): what data contracts cost DDL, measured with pgbench in
# a throw-away cluster (pg_virtualenv).  Not a CI test.
#
# Two databases hold the same mesh: DOMAINS domains of PRODUCTS products
# each (2000 in all by default), each product over a raw table of its own
# (id int PRIMARY KEY, v text NOT NULL, note text NOT NULL).  In
# bench_contract every product also has a published ODCS v3.1.0 contract
# promising id (required, unique, primary key) and v (required); note is
# listed but not promised.  bench_mesh has no contract; bench_nodm is a copy
# of bench_mesh without the extension (the same tables and views, no
# datamesh); bench_base has no datamesh and nothing else.  1 client, one
# DDL statement per transaction:
#   (a) untouched   DDL that touches no product (test/bench/ddl.pgbench) in
#                   a domain schema by a team member, and in a plain schema
#                   by a plain role: bench_contract against bench_mesh,
#                   time ratio (target <= 1.05)
#   (b) touched     NOT NULL of the column note of one product's source
#                   dropped and set again (test/bench/contract_touch.pgbench),
#                   by a team member: the drop makes the pre-commit verdict
#                   judge that product, which passes.  Latency per script
#                   in bench_contract minus bench_mesh = the check's cost
#                   (target < 5 ms)
#   (c) domain      ddl.pgbench in a domain schema by a team member in
#                   bench_contract against a plain schema in bench_base,
#                   time ratio (target <= 1.10); and against the same schema
#                   and role in bench_nodm, which separates datamesh's cost
#                   from that of catalogs holding 2000 more products
# Each run of a configuration sits between two runs of its baseline, and
# before each run the database's catalogs are vacuumed, so that drift and
# catalog bloat from earlier runs cancel out.  The cluster runs in
# /dev/shm with fsync off, as in run.sh.  ROUNDS, BENCH_SECONDS, DOMAINS
# and PRODUCTS tune the effort.
set -eu
cd "$(dirname "$0")/../.."
. test/bench/cluster.sh -o fsync=off -o synchronous_commit=off -o full_page_writes=off

ROUNDS=${ROUNDS:-11}
SECONDS_PER_RUN=${BENCH_SECONDS:-3}
DOMAINS=${DOMAINS:-20}
PRODUCTS=${PRODUCTS:-100}
out=test/bench/out
mkdir -p "$out"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

psql -X -q -v ON_ERROR_STOP=1 postgres <<'SQL'
CREATE ROLE bench_user;
CREATE ROLE bench_team;
CREATE ROLE bench_dev IN ROLE bench_team;
CREATE DATABASE bench_base;
CREATE DATABASE bench_mesh;
SQL
psql -X -q -v ON_ERROR_STOP=1 -d bench_base -c "CREATE SCHEMA plain AUTHORIZATION bench_user"

# the mesh, one domain per transaction
start=$(now)
psql -X -q -v ON_ERROR_STOP=1 -v domains="$DOMAINS" -v products="$PRODUCTS" -d bench_mesh <<'SQL' >/dev/null
CREATE EXTENSION datamesh;
CREATE SCHEMA plain AUTHORIZATION bench_user;
SELECT set_config('bench.domains', :'domains', false),
       set_config('bench.products', :'products', false);
DO $$
DECLARE
    d int;
    p int;
    raw text;
BEGIN
    FOR d IN 1 .. current_setting('bench.domains')::int LOOP
        PERFORM datamesh.create_domain('d' || d, 'bench_team');
        raw := 'd' || d || '_raw';
        FOR p IN 1 .. current_setting('bench.products')::int LOOP
            EXECUTE format('CREATE TABLE %I.%I (id int PRIMARY KEY, v text NOT NULL, note text NOT NULL)',
                           raw, 't' || p);
            PERFORM datamesh.publish_product(format('%I.%I', raw, 't' || p)::regclass);
        END LOOP;
        COMMIT;
    END LOOP;
END
$$;
SQL
mesh_seconds=$(elapsed "$start")

# the same mesh, with a contract for every product
start=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE bench_contract TEMPLATE bench_mesh"
psql -X -q -v ON_ERROR_STOP=1 -d bench_contract <<'SQL' >/dev/null
DO $$
DECLARE
    product record;
    properties jsonb;
    n int := 0;
BEGIN
    FOR product IN
        SELECT c.oid, n.nspname, c.relname, left(n.nspname, -length('_data_products')) AS key
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname LIKE '%\_data\_products' AND c.relkind = 'v'
         ORDER BY c.oid
    LOOP
        -- every column with its type; id and v promised, note not
        SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                   'name', a.attname,
                   'physicalType', format_type(a.atttypid, a.atttypmod),
                   'required', CASE WHEN a.attname IN ('id', 'v') THEN true END,
                   'unique', CASE WHEN a.attname = 'id' THEN true END,
                   'primaryKey', CASE WHEN a.attname = 'id' THEN true END))
                   ORDER BY a.attnum)
          INTO properties
          FROM pg_attribute a
         WHERE a.attrelid = product.oid AND a.attnum > 0 AND NOT a.attisdropped;
        PERFORM datamesh.publish_contract(product.oid, jsonb_build_object(
            'apiVersion', 'v3.1.0',
            'kind', 'DataContract',
            'id', product.key || '.' || product.relname,
            'version', '1.0.0',
            'status', 'active',
            'schema', jsonb_build_array(jsonb_build_object(
                'name', product.relname,
                'physicalName', product.nspname || '.' || product.relname,
                'properties', properties))));
        n := n + 1;
        IF n % 100 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END
$$;
SQL
contract_seconds=$(elapsed "$start")

# the same tables and views without datamesh
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE bench_nodm TEMPLATE bench_mesh"
psql -X -q -v ON_ERROR_STOP=1 -d bench_nodm -c "DROP EXTENSION datamesh CASCADE" 2>/dev/null
products=$(psql -X -At -d bench_contract -c "SELECT count(*) FROM datamesh.products")
contracts=$(psql -X -At -d bench_contract -c "SELECT count(DISTINCT product) FROM datamesh.contract")
in_mesh=$(psql -X -At -d bench_mesh -c "SELECT count(*) FROM datamesh.contract")
echo "set-up: $products products in ${mesh_seconds}s, $contracts contracts in ${contract_seconds}s more (bench_mesh: $in_mesh contracts)"

# the product whose source (b) alters: one in the middle of the mesh
touched=d$(((DOMAINS + 1) / 2))_raw.t$(((PRODUCTS + 1) / 2))

# (b) measures a check that happens: loosening a promised column of that
# product must fail at commit
if ! psql -X -q -d bench_contract -c "ALTER TABLE $touched ALTER COLUMN v DROP NOT NULL" 2>&1 |
    grep -q "would break the data contract"; then
    echo "the contract of the product over $touched was not checked" >&2
    exit 1
fi

run() {
    # $1 database, $2 schema, $3 role, $4 script: prints transactions per second;
    # only the catalogs that DDL bloats are vacuumed (a database-wide VACUUM
    # of 2000 products would dominate the run time)
    psql -X -q -d "$1" -c "VACUUM pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_type,
        pg_catalog.pg_depend, pg_catalog.pg_shdepend, pg_catalog.pg_index, pg_catalog.pg_constraint" >/dev/null
    PGOPTIONS="-c role=$3" pgbench -n -c 1 -T "$SECONDS_PER_RUN" -D schema="$2" -D table="$touched" \
        -f "test/bench/$4.pgbench" "$1" 2>/dev/null |
        sed -nE 's/^tps = ([0-9.]+).*/\1/p'
}

# name, then measured and baseline as database:schema:role:script
configs="untouched_domain bench_contract:d1_intermediates:bench_dev:ddl bench_mesh:d1_intermediates:bench_dev:ddl
untouched_plain bench_contract:plain:bench_user:ddl bench_mesh:plain:bench_user:ddl
touched bench_contract:-:bench_dev:contract_touch bench_mesh:-:bench_dev:contract_touch
domain bench_contract:d1_intermediates:bench_dev:ddl bench_base:plain:bench_user:ddl
domain_same bench_contract:d1_intermediates:bench_dev:ddl bench_nodm:d1_intermediates:bench_dev:ddl"

# warm up caches before measuring
while read -r name measured baseline; do
    IFS=: read -r db schema role script <<<"$measured"
    SECONDS_PER_RUN=2 run "$db" "$schema" "$role" "$script" >/dev/null
    IFS=: read -r db schema role script <<<"$baseline"
    SECONDS_PER_RUN=2 run "$db" "$schema" "$role" "$script" >/dev/null
done <<<"$configs"

: >"$out/contracts"
for r in $(seq 1 "$ROUNDS"); do
    while read -r name measured baseline; do
        IFS=: read -r bdb bschema brole bscript <<<"$baseline"
        IFS=: read -r db schema role script <<<"$measured"
        b1=$(run "$bdb" "$bschema" "$brole" "$bscript")
        t=$(run "$db" "$schema" "$role" "$script")
        b2=$(run "$bdb" "$bschema" "$brole" "$bscript")
        echo "$r $name $t $b1 $b2" >>"$out/contracts"
    done <<<"$configs"
    echo "round $r of $ROUNDS done"
done

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# $1 configuration, $2 awk expression over t (tps), b1 and b2 (baseline tps)
stat() {
    awk -v n="$1" '$2 == n { t = $3; b1 = $4; b2 = $5; print '"$2"' }' "$out/contracts" | median
}
ratio() {
    stat "$1" '(b1 + b2) / 2 / t'
}
# the lowest and highest ratio of the runs
spread() {
    awk -v n="$1" '$2 == n { print ($4 + $5) / 2 / $3 }' "$out/contracts" | sort -n |
        awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "runs %.3f .. %.3f", lo, hi }'
}

echo
echo "Data contracts and DDL, $products products ($contracts with a contract), 1 client,"
echo "$ROUNDS rounds of ${SECONDS_PER_RUN}s runs, each run against the mean of the baseline runs around it (median):"
awk -v d="$(ratio untouched_domain)" -v p="$(ratio untouched_plain)" \
    -v ds="$(spread untouched_domain)" -v ps="$(spread untouched_plain)" 'BEGIN {
    printf "  (a) DDL touching no product, with contracts / without (target <= 1.05):\n"
    printf "      domain schema, team member: time ratio %.3f (%s)\n", d, ds
    printf "      plain schema, plain role:   time ratio %.3f (%s)\n", p, ps }'
awk -v p="$touched" -v t="$(stat touched '1000 / t')" -v b="$(stat touched '2000 / (b1 + b2)')" \
    -v c="$(stat touched '1000 / t - 2000 / (b1 + b2)')" 'BEGIN {
    printf "  (b) DDL touching one contracted product (NOT NULL of %s.note dropped, then set):\n", p
    printf "      %.3f ms per drop and set with contracts, %.3f ms without (medians)\n", t, b
    printf "      the check costs %.3f ms (median of the per-run differences; target < 5 ms)\n", c }'
awk -v r="$(ratio domain)" -v s="$(spread domain)" \
    -v r2="$(ratio domain_same)" -v s2="$(spread domain_same)" 'BEGIN {
    printf "  (c) DDL in a domain schema by a team member, contracts included, / no datamesh (target <= 1.10):\n"
    printf "      against an empty database:                time ratio %.3f (%s)\n", r, s
    printf "      against the same tables and views (nodm): time ratio %.3f (%s)\n", r2, s2 }'
echo "  tps: $(stat domain t) in a domain schema with contracts, $(stat domain '(b1 + b2) / 2') in an empty database," \
    "$(stat domain_same '(b1 + b2) / 2') in bench_nodm"
