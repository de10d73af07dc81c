-- lineage and freshness: what an object reads, through views, materialized
-- views and SQL-standard function bodies, across layers and domains, and the
-- newest _added_at of the raw tables upstream, with who may ask it
\i sql/include/roles.sql
\set VERBOSITY default
SELECT datamesh.create_domain('ln_shop', 'regress_sales');
SELECT datamesh.create_domain('ln_hr', 'regress_hr');

-- ---------------------------------------------------------------------------
-- A chain across layers: raw -> intermediates -> information_objects ->
-- product, with a diamond (two views over one table, joined again)
-- ---------------------------------------------------------------------------
SET ROLE regress_alice;
-- raw tables made by hand; the metadata columns are added by datamesh
CREATE TABLE ln_shop_raw.orders (id int, email text, amount numeric);
CREATE INDEX ON ln_shop_raw.orders (_added_at);
CREATE TABLE ln_shop_raw.customers (id int, name text);
INSERT INTO ln_shop_raw.orders (id, email, amount, _added_at) VALUES
    (1, 'ann@example.com', 10, '2024-03-01 10:00+00'),
    (2, 'bob@example.com', 20, '2024-03-02 10:00+00');
INSERT INTO ln_shop_raw.customers (id, name, _added_at) VALUES
    (1, 'Ann', '2024-01-15 08:00+00');
SELECT datamesh.set_pii('ln_shop_raw.orders', 'email', 'email');
CREATE VIEW ln_shop_intermediates.big AS SELECT id, email, amount FROM ln_shop_raw.orders WHERE amount > 5;
CREATE VIEW ln_shop_intermediates.small AS SELECT id, email, amount FROM ln_shop_raw.orders WHERE amount <= 5;
CREATE VIEW ln_shop_information_objects.orders AS
    SELECT b.id, b.email, b.amount, c.name
      FROM ln_shop_intermediates.big b
      JOIN ln_shop_raw.customers c ON c.id = b.id
    UNION ALL
    SELECT s.id, s.email, s.amount, NULL FROM ln_shop_intermediates.small s;
SELECT datamesh.publish_product('ln_shop_information_objects.orders', 'orders');
-- ln_shop_raw.orders is reached through big and small at depth 3, once;
-- customers at depth 2; mask functions of the product are not lineage
SELECT * FROM datamesh.lineage('ln_shop_data_products.orders');
-- the intermediate alone
SELECT * FROM datamesh.lineage('ln_shop_intermediates.big');
-- a table reads nothing
SELECT count(*) FROM datamesh.lineage('ln_shop_raw.orders');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Across domains, through the product: hr reads the shop's product, builds
-- a materialized view and a product of its own on it
-- ---------------------------------------------------------------------------
SET ROLE regress_bob;
CREATE TABLE ln_hr_raw.staff (id int, name text);
INSERT INTO ln_hr_raw.staff (id, name, _added_at) VALUES (1, 'Sam', '2024-02-01 00:00+00');
CREATE VIEW ln_hr_intermediates.order_counts AS
    SELECT count(*) AS n FROM ln_shop_data_products.orders;
CREATE MATERIALIZED VIEW ln_hr_information_objects.staff_orders AS
    SELECT s.name, o.n FROM ln_hr_raw.staff s, ln_hr_intermediates.order_counts o;
SELECT datamesh.publish_product('ln_hr_information_objects.staff_orders');
SELECT * FROM datamesh.lineage('ln_hr_data_products.staff_orders');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Functions: an SQL-standard body records what it reads, a PL/pgSQL body
-- and an SQL body given as a string record nothing (shown, nothing behind)
-- ---------------------------------------------------------------------------
SET ROLE regress_alice;
CREATE FUNCTION ln_shop_intermediates.total() RETURNS numeric
    LANGUAGE sql STABLE
    BEGIN ATOMIC SELECT sum(amount) FROM ln_shop_raw.orders; END;
CREATE FUNCTION ln_shop_intermediates.customer_count() RETURNS bigint
    LANGUAGE sql STABLE
    RETURN (SELECT count(*) FROM ln_shop_raw.customers);
