-- datamesh demo: two domain teams share one warehouse.
-- Run by test/demo.sh on a throw-away cluster; errors below are on purpose.
\set VERBOSITY default
\pset pager off

\echo
\echo '== 1. The admin installs the extension and hands out two domains'
CREATE ROLE sales_team;
CREATE ROLE marketing_team;
CREATE ROLE alice LOGIN IN ROLE sales_team;      -- works in sales
CREATE ROLE mark LOGIN IN ROLE marketing_team;   -- works in marketing
CREATE ROLE ana LOGIN;                           -- an analyst of no team
CREATE EXTENSION datamesh;
SELECT datamesh.create_domain('sales', 'sales_team', description => 'Web shop orders');
SELECT datamesh.create_domain('marketing', 'marketing_team', stage => 'prod');
SELECT domain, owner, stage, description FROM datamesh.domains;
-- each domain has six layer schemas, owned by its team
\dn sales_*

\echo
\echo '== 2. Sales ingests raw data: the metadata columns are added for them'
SET ROLE alice;
CREATE TABLE sales_raw.orders (
    id       bigint PRIMARY KEY,
    customer text NOT NULL,
    email    text,
    amount   numeric(12,2),
    payload  jsonb
);
\d sales_raw.orders
INSERT INTO sales_raw.orders (id, customer, email, amount, _source_system)
VALUES (1, 'Ann', 'ann@example.com', 42.50, 'shop'),
       (2, 'Bob', 'bob@example.org', 17.00, 'shop');
-- the table belongs to the team, not to alice, so every member can change it
SELECT relname, relowner::regrole FROM pg_class WHERE oid = 'sales_raw.orders'::regclass;
-- the team builds on its own private layers freely
CREATE VIEW sales_intermediates.order_totals AS
    SELECT customer, sum(amount) AS total FROM sales_raw.orders GROUP BY customer;
SELECT * FROM sales_intermediates.order_totals ORDER BY customer;
-- classify personal data: every product that shows the column masks it
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.orders.email IS 'pii:email';
-- JSON as it comes from a source system: a raw table, one row per element,
-- and the newest row per key (nightly exports repeat rows)
SELECT datamesh.create_raw_table('sales', 'web_events', 'webshop', 'page_view');
SELECT datamesh.ingest('sales_raw.web_events',
    '[{"session": "s1", "page": "/cart"}, {"session": "s2", "page": "/"}, {"session": "s1", "page": "/checkout"}]');
SELECT datamesh.create_latest_view('sales_raw.web_events', 'session');
SELECT session, payload->>'page' AS page FROM sales_intermediates.web_events_latest ORDER BY session;
RESET ROLE;

\echo
\echo '== 3. What the database refuses'
SET ROLE mark;
-- rule 2: marketing may not read sales' private data (the schema is closed anyway) ...
SELECT * FROM sales_raw.orders;
RESET ROLE;
-- ... and not even a superuser may build a view across the boundary
CREATE VIEW marketing_prod_intermediates.customers AS SELECT customer FROM sales_raw.orders;
SET ROLE alice;
-- rule 4: sales may not hand its private tables to another team
GRANT SELECT ON sales_raw.orders TO mark;
-- rule 1: data product views are generated, never hand-made
CREATE VIEW sales_data_products.orders AS SELECT id, amount FROM sales_raw.orders;
-- rule 3: saved ad hoc queries are not a foundation for anything
CREATE VIEW sales_queries.big_orders AS SELECT id, amount FROM sales_raw.orders WHERE amount > 20;
CREATE VIEW sales_information_objects.big AS SELECT id FROM sales_queries.big_orders;
-- rule 6: a domain's schemas come and go only with the domain
DROP SCHEMA sales_queries CASCADE;
-- raw tables keep their metadata columns
ALTER TABLE sales_raw.orders DROP COLUMN _added_at;
-- a bad label is refused with the valid ones listed
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.orders.customer IS 'pii:scramble';
RESET ROLE;

