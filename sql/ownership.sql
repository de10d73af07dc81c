-- objects made in a domain's schemas belong to the domain's owner role
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE sales_raw.orders (id serial PRIMARY KEY, note text);
CREATE VIEW sales_intermediates.order_ids AS SELECT id FROM sales_raw.orders;
CREATE MATERIALIZED VIEW sales_information_objects.order_count AS SELECT count(*) FROM sales_raw.orders;
CREATE SEQUENCE sales_intermediates.ticket_seq;
CREATE FUNCTION sales_intermediates.one() RETURNS int LANGUAGE sql RETURN 1;
CREATE TYPE sales_intermediates.status AS ENUM ('open', 'closed');
CREATE TYPE sales_intermediates.pair AS (a int, b int);
CREATE DOMAIN sales_intermediates.positive AS int CHECK (VALUE > 0);
RESET ROLE;
CREATE TABLE sales_information_objects.made_by_superuser (id int);
SELECT c.oid::regclass AS relation, c.relkind, c.relowner::regrole
  FROM pg_class c
 WHERE c.relnamespace::regnamespace::text LIKE 'sales\_%'
 ORDER BY c.oid::regclass::text;
SELECT proname, proowner::regrole FROM pg_proc WHERE pronamespace = 'sales_intermediates'::regnamespace;
SELECT typname, typowner::regrole FROM pg_type
 WHERE typnamespace = 'sales_intermediates'::regnamespace AND typname IN ('status', 'pair', 'positive')
 ORDER BY 1;
-- so any other member of the team may change them
CREATE ROLE regress_dave LOGIN IN ROLE regress_sales;
SET ROLE regress_dave;
ALTER TABLE sales_raw.orders ADD COLUMN amount numeric;
CREATE OR REPLACE VIEW sales_intermediates.order_ids AS SELECT id, amount FROM sales_raw.orders;
RESET ROLE;
-- handing an object to another role is refused; to the owner role it is a no-op
ALTER TABLE sales_raw.orders OWNER TO regress_alice;
ALTER FUNCTION sales_intermediates.one() OWNER TO regress_alice;
ALTER TABLE sales_raw.orders OWNER TO regress_sales;
-- moved in from elsewhere: handed over as well
CREATE TABLE public.regress_moved (id int);
ALTER TABLE public.regress_moved SET SCHEMA sales_information_objects;
SELECT relowner::regrole FROM pg_class WHERE oid = 'sales_information_objects.regress_moved'::regclass;
SELECT datamesh.drop_domain('sales');
DROP ROLE regress_dave;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