CREATE FUNCTION ln_shop_intermediates.total_plpgsql(factor int) RETURNS numeric
    LANGUAGE plpgsql STABLE
    AS $$ BEGIN RETURN factor * (SELECT sum(amount) FROM ln_shop_raw.orders); END $$;
CREATE FUNCTION ln_shop_intermediates.total_string(text, ln_shop_raw.customers) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$ SELECT sum(amount) FROM ln_shop_raw.orders $$;
CREATE VIEW ln_shop_information_objects.kpis AS
    SELECT ln_shop_intermediates.total() AS total,
           ln_shop_intermediates.customer_count() AS customers,
           ln_shop_intermediates.total_plpgsql(2) AS doubled,
           ln_shop_intermediates.total_string('x', NULL) AS again;
SELECT * FROM datamesh.lineage('ln_shop_information_objects.kpis');
-- a function that calls a function: the walk goes on through both
CREATE FUNCTION ln_shop_intermediates.total_twice() RETURNS numeric
    LANGUAGE sql STABLE
    RETURN 2 * ln_shop_intermediates.total();
CREATE VIEW ln_shop_information_objects.kpis2 AS SELECT ln_shop_intermediates.total_twice() AS t;
SELECT * FROM datamesh.lineage('ln_shop_information_objects.kpis2');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Foreign and partitioned tables, and objects outside the mesh
-- ---------------------------------------------------------------------------
-- a foreign table in raw_external (a wrapper without handler: never queried)
CREATE FOREIGN DATA WRAPPER regress_ln_fdw;
CREATE SERVER regress_ln_server FOREIGN DATA WRAPPER regress_ln_fdw;
CREATE FOREIGN TABLE ln_shop_raw_external.rates (currency text, rate numeric)
    SERVER regress_ln_server;
SET ROLE regress_alice;
CREATE TABLE ln_shop_raw.events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE ln_shop_raw.events_2023 PARTITION OF ln_shop_raw.events
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE ln_shop_raw.events_2024 PARTITION OF ln_shop_raw.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ON ln_shop_raw.events (_added_at DESC);
INSERT INTO ln_shop_raw.events (id, at, _added_at) VALUES
    (1, '2023-06-01', '2024-05-01 00:00+00'),
    (2, '2024-06-01', '2024-04-01 00:00+00');
CREATE VIEW ln_shop_intermediates.mixed AS
    SELECT e.id, r.rate FROM ln_shop_raw.events e, ln_shop_raw_external.rates r;
SELECT * FROM datamesh.lineage('ln_shop_intermediates.mixed');
RESET ROLE;
-- a view outside the mesh that reads a product
CREATE VIEW public.ln_report AS SELECT count(*) AS n FROM ln_hr_data_products.staff_orders;
SELECT * FROM datamesh.lineage('public.ln_report');

-- ---------------------------------------------------------------------------
-- A product over a chain of 10 views
-- ---------------------------------------------------------------------------
SET ROLE regress_alice;
DO $$
BEGIN
    CREATE VIEW ln_shop_intermediates.step1 AS SELECT id, amount FROM ln_shop_raw.orders;
    FOR i IN 2..10 LOOP
        EXECUTE format('CREATE VIEW ln_shop_intermediates.step%s AS SELECT id, amount FROM ln_shop_intermediates.step%s', i, i - 1);
    END LOOP;
