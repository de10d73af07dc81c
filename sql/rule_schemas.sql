-- rule 6: a domain's schemas are made and dropped only with the domain
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE sales_raw.orders (id int);
DROP SCHEMA sales_raw;
DROP SCHEMA sales_queries;
DROP SCHEMA sales_raw CASCADE;
ALTER SCHEMA sales_raw RENAME TO sales_landing;
ALTER SCHEMA sales_raw OWNER TO regress_alice;
RESET ROLE;
-- superusers are bound too, also through DROP OWNED
DROP SCHEMA sales_data_products;
DROP SCHEMA sales_raw, sales_queries CASCADE;
DROP OWNED BY regress_sales;
ALTER SCHEMA sales_raw OWNER TO regress_hr;
SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'sales\_%';
SELECT to_regclass('sales_raw.orders');
-- objects inside the schemas may be dropped as usual
SET ROLE regress_alice;
DROP TABLE sales_raw.orders;
RESET ROLE;
-- schemas that merely look like a domain's are not protected
CREATE SCHEMA nosuch_raw;
ALTER SCHEMA nosuch_raw RENAME TO nosuch_raw2;
DROP SCHEMA nosuch_raw2;
SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
