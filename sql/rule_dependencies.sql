-- rules 2 and 3: nothing outside a domain reads its private layers; nothing reads queries
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SELECT datamesh.create_domain('hr', 'regress_hr');
CREATE SCHEMA regress_outside;
GRANT ALL ON SCHEMA regress_outside TO PUBLIC;

SET ROLE regress_alice;
CREATE TABLE sales_raw.orders (id int PRIMARY KEY, email text);
CREATE TABLE sales_raw.orders_by_year (id int, year int) PARTITION BY LIST (year);
-- within the domain, every layer may read the private layers
CREATE VIEW sales_intermediates.order_ids AS SELECT id FROM sales_raw.orders;
CREATE MATERIALIZED VIEW sales_information_objects.order_count AS
    SELECT count(*) AS n FROM sales_intermediates.order_ids;
CREATE TABLE sales_information_objects.returns (order_id int REFERENCES sales_raw.orders);
CREATE FUNCTION sales_intermediates.order_total() RETURNS bigint LANGUAGE sql
    BEGIN ATOMIC SELECT count(*) FROM sales_raw.orders; END;
CREATE FUNCTION sales_intermediates.touch() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RETURN NEW; END $$;
CREATE TYPE sales_intermediates.status AS ENUM ('open', 'closed');
CREATE FUNCTION sales_intermediates.twice(int) RETURNS int IMMUTABLE LANGUAGE sql RETURN $1 * 2;
RESET ROLE;
-- (stand-in for publish_product)
SET datamesh.enforce = off;
CREATE VIEW sales_data_products.orders AS SELECT id FROM sales_raw.orders;
GRANT SELECT ON sales_data_products.orders TO PUBLIC;
RESET datamesh.enforce;

-- rule 2: another domain reads private objects, through every kind of dependency.
-- A superuser is bound too (a team member would first lack the privilege).
CREATE VIEW hr_intermediates.v AS SELECT id FROM sales_raw.orders;
CREATE VIEW hr_intermediates.v AS SELECT n FROM sales_information_objects.order_count;
CREATE MATERIALIZED VIEW hr_intermediates.mv AS SELECT * FROM sales_intermediates.order_ids;
CREATE FUNCTION hr_intermediates.f() RETURNS bigint LANGUAGE sql
    BEGIN ATOMIC SELECT count(*) FROM sales_raw.orders; END;
CREATE TABLE hr_raw.t (order_id int REFERENCES sales_raw.orders);
CREATE TABLE hr_raw.t2 (n bigint DEFAULT sales_intermediates.order_total());
CREATE TABLE hr_raw.t3 (n int);
ALTER TABLE hr_raw.t3 ADD FOREIGN KEY (n) REFERENCES sales_raw.orders;
ALTER TABLE hr_raw.t3 ALTER COLUMN n SET DEFAULT sales_intermediates.order_total();
ALTER TABLE hr_raw.t3 ADD CHECK (n < sales_intermediates.order_total());
CREATE TRIGGER t3_touch BEFORE INSERT ON hr_raw.t3
    FOR EACH ROW EXECUTE FUNCTION sales_intermediates.touch();
CREATE TABLE hr_raw.t4 (s sales_intermediates.status);
CREATE INDEX ON hr_raw.t3 (sales_intermediates.twice(n));
CREATE TYPE hr_intermediates.pair AS (s sales_intermediates.status, n int);
CREATE DOMAIN hr_intermediates.st AS sales_intermediates.status;
CREATE TABLE hr_raw.orders_2022 PARTITION OF sales_raw.orders_by_year FOR VALUES IN (2022);
CREATE TABLE hr_raw.orders_2023 (id int, year int);
ALTER TABLE sales_raw.orders_by_year ATTACH PARTITION hr_raw.orders_2023 FOR VALUES IN (2023);
CREATE TABLE hr_raw.orders_copy (id int NOT NULL, email text);
ALTER TABLE hr_raw.orders_copy INHERIT sales_raw.orders;
CREATE POLICY p ON hr_raw.t3 USING (n IN (SELECT id FROM sales_raw.orders));
-- objects outside every domain are bound too
CREATE VIEW regress_outside.v AS SELECT * FROM sales_raw.orders;
CREATE VIEW public.v AS SELECT * FROM sales_raw.orders;
-- a team member outside its own domain is bound as well
SET ROLE regress_alice;
CREATE VIEW regress_outside.v AS SELECT * FROM sales_raw.orders;
RESET ROLE;
-- the data product is the way in
SET ROLE regress_bob;
CREATE VIEW hr_intermediates.order_ids AS SELECT id FROM sales_data_products.orders;
CREATE VIEW regress_outside.order_ids AS SELECT id FROM sales_data_products.orders;
RESET ROLE;
-- replacing an allowed view by a leaking one is refused, the old one stays
CREATE OR REPLACE VIEW hr_intermediates.order_ids AS
    SELECT id FROM sales_raw.orders;
