-- rule 1: only publish_product puts views into a data_products schema
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE sales_information_objects.orders (id int, amount numeric);

-- hand-made objects are refused, whatever their kind
CREATE TABLE sales_data_products.orders (id int);
CREATE VIEW sales_data_products.orders AS SELECT id FROM sales_information_objects.orders;
CREATE MATERIALIZED VIEW sales_data_products.orders AS SELECT id FROM sales_information_objects.orders;
CREATE TABLE sales_data_products.orders AS SELECT id FROM sales_information_objects.orders;
SELECT id INTO sales_data_products.orders FROM sales_information_objects.orders;
CREATE SEQUENCE sales_data_products.order_seq;
CREATE FUNCTION sales_data_products.one() RETURNS int LANGUAGE sql RETURN 1;
CREATE TYPE sales_data_products.status AS ENUM ('open', 'closed');
-- moving an object in is refused too
ALTER TABLE sales_information_objects.orders SET SCHEMA sales_data_products;
SELECT count(*) FROM pg_class WHERE relnamespace = 'sales_data_products'::regnamespace;
RESET ROLE;

-- the rule binds superusers as well
CREATE VIEW sales_data_products.orders AS SELECT 1 AS id;

-- a product (made here with enforcement off, as publish_product will) cannot be changed by hand
SET datamesh.enforce = off;
CREATE VIEW sales_data_products.orders WITH (security_barrier) AS
    SELECT id FROM sales_information_objects.orders;
ALTER VIEW sales_data_products.orders OWNER TO regress_sales;
RESET datamesh.enforce;
SET ROLE regress_alice;
CREATE OR REPLACE VIEW sales_data_products.orders AS
    SELECT id, amount FROM sales_information_objects.orders;
ALTER VIEW sales_data_products.orders RENAME TO sales_orders;
ALTER VIEW sales_data_products.orders SET (security_barrier = false);
ALTER VIEW sales_data_products.orders SET SCHEMA sales_information_objects;
-- describing and granting a product is fine
COMMENT ON VIEW sales_data_products.orders IS 'Orders, one row per order';
GRANT SELECT ON sales_data_products.orders TO regress_bob;
SELECT obj_description('sales_data_products.orders'::regclass, 'pg_class');
RESET ROLE;

SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
