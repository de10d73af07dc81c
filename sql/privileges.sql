-- what a plain consumer (carol, of no team) can see and do
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE sales_raw.orders (id int, email text);
INSERT INTO sales_raw.orders (id, email) VALUES (1, 'ann@example.com');
RESET ROLE;
SET datamesh.enforce = off;   -- stand-in for publish_product
CREATE VIEW sales_data_products.orders AS SELECT id FROM sales_raw.orders;
ALTER VIEW sales_data_products.orders OWNER TO regress_sales;
GRANT SELECT ON sales_data_products.orders TO PUBLIC;
RESET datamesh.enforce;

SET ROLE regress_carol;
-- discovery views are open to everyone
SELECT domain, owner FROM datamesh.domains;
SELECT setting, value FROM datamesh.settings ORDER BY setting;
-- the catalog tables themselves are not
SELECT * FROM datamesh.domain;
SELECT * FROM datamesh.setting;
-- private layers are closed, products are open
SELECT * FROM sales_raw.orders;
SELECT * FROM sales_data_products.orders;
CREATE TABLE sales_raw.mine (id int);
CREATE TABLE sales_intermediates.mine (id int);
-- admin functions are closed
SELECT datamesh.create_domain('carol', 'regress_carol');
SELECT datamesh.drop_domain('sales');
SELECT datamesh.configure('consumer_role', 'regress_carol');
-- and the switch is for superusers
SET datamesh.enforce = off;
-- event trigger functions cannot be called directly
SELECT datamesh.ddl_command_end();
RESET ROLE;
SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