\echo
\echo '== 4. Sales publishes a data product: PII masked for everyone else'
SET ROLE alice;
SELECT datamesh.set_pii('sales_raw.orders', 'customer', 'hash');
SELECT datamesh.publish_product('sales_raw.orders', description => 'Web shop orders, one row each');
SELECT product, source, version, status, description FROM datamesh.products;
SELECT * FROM datamesh.pii_columns;
RESET ROLE;
SET ROLE mark;
-- marketing reads the product: e-mail masked, customer pseudonymized (the same name gives the same pseudonym)
SELECT id, customer, email, amount FROM sales_data_products.orders ORDER BY id;
-- and builds on it in its own domain
CREATE VIEW marketing_prod_intermediates.revenue AS SELECT sum(amount) AS revenue FROM sales_data_products.orders;
SELECT * FROM marketing_prod_intermediates.revenue;
-- nobody outside sales can compute the pseudonym of a name of his choosing
SELECT datamesh.mask_hash('Ann'::text, 'sales_data_products.orders');
RESET ROLE;
-- a role granted unmasked access reads clear text; everyone else, superusers included, does not
CREATE ROLE auditor LOGIN IN ROLE marketing_team;
SET ROLE alice;
SELECT datamesh.grant_unmasked('sales_data_products.orders', 'auditor');
RESET ROLE;
SET ROLE auditor;
SELECT id, customer, email FROM sales_data_products.orders ORDER BY id;
RESET ROLE;
SELECT id, customer, email FROM sales_data_products.orders ORDER BY id;
-- revoking it takes effect at the auditor's next query
SET ROLE alice;
SELECT datamesh.revoke_unmasked('sales_data_products.orders', 'auditor');
RESET ROLE;
SET ROLE auditor;
SELECT id, customer, email FROM sales_data_products.orders ORDER BY id;
RESET ROLE;
-- products are generated: dropping one by hand is refused, even with CASCADE
DROP VIEW sales_data_products.orders CASCADE;

\echo
\echo '== 4b. Every masking strategy, and masking that fails closed'
SET ROLE alice;
CREATE TABLE sales_raw.people (
    id     int PRIMARY KEY,
    phone  text,
    born   date,
    seen   timestamptz,
    salary numeric(9,2),
    note   text
);
INSERT INTO sales_raw.people (id, phone, born, seen, salary, note)
VALUES (1, '+49 30 1234567', '1980-05-17', '2024-03-05 12:30+00', 54321.55, 'allergic to nuts'),
       (2, '+1 212 5550199', '1992-11-02', '2024-07-21 08:00+00', 61000.00, NULL);
-- a view of the team, published first ...
CREATE VIEW sales_raw.people_v AS SELECT * FROM sales_raw.people;
SELECT datamesh.publish_product('sales_raw.people_v', 'people');
-- ... classified after: the product follows at once, through the view
SELECT datamesh.set_pii('sales_raw.people', 'phone', 'partial(3,2)');
SELECT datamesh.set_pii('sales_raw.people', 'born', 'year');
SELECT datamesh.set_pii('sales_raw.people', 'seen', 'month');
SELECT datamesh.set_pii('sales_raw.people', 'salary', 'bucket(10000)');
SELECT datamesh.set_pii('sales_raw.people', 'note');          -- redact
RESET ROLE;
SET ROLE mark;
SELECT * FROM sales_data_products.people ORDER BY id;
RESET ROLE;
-- a source whose rows are sorted by a classified column cannot be published
SET ROLE alice;
CREATE VIEW sales_intermediates.by_salary AS SELECT id FROM sales_raw.people ORDER BY salary DESC;
SELECT datamesh.publish_product('sales_intermediates.by_salary');
RESET ROLE;
-- the admin checks that every product is what datamesh would make of it now
SELECT * FROM datamesh.verify();

\echo
\echo '== 4c. A data contract binds the product, enforced at commit'
SET ROLE alice;
SELECT datamesh.publish_contract('sales_data_products.orders', $$
{ "apiVersion": "v3.1.0", "kind": "DataContract", "id": "sales.orders",
  "version": "1.0.0", "status": "active",
  "schema": [{ "name": "orders", "physicalName": "sales_data_products.orders",
    "properties": [
      { "name": "id", "physicalType": "bigint", "required": true, "unique": true,
        "primaryKey": true, "primaryKeyPosition": 1 },
      { "name": "email", "logicalType": "string",
        "customProperties": [{ "property": "pii", "value": "email" }] },
      { "name": "amount", "physicalType": "numeric(12,2)" }],
    "quality": [{ "id": "not_empty", "metric": "rowCount", "mustBeGreaterThan": 0 }] }],
  "slaProperties": [{ "property": "freshness", "value": 1, "unit": "d" }] } $$);
