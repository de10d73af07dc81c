-- data products: publish_product, unpublish_product, the products view
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SELECT datamesh.create_domain('hr', 'regress_hr');
SET ROLE regress_alice;
CREATE TABLE sales_raw.orders (id int PRIMARY KEY, customer text, amount numeric(12,2));
INSERT INTO sales_raw.orders (id, customer, amount, _source_system)
VALUES (1, 'Ann', 42.50, 'shop'), (2, 'Bob', 17.00, 'shop');
CREATE VIEW sales_intermediates.big_orders AS SELECT id, amount FROM sales_raw.orders WHERE amount > 20;
CREATE MATERIALIZED VIEW sales_information_objects.order_stats AS
    SELECT count(*) AS orders, sum(amount) AS total FROM sales_raw.orders;

-- a product over a table: all columns but the metadata columns
SELECT datamesh.publish_product('sales_raw.orders', description => 'Orders, one row per order');
SELECT * FROM sales_data_products.orders ORDER BY id;
-- over a view, with a name; over a materialized view, with chosen columns
SELECT datamesh.publish_product('sales_intermediates.big_orders', 'big_orders');
SELECT datamesh.publish_product('sales_information_objects.order_stats', 'totals', ARRAY['total']::name[]);
SELECT * FROM sales_data_products.totals;
RESET ROLE;

SELECT domain, product, source, version, status, description, columns
  FROM datamesh.products ORDER BY product;
-- security_barrier, owned by the team, granted to the consumer role, described
SELECT c.oid::regclass, c.relowner::regrole, c.reloptions, c.relacl,
       obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c WHERE c.relnamespace = 'sales_data_products'::regnamespace ORDER BY c.oid::regclass::text;

-- republishing regenerates in place: grants and comment stay, the version grows
GRANT SELECT ON sales_data_products.orders TO regress_bob;
SET ROLE regress_alice;
SELECT datamesh.publish_product('sales_raw.orders');
RESET ROLE;
SELECT version, description FROM datamesh.products WHERE product = 'sales_data_products.orders';
SELECT relacl, obj_description(oid, 'pg_class') FROM pg_class WHERE oid = 'sales_data_products.orders'::regclass;
-- a new column list replaces the view when nothing depends on it
SET ROLE regress_alice;
SELECT datamesh.publish_product('sales_raw.orders', columns => ARRAY['amount', 'id']::name[]);
SELECT * FROM sales_data_products.orders ORDER BY id;
SELECT datamesh.publish_product('sales_raw.orders');
RESET ROLE;

-- a new consumer role gets the products too
SELECT datamesh.configure('consumer_role', 'regress_consumers');
SELECT relacl FROM pg_class WHERE oid = 'sales_data_products.totals'::regclass;
SELECT datamesh.configure('consumer_role', NULL);
SELECT relacl FROM pg_class WHERE oid = 'sales_data_products.totals'::regclass;

-- other teams read products and build on them
SET ROLE regress_bob;
CREATE VIEW hr_intermediates.order_count AS SELECT count(*) AS n FROM sales_data_products.orders;
SELECT * FROM hr_intermediates.order_count;
-- but cannot publish, classify or grant in another domain
SELECT datamesh.publish_product('sales_raw.orders', 'stolen');
SELECT datamesh.unpublish_product('sales_data_products.orders');
SELECT datamesh.grant_unmasked('sales_data_products.orders', 'regress_bob');
RESET ROLE;
-- even when they name the relation by OID, around the schema privileges
CREATE TABLE hr_raw.staff (id int, name text);
SET ROLE regress_alice;
SELECT datamesh.publish_product(c.oid::regclass) FROM pg_class c WHERE c.relname = 'staff';
SELECT datamesh.set_pii(c.oid::regclass, 'name', 'hash') FROM pg_class c WHERE c.relname = 'staff';
RESET ROLE;
-- a column list that drops columns others read is refused
SET ROLE regress_alice;
SELECT datamesh.publish_product('sales_raw.orders', columns => ARRAY['id']::name[]);
RESET ROLE;

-- regeneration runs with privileges of its own, never with the caller's search_path:
-- an operator planted by a team member is not called
SET ROLE regress_alice;
CREATE FUNCTION sales_intermediates.planted(a text, b text) RETURNS boolean LANGUAGE plpgsql
    AS $$ BEGIN RAISE NOTICE 'planted operator called as %', current_user; RETURN a OPERATOR(pg_catalog.=) b; END $$;
CREATE OPERATOR sales_intermediates.= (LEFTARG = text, RIGHTARG = text, FUNCTION = sales_intermediates.planted);
SET search_path = sales_intermediates, pg_catalog;
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.orders.customer IS 'pii:partial(1,0)';
SELECT datamesh.publish_product('sales_raw.orders');
RESET search_path;
SELECT customer FROM sales_data_products.orders ORDER BY id;
DROP OPERATOR sales_intermediates.= (text, text);
DROP FUNCTION sales_intermediates.planted(text, text);
RESET ROLE;

-- products are made and removed only by datamesh
SET ROLE regress_alice;
DROP VIEW sales_data_products.big_orders;
DROP VIEW sales_intermediates.big_orders CASCADE;
RESET ROLE;
DROP OWNED BY regress_sales CASCADE;

-- invalid input: nothing changes
SET ROLE regress_alice;
SELECT datamesh.publish_product(NULL);
SELECT datamesh.publish_product('pg_class');
SELECT datamesh.publish_product('sales_data_products.orders');
CREATE VIEW sales_queries.q AS SELECT 1 AS one;
SELECT datamesh.publish_product('sales_queries.q');
SELECT datamesh.publish_product('sales_raw.orders', '');
SELECT datamesh.publish_product('sales_raw.orders', repeat('x', 64));
SELECT datamesh.publish_product('sales_raw.orders', 'o2', ARRAY[]::name[]);
SELECT datamesh.publish_product('sales_raw.orders', 'o2', ARRAY['id', NULL]::name[]);
SELECT datamesh.publish_product('sales_raw.orders', 'o2', ARRAY['id', 'id']::name[]);
SELECT datamesh.publish_product('sales_raw.orders', 'o2', ARRAY['nope']::name[]);
-- metadata columns are left out by default, and published when named
SELECT datamesh.publish_product('sales_raw.orders', 'o2', ARRAY['id', '_source_system']::name[]);
SELECT * FROM sales_data_products.o2 ORDER BY id;
SELECT datamesh.unpublish_product('sales_raw.orders');
SELECT datamesh.unpublish_product(NULL);
RESET ROLE;
SELECT product FROM datamesh.products ORDER BY 1;

-- a product is named as the caller wants, quoted where needed
SET ROLE regress_alice;
SELECT datamesh.publish_product('sales_raw.orders', 'Orders 2024');
SELECT count(*) FROM sales_data_products."Orders 2024";
SELECT datamesh.unpublish_product('sales_data_products."Orders 2024"');
-- unpublishing a product others depend on fails; the product stays
SELECT datamesh.unpublish_product('sales_data_products.orders');
RESET ROLE;
DROP VIEW hr_intermediates.order_count;
SET ROLE regress_alice;
SELECT datamesh.unpublish_product('sales_data_products.orders');
SELECT datamesh.unpublish_product('sales_data_products.totals');
RESET ROLE;
SELECT product FROM datamesh.products ORDER BY 1;

-- drop_domain takes its products with it
SELECT datamesh.drop_domain('sales');
SELECT datamesh.drop_domain('hr');
SELECT count(*) FROM datamesh.products;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
