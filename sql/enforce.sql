-- datamesh.enforce: a superuser may switch enforcement off for a session; nobody else
\i sql/include/roles.sql
-- a fresh session: the library is not loaded yet
\c -
-- Before the library is loaded the setting is a placeholder; a value that a
-- non-superuser put there is discarded with a warning when the library loads.
SET SESSION AUTHORIZATION regress_alice;
SET datamesh.enforce = off;
CREATE TEMP TABLE regress_loads_the_library (id int);
SHOW datamesh.enforce;
DROP TABLE regress_loads_the_library;
RESET SESSION AUTHORIZATION;
SHOW datamesh.enforce;
SELECT name, setting, context FROM pg_settings WHERE name = 'datamesh.enforce';
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
SET datamesh.enforce = off;
SET LOCAL datamesh.enforce = off;
RESET ROLE;
ALTER ROLE regress_alice SET datamesh.enforce = off;
SET SESSION AUTHORIZATION regress_alice;
SET datamesh.enforce = off;
RESET SESSION AUTHORIZATION;
ALTER ROLE regress_alice RESET datamesh.enforce;

-- off: a superuser repairs by hand
SET datamesh.enforce = off;
CREATE TABLE sales_data_products.repair (id int);
DROP TABLE sales_data_products.repair;
RESET datamesh.enforce;
CREATE TABLE sales_data_products.repair (id int);

-- session_replication_role does not switch the triggers off (ENABLE ALWAYS)
SET session_replication_role = replica;
CREATE TABLE sales_data_products.repair (id int);
RESET session_replication_role;

-- unknown settings in our prefix are refused
SET datamesh.enforce_harder = on;

-- the triggers stand aside inside a failed transaction's savepoint and recover
BEGIN;
SAVEPOINT a;
CREATE TABLE sales_data_products.x (id int);
ROLLBACK TO SAVEPOINT a;
CREATE TABLE sales_raw.ok (id int);
SELECT count(*) FROM pg_attribute WHERE attrelid = 'sales_raw.ok'::regclass AND attname = '_added_at';
COMMIT;
SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
