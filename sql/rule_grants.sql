-- rule 4: private objects are granted only inside the domain
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE sales_raw.orders (id int, email text);
CREATE FUNCTION sales_intermediates.one() RETURNS int LANGUAGE sql RETURN 1;
CREATE TYPE sales_intermediates.status AS ENUM ('open', 'closed');

-- to a role outside the domain, or PUBLIC: refused
GRANT SELECT ON sales_raw.orders TO regress_bob;
GRANT SELECT (id) ON sales_raw.orders TO regress_bob;
GRANT SELECT ON ALL TABLES IN SCHEMA sales_raw TO regress_bob;
GRANT ALL ON sales_raw.orders TO PUBLIC;
GRANT USAGE ON SCHEMA sales_raw TO regress_bob;
GRANT EXECUTE ON FUNCTION sales_intermediates.one() TO regress_bob;
GRANT USAGE ON TYPE sales_intermediates.status TO regress_bob;
ALTER DEFAULT PRIVILEGES IN SCHEMA sales_raw GRANT SELECT ON TABLES TO regress_bob;
ALTER DEFAULT PRIVILEGES IN SCHEMA sales_intermediates GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
SELECT relacl FROM pg_class WHERE oid = 'sales_raw.orders'::regclass;

-- inside the domain, and revoking, are fine
GRANT SELECT ON sales_raw.orders TO regress_alice;
GRANT SELECT ON sales_raw.orders TO regress_sales;
REVOKE ALL ON sales_raw.orders FROM regress_bob;
ALTER DEFAULT PRIVILEGES IN SCHEMA sales_raw REVOKE SELECT ON TABLES FROM regress_bob;
RESET ROLE;

-- superusers are bound too
GRANT SELECT ON sales_raw.orders TO regress_bob;

-- global default privileges of a team member do not leak into private layers
SET ROLE regress_alice;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO regress_carol;
CREATE TABLE sales_raw.customers (id int);
CREATE TABLE sales_information_objects.customers (id int);
ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM regress_carol;
CREATE TABLE sales_raw.customers (id int);
RESET ROLE;

-- a table carrying grants to outsiders cannot be moved into a private layer
CREATE TABLE public.regress_shared (id int);
GRANT SELECT ON public.regress_shared TO regress_bob;
ALTER TABLE public.regress_shared SET SCHEMA sales_information_objects;
REVOKE SELECT ON public.regress_shared FROM regress_bob;
ALTER TABLE public.regress_shared SET SCHEMA sales_information_objects;

-- data products may be granted to anyone
SET datamesh.enforce = off;
CREATE VIEW sales_data_products.orders AS SELECT id FROM sales_raw.orders;
RESET datamesh.enforce;
GRANT SELECT ON sales_data_products.orders TO regress_bob;

SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