SELECT product, contract_version, contract_status FROM datamesh.products ORDER BY product;
-- the contract's checks against today's data, the same for every caller
SELECT * FROM datamesh.check_contract('sales_data_products.orders');
-- a change that breaks the promise fails at commit, whatever path it takes
ALTER TABLE sales_raw.orders DROP CONSTRAINT orders_pkey;
SELECT datamesh.unset_pii('sales_raw.orders', 'email');
-- the verdict is on the net effect: a migration that ends compatible commits
BEGIN;
ALTER TABLE sales_raw.orders DROP CONSTRAINT orders_pkey;
ALTER TABLE sales_raw.orders ADD PRIMARY KEY (id);
COMMIT;
-- the changelog a new version would have
SELECT * FROM datamesh.diff_contracts(datamesh.contract('sales_data_products.orders'),
    jsonb_set(jsonb_set(datamesh.contract('sales_data_products.orders'), '{version}', '"1.1.0"'),
              '{schema,0,properties}',
              (datamesh.contract('sales_data_products.orders') #> '{schema,0,properties}') - 2));
-- the product is retired the right way: deprecated with an end of support (today, here)
SELECT datamesh.publish_contract('sales_data_products.orders',
    datamesh.contract('sales_data_products.orders')
    || jsonb_build_object('version', '1.1.0', 'status', 'deprecated',
                          'customProperties', jsonb_build_array(jsonb_build_object(
                              'property', 'endOfSupport', 'value', to_char(current_date, 'YYYY-MM-DD')))));
RESET ROLE;

\echo
\echo '== 4d. Discovery: descriptions, tags, search'
-- the admin defines a tag and the values it takes
SELECT datamesh.define_tag('tier', ARRAY['gold', 'silver', 'bronze'], 'What the team promises');
SET ROLE alice;
SELECT datamesh.describe('sales_data_products.orders', 'amount', 'Order total in euros, VAT included');
SELECT datamesh.set_tag('sales_data_products.orders', 'tier', 'gold');
SELECT datamesh.set_domain_tag('sales', 'contact', 'sales-data@example.com');
-- a defined tag takes only its values
SELECT datamesh.set_tag('sales_data_products.orders', 'tier', 'platinum');
RESET ROLE;
-- an analyst of no team finds the product by a word of its description, and
-- sees its owner, tags, contract and freshness
SET ROLE ana;
SELECT kind, object, matched, rank FROM datamesh.search('web shop');
SELECT kind, object, matched FROM datamesh.search('euros');
SELECT p.product, d.owner, p.tags, p.contract_version, p.contract_status, p.freshness
  FROM datamesh.products p JOIN datamesh.domains d USING (domain);
SELECT * FROM datamesh.tags;
-- where the product's data comes from
SELECT * FROM datamesh.lineage('sales_data_products.orders');
RESET ROLE;
-- marketing's view, upstream across domains, through the sales product
SET ROLE mark;
SELECT * FROM datamesh.lineage('marketing_prod_intermediates.revenue');
RESET ROLE;
-- governance: what to look at (a column of e-mail addresses that nobody
-- classified is found by its values, whatever its name)
SET ROLE alice;
CREATE TABLE sales_raw.newsletter (id int, contact text);
INSERT INTO sales_raw.newsletter VALUES (1, 'ann@example.com'), (2, 'bob@example.org');
RESET ROLE;
SELECT domain, object, rule, severity FROM datamesh.lint() ORDER BY domain, object, rule;
SELECT message FROM datamesh.lint('sales') WHERE rule = 'pii_values';
-- the mesh as a picture: paste it into a Markdown file (GitHub draws it)
-- or use format 'dot' with Graphviz (dot -Tsvg)
SELECT datamesh.mesh_graph();

\echo
\echo '== 5. The escape hatch is for superusers only'
SET ROLE alice;
SET datamesh.enforce = off;
RESET ROLE;

\echo
\echo '== 6. Domains are dropped as a whole'
-- marketing's view reads a sales product: dropping sales is refused ...
SELECT datamesh.drop_domain('sales');
-- ... unless the admin forces it, which drops marketing's view too (the
-- contract of the orders product is deprecated and past its end of support,
-- so the product may go: its versions retire)
SELECT datamesh.drop_domain('sales', force => true);
SELECT to_regclass('marketing_prod_intermediates.revenue') AS revenue_view;
SELECT datamesh.drop_domain('marketing_prod');
SELECT count(*) AS domains_left FROM datamesh.domains;
