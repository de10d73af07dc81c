-- raw metadata columns: added to raw tables (raw_metadata = 'add') or required ('require')
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE sales_raw.orders (id int, payload jsonb);
\d sales_raw.orders
CREATE TABLE sales_raw_external.rates AS SELECT 'EUR'::text AS currency, 1.0 AS rate;
SELECT currency, rate, _added_at IS NOT NULL AS stamped, _type, _source_system FROM sales_raw_external.rates;
-- columns already present are kept as they are
CREATE TABLE sales_raw.events (id int, _added_at timestamptz NOT NULL DEFAULT now(),
                               _type text DEFAULT 'event', _source_system text DEFAULT 'shop');
INSERT INTO sales_raw.events (id) VALUES (1);
SELECT id, _type, _source_system FROM sales_raw.events;
-- a partitioned table: the parent gets them, partitions inherit them
CREATE TABLE sales_raw.payments (id int, paid_on date) PARTITION BY RANGE (paid_on);
CREATE TABLE sales_raw.payments_2022 PARTITION OF sales_raw.payments
    FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
SELECT attrelid::regclass, attname FROM pg_attribute
 WHERE attrelid IN ('sales_raw.payments'::regclass, 'sales_raw.payments_2022'::regclass)
   AND attname LIKE '\_%' ORDER BY 1, attnum;
-- moved into raw with ALTER TABLE ... SET SCHEMA
CREATE TABLE sales_intermediates.staging (id int);
ALTER TABLE sales_intermediates.staging SET SCHEMA sales_raw;
SELECT attname FROM pg_attribute WHERE attrelid = 'sales_raw.staging'::regclass AND attnum > 0 ORDER BY attnum;
-- other layers are left alone
CREATE TABLE sales_intermediates.plain (id int);
SELECT count(*) FROM pg_attribute WHERE attrelid = 'sales_intermediates.plain'::regclass AND attname LIKE '\_%';
-- the columns stay: dropping, renaming or retyping one is refused
ALTER TABLE sales_raw.orders DROP COLUMN _type;
ALTER TABLE sales_raw.orders RENAME COLUMN _source_system TO source;
ALTER TABLE sales_raw.orders ALTER COLUMN _added_at TYPE timestamp;
-- a table moved in with enforcement off is repaired by its next change
RESET ROLE;
SET datamesh.enforce = off;
CREATE TABLE sales_raw.legacy (id int);
RESET datamesh.enforce;
SET ROLE regress_alice;
SELECT count(*) AS metadata_columns FROM pg_attribute WHERE attrelid = 'sales_raw.legacy'::regclass AND attname LIKE '\_%';
RESET ROLE;
ALTER TABLE sales_raw.legacy OWNER TO regress_sales;
SET ROLE regress_alice;
SELECT attname FROM pg_attribute WHERE attrelid = 'sales_raw.legacy'::regclass AND attnum > 0 ORDER BY attnum;
-- wrong types are refused at creation
CREATE TABLE sales_raw.bad (id int, _added_at text);
RESET ROLE;

-- 'require': a table without them is refused
SELECT datamesh.configure('raw_metadata', 'require');
SET ROLE regress_alice;
CREATE TABLE sales_raw.customers (id int);
CREATE TABLE sales_raw_external.customers (id int, _added_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE sales_intermediates.customers (id int);
ALTER TABLE sales_intermediates.customers SET SCHEMA sales_raw;
CREATE TABLE sales_raw.customers (id int, _added_at timestamptz NOT NULL DEFAULT now(),
                                  _type text, _source_system text);
RESET ROLE;
SELECT datamesh.configure('raw_metadata', 'add');
SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