SELECT pg_get_viewdef('hr_intermediates.order_ids'::regclass);
-- moving a view that reads a private table out of the domain
CREATE VIEW sales_intermediates.emails AS SELECT email FROM sales_raw.orders;
ALTER VIEW sales_intermediates.emails SET SCHEMA hr_intermediates;
-- moving a table that others read into a private layer
CREATE TABLE regress_outside.codes (code text);
CREATE VIEW hr_intermediates.codes AS SELECT code FROM regress_outside.codes;
ALTER TABLE regress_outside.codes SET SCHEMA sales_raw;
-- moving within the domain is fine
SET ROLE regress_alice;
ALTER VIEW sales_intermediates.emails SET SCHEMA sales_information_objects;
RESET ROLE;

-- rule 3: nothing depends on saved queries, not even the same domain
SET ROLE regress_alice;
CREATE VIEW sales_queries.big_orders AS SELECT id FROM sales_intermediates.order_ids WHERE id > 100;
CREATE VIEW sales_information_objects.big AS SELECT id FROM sales_queries.big_orders;
CREATE FUNCTION sales_intermediates.big() RETURNS bigint LANGUAGE sql
    BEGIN ATOMIC SELECT count(*) FROM sales_queries.big_orders; END;
-- queries may build on each other within the queries schema
CREATE VIEW sales_queries.bigger_orders AS SELECT id FROM sales_queries.big_orders WHERE id > 1000;
RESET ROLE;
CREATE VIEW hr_intermediates.big AS SELECT id FROM sales_queries.big_orders;

-- a PL/pgSQL body records no dependencies: the schema privileges guard it
SET ROLE regress_bob;
CREATE FUNCTION hr_intermediates.peek() RETURNS bigint LANGUAGE plpgsql
    AS $$ BEGIN RETURN (SELECT count(*) FROM sales_raw.orders); END $$;
SELECT hr_intermediates.peek();
RESET ROLE;

-- a private table cannot become a partition or child of a table outside its domain:
-- the parent would show its rows to whoever may read the parent
SET ROLE regress_alice;
CREATE TABLE regress_outside.par (id int, email text) PARTITION BY RANGE (id);
CREATE TABLE sales_intermediates.part PARTITION OF regress_outside.par FOR VALUES FROM (0) TO (10);
CREATE TABLE sales_intermediates.p2 (id int, email text);
ALTER TABLE regress_outside.par ATTACH PARTITION sales_intermediates.p2 FOR VALUES FROM (10) TO (20);
CREATE TABLE regress_outside.ipar (id int, email text);
CREATE TABLE sales_intermediates.child (x int) INHERITS (regress_outside.ipar);
ALTER TABLE sales_intermediates.p2 INHERIT regress_outside.ipar;
-- within the domain it is fine
CREATE TABLE sales_intermediates.par (id int, email text) PARTITION BY RANGE (id);
CREATE TABLE sales_intermediates.part PARTITION OF sales_intermediates.par FOR VALUES FROM (0) TO (10);
RESET ROLE;
SELECT datamesh.drop_domain('hr');
SELECT datamesh.drop_domain('sales', force => true);
DROP SCHEMA regress_outside CASCADE;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
