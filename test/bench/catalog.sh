#!/bin/bash
# make bench (part 4): what discovery costs, measured with pgbench in a
# throw-away cluster (pg_virtualenv).  Not a CI test.
#
# A mesh of DOMAINS domains with PRODUCTS products each (10 000 in all by
# default), every product with COLUMNS columns (100 000 in all), a
# description of a few words from a vocabulary of 2 000 and, on every
# tenth, a tag.  An analyst of no domain (1 client) runs:
#   (a) search      datamesh.search() for a rare word, a common word and two
#                   words; latency per query (target < 50 ms), and the ratio
#                   to a hand-written search that reads the same catalogs
#                   without an index (to_tsvector over names and
#                   descriptions, the baseline the index saves)
#   (b) lineage     datamesh.lineage() of a product 10 views deep (through
#                   all four private layers and a second domain), latency
#                   (target < 10 ms), and the ratio to a hand-written
#                   recursive query over pg_depend that only lists the OIDs
#   (c) freshness   datamesh.products with its freshness column (one
#                   lineage walk and index probe per product), against the
#                   same view without it
# BENCH_SECONDS, DOMAINS, PRODUCTS and COLUMNS tune the effort.
set -eu
cd "$(dirname "$0")/../.."
. test/bench/cluster.sh -o fsync=off -o synchronous_commit=off -o full_page_writes=off

SECONDS_PER_RUN=${BENCH_SECONDS:-5}
DOMAINS=${DOMAINS:-50}
PRODUCTS=${PRODUCTS:-200}
COLUMNS=${COLUMNS:-10}
OUT=test/bench/out
mkdir -p "$OUT"

psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE analyst LOGIN;
CREATE EXTENSION datamesh;
CREATE TABLE public.vocabulary AS
SELECT g AS n, w AS word
  FROM generate_series(1, 2000) g,
       LATERAL (SELECT string_agg(chr(97 + ((g * 7 + i * 13 + i * i * g) % 26)), '') AS w
                  FROM generate_series(1, 4 + g % 6) i) x;
SQL

echo "building $((DOMAINS * PRODUCTS)) products with $((DOMAINS * PRODUCTS * COLUMNS)) columns ..."
start=$(date +%s)
for d in $(seq 1 "$DOMAINS"); do
    psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE team_$d;
SELECT datamesh.create_domain('d$d', 'team_$d', description => 'Domain number $d');
DO \$\$
DECLARE
    p int;
    cols text;
BEGIN
    FOR p IN 1..$PRODUCTS LOOP
        SELECT string_agg(format('c%s_%s int', c,
                                 (SELECT word FROM public.vocabulary WHERE n = 1 + (p * 31 + c * 17) % 2000)), ', ')
          INTO cols FROM generate_series(1, $COLUMNS) c;
        EXECUTE format('CREATE TABLE d${d}_raw.t%s (%s)', p, cols);
        PERFORM datamesh.publish_product(format('d${d}_raw.t%s', p)::regclass,
            description => (SELECT string_agg(word, ' ') FROM public.vocabulary
                             WHERE n IN (1 + (p * 13 + $d) % 2000, 1 + (p * 29 + $d * 7) % 2000,
                                         1 + (p * 37 + $d * 3) % 2000)));
        IF p % 10 = 0 THEN
            PERFORM datamesh.set_tag(format('d${d}_data_products.t%s', p)::regclass, 'tier', 'gold');
        END IF;
    END LOOP;
END
\$\$;
SQL
done
echo "built in $(( $(date +%s) - start )) s"

# a chain 10 views deep: raw table -> intermediates -> information_objects
# -> product -> a view of another domain ... -> the product measured
psql -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE d1_raw.chain (id int, v text);
CREATE VIEW d1_intermediates.c1 AS SELECT * FROM d1_raw.chain;
CREATE VIEW d1_intermediates.c2 AS SELECT * FROM d1_intermediates.c1;
CREATE VIEW d1_intermediates.c3 AS SELECT * FROM d1_intermediates.c2;
CREATE VIEW d1_information_objects.c4 AS SELECT * FROM d1_intermediates.c3;
CREATE VIEW d1_information_objects.c5 AS SELECT * FROM d1_information_objects.c4;
SELECT datamesh.publish_product('d1_information_objects.c5', 'chain');
CREATE VIEW d2_intermediates.c6 AS SELECT * FROM d1_data_products.chain;
CREATE VIEW d2_intermediates.c7 AS SELECT * FROM d2_intermediates.c6;
CREATE VIEW d2_information_objects.c8 AS SELECT * FROM d2_intermediates.c7;
CREATE VIEW d2_information_objects.c9 AS SELECT * FROM d2_information_objects.c8;
SELECT datamesh.publish_product('d2_information_objects.c9', 'chain_deep');
VACUUM ANALYZE;
SQL