END
$$;
SELECT datamesh.publish_product('ln_shop_intermediates.step10', 'deep');
SELECT * FROM datamesh.lineage('ln_shop_data_products.deep');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Freshness: the newest _added_at of the raw tables upstream
-- ---------------------------------------------------------------------------
SET TimeZone = 'UTC';
-- the orders product: orders (2024-03-02, by its index) and customers
-- (2024-01-15, no index: a scan)
SELECT datamesh.freshness('ln_shop_data_products.orders');
-- a raw table counts itself
SELECT datamesh.freshness('ln_shop_raw.customers');
-- hr's product: its own staff (2024-02-01) and, through the shop's product,
-- the shop's orders
SELECT datamesh.freshness('ln_hr_data_products.staff_orders');
-- a contract's freshness check measures the same (the shop's newer rows
-- count for hr's product): the age since 2024-03-02, not since 2024-02-01
SELECT datamesh.publish_contract('ln_hr_data_products.staff_orders', '{
  "apiVersion": "v3.1.0", "kind": "DataContract", "id": "ln_hr.staff_orders",
  "version": "1.0.0", "status": "active",
  "schema": [{"name": "staff_orders", "physicalName": "ln_hr_data_products.staff_orders"}],
  "slaProperties": [{"property": "freshness", "value": 1, "unit": "d"}]}');
SELECT status,
       substring(detail FROM '(\d+) seconds old')::bigint
         = extract(epoch FROM now() - datamesh.freshness('ln_hr_data_products.staff_orders'))::bigint
         AS same_as_freshness
  FROM datamesh.check_contract('ln_hr_data_products.staff_orders') WHERE check_name = 'freshness';
DELETE FROM datamesh.contract WHERE id = 'ln_hr.staff_orders';
-- partitioned table: the newest over all partitions, through a descending
-- index; the foreign table is skipped
SELECT datamesh.freshness('ln_shop_intermediates.mixed');
-- a function's SQL-standard body leads to the raw table too
SELECT datamesh.freshness('ln_shop_information_objects.kpis2');
-- the products view shows the same
SELECT product, freshness FROM datamesh.products WHERE domain LIKE 'ln\_%' ORDER BY product;
-- rows count under the statement's snapshot: a newer row rolled back does not
BEGIN;
INSERT INTO ln_shop_raw.orders (id, amount, _added_at) VALUES (3, 1, '2025-01-01 00:00+00');
SELECT datamesh.freshness('ln_shop_data_products.orders');
ROLLBACK;
SELECT datamesh.freshness('ln_shop_data_products.orders');
-- a deleted row no longer counts
BEGIN;
DELETE FROM ln_shop_raw.orders WHERE id = 2;
SELECT datamesh.freshness('ln_shop_data_products.orders');
ROLLBACK;

-- NULL: no raw table upstream, a raw table without rows, only a foreign
-- table, outside the mesh, a NULL argument
SET ROLE regress_alice;
CREATE TABLE ln_shop_information_objects.manual (id int);
CREATE VIEW ln_shop_intermediates.manual_v AS SELECT id FROM ln_shop_information_objects.manual;
CREATE TABLE ln_shop_raw.empty (id int);
CREATE INDEX ON ln_shop_raw.empty (_added_at);
CREATE VIEW ln_shop_intermediates.empty_v AS SELECT id FROM ln_shop_raw.empty;
CREATE VIEW ln_shop_intermediates.rates_v AS SELECT rate FROM ln_shop_raw_external.rates;
SELECT datamesh.freshness('ln_shop_intermediates.manual_v') AS no_raw,
       datamesh.freshness('ln_shop_intermediates.empty_v') AS no_rows,
       datamesh.freshness('ln_shop_intermediates.rates_v') AS only_foreign,
       datamesh.freshness(NULL) AS null_argument;
RESET ROLE;
CREATE TABLE public.ln_plain (_added_at timestamptz DEFAULT now());
INSERT INTO public.ln_plain DEFAULT VALUES;
SELECT datamesh.freshness('public.ln_plain') AS outside_the_mesh;

-- ---------------------------------------------------------------------------
-- Who may ask: everyone for a product; for anything else members of its
-- domain and roles that may read it
-- ---------------------------------------------------------------------------
SET ROLE regress_carol;
-- an analyst of no domain: every product
SELECT datamesh.freshness('ln_shop_data_products.orders');
SELECT product, freshness FROM datamesh.products WHERE domain LIKE 'ln\_%' ORDER BY product;
-- not a private object, even named by OID (the schema would refuse its name)
SELECT datamesh.freshness((SELECT oid FROM pg_class WHERE relname = 'orders'
                             AND relnamespace = 'ln_shop_raw'::regnamespace)::regclass);
