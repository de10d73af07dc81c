-- a plain consumer (carol) attacks a product: every channel shows only masked values
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE sales_raw.customers (id int PRIMARY KEY, email text, salary int, note text);
INSERT INTO sales_raw.customers VALUES (1, 'ann@example.com', 123456, 'vip'), (2, 'bob@example.org', 654321, 'x');
SELECT datamesh.set_pii('sales_raw.customers', 'email', 'email');
SELECT datamesh.set_pii('sales_raw.customers', 'salary', 'bucket(100000)');
SELECT datamesh.publish_product('sales_raw.customers');
RESET ROLE;
ANALYZE sales_raw.customers;
CREATE SCHEMA regress_carol_space AUTHORIZATION regress_carol;

SET ROLE regress_carol;
-- a cheap leaky function in WHERE, also through LATERAL: sees masked values only
CREATE FUNCTION regress_carol_space.peek(v text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001
    AS $$ BEGIN RAISE NOTICE 'peek: %', v; RETURN true; END $$;
CREATE FUNCTION regress_carol_space.peek_int(v int) RETURNS boolean LANGUAGE plpgsql COST 0.0000001
    AS $$ BEGIN RAISE NOTICE 'peek: %', v; RETURN true; END $$;
SELECT id FROM sales_data_products.customers WHERE regress_carol_space.peek(email) ORDER BY id;
SELECT id FROM sales_data_products.customers WHERE regress_carol_space.peek_int(salary) AND id = 1;
SELECT c.id FROM sales_data_products.customers c,
       LATERAL (SELECT regress_carol_space.peek(c.email) AS ok) l WHERE l.ok ORDER BY c.id;
-- casts that fail show the masked value in their error
SELECT email::int FROM sales_data_products.customers WHERE id = 1;
SELECT id FROM sales_data_products.customers WHERE email::int = 1;
SELECT id FROM sales_data_products.customers WHERE salary / (salary - 100000) = 1;
-- whole-row references, aggregates, COPY
SELECT to_jsonb(c) FROM sales_data_products.customers c ORDER BY id;
SELECT min(email), max(salary) FROM sales_data_products.customers;
COPY (SELECT * FROM sales_data_products.customers ORDER BY id) TO STDOUT;
COPY sales_data_products.customers TO STDOUT;
-- EXPLAIN ANALYZE VERBOSE shows expressions, never values or keys
EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF)
    SELECT email FROM sales_data_products.customers WHERE id = 1;
-- the view text holds no secret
SELECT definition FROM pg_views WHERE schemaname = 'sales_data_products';
-- statistics of the source are not visible
SELECT count(*) AS stats_rows FROM pg_stats WHERE schemaname = 'sales_raw';
-- the source, the keys, the catalog tables are closed; settings hold no secret
SELECT * FROM sales_raw.customers;
SELECT * FROM datamesh.pseudonym_key;
SELECT * FROM datamesh.unmasked;
SELECT * FROM datamesh.product;
SELECT name, setting FROM pg_settings WHERE name LIKE 'datamesh.%';
SELECT count(*) FROM pg_db_role_setting WHERE array_to_string(setconfig, ',') LIKE '%datamesh%';
-- security labels are readable and say only the strategy
SELECT provider, label FROM pg_seclabels WHERE objname LIKE 'sales_raw.%' ORDER BY label;
-- the product stays a security barrier: changing it by hand is refused
ALTER VIEW sales_data_products.customers SET (security_barrier = false);
RESET ROLE;

DROP SCHEMA regress_carol_space CASCADE;
SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