psql -At -c "SELECT 'index entries: ' || count(*) FROM datamesh.search_entry"

# one pgbench run of a one-line script as analyst: average latency in ms
latency() {
    local file="$OUT/catalog_query.sql"
    printf '%s\n' "$1" > "$file"
    PGOPTIONS="-c role=analyst" pgbench -n -f "$file" -T "$SECONDS_PER_RUN" 2>/dev/null |
        sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p'
}

# the baseline search: the same words over the same catalogs, no index
baseline() {
    cat <<SQL
SELECT count(*) FROM (
  SELECT c.oid FROM datamesh.layers y
    JOIN pg_namespace n ON n.nspname = y.schema AND y.layer = 'data_products'
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind = 'v'
   WHERE to_tsvector('simple', c.relname) || to_tsvector('english', coalesce(obj_description(c.oid, 'pg_class'), ''))
         @@ datamesh.search_query('$1')
  UNION ALL
  SELECT a.attrelid FROM datamesh.layers y
    JOIN pg_namespace n ON n.nspname = y.schema AND y.layer = 'data_products'
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind = 'v'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
   WHERE to_tsvector('simple', a.attname) @@ datamesh.search_query('$1')) x;
SQL
}

rare=$(psql -At -c "SELECT word FROM public.vocabulary WHERE n = 1777")
common=$(psql -At -c "SELECT word FROM public.vocabulary WHERE n = 18")
two="$common $(psql -At -c "SELECT word FROM public.vocabulary WHERE n = 1 + (18 * 13 + 1) % 2000")"

printf '\n%-28s %8s %8s %12s %8s\n' "query" "rows" "ms" "baseline ms" "ratio"
for q in "$rare" "$common" "$two" "gold"; do
    rows=$(PGOPTIONS="-c role=analyst" psql -At -c "SELECT count(*) FROM datamesh.search('$q')")
    ms=$(latency "SELECT count(*) FROM datamesh.search('$q');")
    base=$(latency "$(baseline "$q" | tr '\n' ' ')")
    printf '%-28s %8s %8s %12s %8s\n' "search('$q')" "$rows" "$ms" "$base" \
        "$(echo "scale=3; $ms / $base" | bc)"
done

psql -At -c "SELECT 'lineage rows of the deep product: ' || count(*) || ', deepest ' || max(depth)
               FROM datamesh.lineage('d2_data_products.chain_deep')"
ms=$(latency "SELECT count(*) FROM datamesh.lineage('d2_data_products.chain_deep');")
base=$(latency "WITH RECURSIVE up(oid, depth) AS (SELECT 'd2_data_products.chain_deep'::regclass::oid, 0 UNION SELECT d.refobjid, u.depth + 1 FROM up u JOIN pg_rewrite r ON r.ev_class = u.oid JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> u.oid WHERE u.depth < 20) SELECT count(DISTINCT oid) FROM up;")
printf '%-28s %8s %8s %12s %8s\n' "lineage(chain_deep)" "-" "$ms" "$base" \
    "$(echo "scale=3; $ms / $base" | bc)"
ms=$(latency "SELECT count(freshness) FROM datamesh.products;")
base=$(latency "SELECT count(*) FROM datamesh.products;")
printf '%-28s %8s %8s %12s %8s\n' "products with freshness" "$((DOMAINS * PRODUCTS + 2))" "$ms" "$base" \
    "$(echo "scale=3; $ms / $base" | bc)"
echo "(the baseline of the last line: the same view without its freshness column)"
echo
echo "targets: search < 50 ms, lineage < 10 ms"
