-- the datamesh security label provider works in a fresh session, without preloading
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
CREATE TABLE sales_raw.customers (id int, email text, name text, born date, zip text, income numeric);
-- a new session whose first statement is a label: the provider is there
\c
SELECT count(*) AS datamesh_loaded FROM pg_settings WHERE name = 'datamesh.enforce';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.email IS 'pii:bogus';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.email IS 'pii:email';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.name IS 'pii:hash';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.born IS 'pii:year';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.zip IS 'pii:partial(1, 0)';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.income IS 'pii:bucket(1000)';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.id IS 'pii:redact';
SELECT objsubid, label FROM pg_seclabel
 WHERE objoid = 'sales_raw.customers'::regclass AND provider = 'datamesh' ORDER BY objsubid;
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.id IS NULL;

-- invalid labels are rejected with the list of valid ones
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.email IS 'email';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.email IS 'pii:';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.email IS 'pii:mask';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.email IS 'pii:partial(2)';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.email IS 'pii:partial(-1,2)';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.email IS 'pii:partial(99999,2)';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.income IS 'pii:bucket(0)';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.income IS 'pii:bucket(-5)';
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.customers.income IS 'pii:bucket(1e3)';
SECURITY LABEL FOR datamesh ON TABLE sales_raw.customers IS 'pii:email';
SECURITY LABEL FOR datamesh ON SCHEMA sales_raw IS 'pii:email';
SELECT count(*) FROM pg_seclabel WHERE objoid = 'sales_raw.customers'::regclass;
SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
