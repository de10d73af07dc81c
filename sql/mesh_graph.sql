-- mesh_graph: the mesh as Mermaid and Graphviz DOT text: domains as
-- clusters, products with PII and contract marks, the objects of other
-- domains (and outside the mesh) that read them, the products built on
-- those readers; names with special characters; bad formats
\i sql/include/roles.sql
\set VERBOSITY default

-- no domain: a valid, empty graph
SELECT count(*) AS domains FROM datamesh.domains;
SELECT datamesh.mesh_graph();
SELECT datamesh.mesh_graph('dot');

SELECT datamesh.create_domain('mg_shop', 'regress_sales');
SELECT datamesh.create_domain('mg_hr', 'regress_hr');
SELECT datamesh.create_domain('mg_empty', 'regress_hr');

-- the shop: a product with a PII column and an active contract, one with a
-- deprecated contract, one with a name full of special characters
SET ROLE regress_alice;
CREATE TABLE mg_shop_raw.orders (id int, email text, amount numeric);
CREATE TABLE mg_shop_raw.customers (id int, country text);
SELECT datamesh.set_pii('mg_shop_raw.orders', 'email', 'email');
SELECT datamesh.publish_product('mg_shop_raw.orders', 'orders');
SELECT datamesh.publish_product('mg_shop_raw.customers', 'customers');
SELECT datamesh.publish_product('mg_shop_raw.customers', E'odd "name" <b>&#35;`\\ x\ty');
SELECT datamesh.publish_contract('mg_shop_data_products.orders',
    '{"apiVersion": "v3.1.0", "kind": "DataContract", "id": "mg_shop.orders",
      "version": "1.0.0", "status": "active",
      "schema": [{"name": "orders", "physicalName": "mg_shop_data_products.orders"}]}');
SELECT datamesh.publish_contract('mg_shop_data_products.customers',
    '{"apiVersion": "v3.1.0", "kind": "DataContract", "id": "mg_shop.customers",
      "version": "1.0.0", "status": "active",
      "schema": [{"name": "customers", "physicalName": "mg_shop_data_products.customers"}]}');
SELECT datamesh.publish_contract('mg_shop_data_products.customers',
    '{"apiVersion": "v3.1.0", "kind": "DataContract", "id": "mg_shop.customers",
      "version": "1.1.0", "status": "deprecated",
      "schema": [{"name": "customers", "physicalName": "mg_shop_data_products.customers"}],
      "customProperties": [{"property": "endOfSupport", "value": "2999-12-31"}]}');
-- a reader inside the shop itself is not drawn
CREATE VIEW mg_shop_intermediates.own_use AS SELECT count(*) FROM mg_shop_data_products.orders;
RESET ROLE;
SELECT product, contract_version, contract_status FROM datamesh.products
 WHERE domain LIKE 'mg\_%' ORDER BY product;

-- hr reads the shop's products: a view (on which hr builds a product), a
-- materialized view, an SQL-standard function, and a view over its own
-- view (not a direct reader: not drawn)
SET ROLE regress_bob;
CREATE VIEW mg_hr_intermediates.order_stats AS
    SELECT count(*) AS n, sum(amount) AS total FROM mg_shop_data_products.orders;
CREATE VIEW mg_hr_intermediates."Stats ""by"" <country> & more" AS
    SELECT country, count(*) AS n FROM mg_shop_data_products.customers GROUP BY country;
CREATE MATERIALIZED VIEW mg_hr_information_objects.order_snapshot AS
    SELECT id FROM mg_shop_data_products.orders;
CREATE FUNCTION mg_hr_intermediates.odd_count() RETURNS bigint LANGUAGE sql STABLE
    RETURN (SELECT count(*) FROM mg_shop_data_products."odd ""name"" <b>&#35;`\ x	y");
CREATE VIEW mg_hr_information_objects.report AS
    SELECT n, mg_hr_intermediates.odd_count() AS odd FROM mg_hr_intermediates.order_stats;
SELECT datamesh.publish_product('mg_hr_information_objects.report', 'report');
RESET ROLE;
-- outside the mesh
CREATE VIEW public.mg_dashboard AS SELECT count(*) AS n FROM mg_shop_data_products.customers;

SELECT datamesh.mesh_graph();
SELECT datamesh.mesh_graph('dot');
-- the format is case-insensitive; the default is mermaid
SELECT datamesh.mesh_graph('DOT') = datamesh.mesh_graph('dot') AS dot_ci,
       datamesh.mesh_graph('Mermaid') = datamesh.mesh_graph() AS mermaid_default;

-- an analyst of no domain sees the same picture: datamesh.products shows
-- him every product, and the readers come from catalogs everyone may read
CREATE TEMPORARY TABLE graph AS SELECT datamesh.mesh_graph() AS m, datamesh.mesh_graph('dot') AS d;
GRANT SELECT ON graph TO regress_carol;
SET ROLE regress_carol;
SELECT datamesh.mesh_graph() = m AS same_mermaid, datamesh.mesh_graph('dot') = d AS same_dot FROM graph;
RESET ROLE;

-- a product whose view is gone (enforcement off) is drawn as missing
SET datamesh.enforce = off;
BEGIN;
DROP VIEW mg_shop_data_products.customers CASCADE;
SELECT line FROM regexp_split_to_table(datamesh.mesh_graph(), E'\n') AS line
 WHERE line LIKE '%customers%';
ROLLBACK;
RESET datamesh.enforce;

-- invalid input:
SELECT datamesh.mesh_graph('svg');
SELECT datamesh.mesh_graph('');
SELECT datamesh.mesh_graph(NULL);

-- cleanup: the contracted products go with enforcement off, their catalog
-- rows by hand
DROP VIEW public.mg_dashboard;
SET datamesh.enforce = off;
SET client_min_messages = error;
SELECT datamesh.drop_domain('mg_hr', true);
SELECT datamesh.drop_domain('mg_shop', true);
SELECT datamesh.drop_domain('mg_empty', true);
RESET client_min_messages;
RESET datamesh.enforce;
DELETE FROM datamesh.contract WHERE product LIKE 'mg\_%';
DELETE FROM datamesh.contract_event WHERE product LIKE 'mg\_%';
SELECT * FROM datamesh.verify();