SELECT datamesh.freshness('ln_shop_raw.orders');
-- and not a relation outside the mesh that it may not read
SELECT datamesh.freshness('public.ln_report');
RESET ROLE;
GRANT SELECT ON public.ln_report TO regress_carol;
SET ROLE regress_carol;
SELECT datamesh.freshness('public.ln_report');
RESET ROLE;
-- hr may not ask about the shop's private objects
SET ROLE regress_bob;
SELECT datamesh.freshness((SELECT oid FROM pg_class WHERE relname = 'big'
                             AND relnamespace = 'ln_shop_intermediates'::regnamespace)::regclass);
-- but about its own, which read the shop's product
SELECT datamesh.freshness('ln_hr_intermediates.order_counts');
RESET ROLE;
-- the shop's members may ask about their private objects
SET ROLE regress_alice;
SELECT datamesh.freshness('ln_shop_intermediates.big');
RESET ROLE;
-- a regclass constant records a pg_depend edge to a relation whose rows
-- never reach the view: the walk follows only what the view's owner may
-- read, so no view of one's own makes freshness a window on a private table
SELECT oid AS orders_oid FROM pg_class
 WHERE relname = 'orders' AND relnamespace = 'ln_shop_raw'::regnamespace \gset
SET ROLE regress_carol;
CREATE TEMP VIEW ln_spy AS SELECT :'orders_oid'::regclass AS r;
SELECT count(*) AS edges FROM pg_depend d JOIN pg_rewrite w ON d.objid = w.oid
 WHERE w.ev_class = 'ln_spy'::regclass AND d.refobjid = :'orders_oid'::oid;
SELECT * FROM datamesh.lineage('ln_spy');
SELECT datamesh.freshness('ln_spy');
DROP VIEW ln_spy;
RESET ROLE;
-- inside another domain, rule 2 refuses such a view in the first place
SET ROLE regress_bob;
CREATE VIEW ln_hr_intermediates.borrowed AS SELECT id, :'orders_oid'::regclass AS r FROM ln_hr_raw.staff;
RESET ROLE;
-- lineage reads only catalogs that everyone may read
SET ROLE regress_carol;
SELECT depth, object, kind FROM datamesh.lineage('ln_hr_data_products.staff_orders') WHERE depth <= 2;
RESET ROLE;

-- an inheritance child outside the raw layers is not raw data: it does not
-- count for its parent's freshness (a partition does, wherever it lives)
CREATE TABLE ln_shop_raw.inh (v text);
INSERT INTO ln_shop_raw.inh (v, _added_at) VALUES ('a', '2020-01-01 00:00+00');
CREATE TABLE ln_shop_intermediates.inh_child (w int) INHERITS (ln_shop_raw.inh);
INSERT INTO ln_shop_intermediates.inh_child (v, _added_at, w) VALUES ('b', '2022-01-01 00:00+00', 1);
SELECT datamesh.freshness('ln_shop_raw.inh') AS parent_only;
DROP TABLE ln_shop_intermediates.inh_child, ln_shop_raw.inh;

-- invalid input: an unknown relation, a relation gone
SELECT * FROM datamesh.lineage('ln_shop_raw.nothing');
SELECT datamesh.freshness('ln_shop_raw.nothing');
SELECT * FROM datamesh.lineage(NULL);
SELECT * FROM datamesh.lineage(4294967295::oid::regclass);
SELECT datamesh.freshness(4294967295::oid::regclass);

-- ---------------------------------------------------------------------------
-- cleanup
-- ---------------------------------------------------------------------------
DROP VIEW public.ln_report;
DROP TABLE public.ln_plain;
SELECT datamesh.drop_domain('ln_hr', true);
SELECT datamesh.drop_domain('ln_shop', true);
DROP SERVER regress_ln_server;
DROP FOREIGN DATA WRAPPER regress_ln_fdw;
SELECT * FROM datamesh.verify();
