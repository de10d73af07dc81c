-- keyed pseudonyms (strategy hash): SipHash-2-4, scoped keys, nobody computes his own
\i sql/include/roles.sql
-- SipHash-2-4 against the published test vectors (key 00..0f)
SELECT datamesh.siphash('\x'::bytea, '\x000102030405060708090a0b0c0d0e0f', 8) = '\x310e0edd47db6f72' AS empty_64,
       datamesh.siphash('\x000102030405060708090a0b0c0d0e'::bytea, '\x000102030405060708090a0b0c0d0e0f', 8)
           = '\xe545be4961ca29a1' AS paper_64,
       datamesh.siphash('\x'::bytea, '\x000102030405060708090a0b0c0d0e0f') = '\xa3817f04ba25a8e66df67214c7550293' AS empty_128,
       datamesh.siphash('\x00'::bytea, '\x000102030405060708090a0b0c0d0e0f') = '\xda87c1d86b99af44347659119b22fc45' AS one_128;
SELECT datamesh.siphash('\x00', '\x00');
SELECT datamesh.siphash('\x00', '\x000102030405060708090a0b0c0d0e0f', 4);

SELECT datamesh.create_domain('sales', 'regress_sales');
SELECT datamesh.create_domain('hr', 'regress_hr');
SET ROLE regress_alice;
CREATE TABLE sales_raw.customers (id int PRIMARY KEY, email text, name varchar(8), n8 bigint, u uuid, b bytea);
INSERT INTO sales_raw.customers VALUES
 (1, 'ann@example.com', 'Ann', 42, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\xdeadbeef'),
 (2, 'bob@example.com', 'Bob', 42, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x'),
 (3, 'ann@example.com', NULL, NULL, NULL, NULL);
CREATE TABLE sales_raw.orders (id int PRIMARY KEY, customer_id int, email text);
INSERT INTO sales_raw.orders VALUES (10, 1, 'ann@example.com'), (11, 2, 'bob@example.com');
SELECT datamesh.set_pii('sales_raw.customers', 'id', 'hash');
SELECT datamesh.set_pii('sales_raw.customers', 'email', 'hash');
SELECT datamesh.set_pii('sales_raw.customers', 'name', 'hash');
SELECT datamesh.set_pii('sales_raw.customers', 'n8', 'hash');
SELECT datamesh.set_pii('sales_raw.customers', 'u', 'hash');
SELECT datamesh.set_pii('sales_raw.customers', 'b', 'hash');
SELECT datamesh.set_pii('sales_raw.orders', 'customer_id', 'hash');
SELECT datamesh.set_pii('sales_raw.orders', 'email', 'hash');
SELECT datamesh.publish_product('sales_raw.customers');
SELECT datamesh.publish_product('sales_raw.orders');
RESET ROLE;
-- a key was made for the domain's scope
SELECT scope, length(key) FROM datamesh.pseudonym_key ORDER BY scope;

SET ROLE regress_carol;
-- types are kept; equal values give equal pseudonyms; NULL stays NULL
SELECT pg_typeof(id) AS id, pg_typeof(name) AS name, pg_typeof(n8) AS n8, pg_typeof(u) AS u, pg_typeof(b) AS b
  FROM sales_data_products.customers LIMIT 1;
SELECT length(email) AS email_len, length(name) AS name_len, length(b) AS b_len,
       substr(u::text, 15, 1) AS uuid_version
  FROM sales_data_products.customers WHERE name IS NOT NULL ORDER BY email;
SELECT count(DISTINCT email) AS emails, count(DISTINCT n8) AS n8s, count(DISTINCT u) AS uuids,
       count(*) FILTER (WHERE name IS NULL) AS null_names
  FROM sales_data_products.customers;
-- pseudonyms join across the products of a domain
SELECT count(*) AS orders_joined
  FROM sales_data_products.orders o JOIN sales_data_products.customers c ON c.id = o.customer_id;
SELECT count(*) AS emails_joined
  FROM sales_data_products.orders o JOIN sales_data_products.customers c USING (email);
RESET ROLE;

-- another domain has another key: the same value gets another pseudonym
SET ROLE regress_bob;
CREATE TABLE hr_raw.staff (id int, email text);
INSERT INTO hr_raw.staff VALUES (1, 'ann@example.com');
SELECT datamesh.set_pii('hr_raw.staff', 'email', 'hash');
SELECT datamesh.publish_product('hr_raw.staff');
RESET ROLE;
CREATE TEMP TABLE seen AS
SELECT (SELECT email FROM sales_data_products.customers WHERE email IS NOT NULL ORDER BY email LIMIT 1) AS sales_before,
       (SELECT email FROM hr_data_products.staff) AS hr_before;
SELECT count(*) AS matches FROM sales_data_products.customers c JOIN hr_data_products.staff s USING (email);
-- naming a domain is not joining its scope: a named scope is a scope of its own
SELECT datamesh.set_pseudonym_scope('hr', 'sales');
SELECT count(*) AS matches FROM sales_data_products.customers c JOIN hr_data_products.staff s USING (email);
-- an admin puts the two domains into one named scope: now they match
SELECT datamesh.set_pseudonym_scope('sales', 'sales');
SELECT count(*) AS matches FROM sales_data_products.customers c JOIN hr_data_products.staff s USING (email);
SELECT * FROM datamesh.pseudonym_scope ORDER BY domain;
-- keys no domain uses are gone
SELECT scope FROM datamesh.pseudonym_key ORDER BY scope;
-- rotating the key changes every pseudonym of the scope at once
SELECT datamesh.rotate_key('sales');
SELECT count(*) AS matches FROM sales_data_products.customers c JOIN hr_data_products.staff s USING (email);
SELECT (SELECT email FROM hr_data_products.staff) <> hr_before AS changed FROM seen;
-- back to its own scope, a domain gets a fresh key: its old one was deleted
SELECT datamesh.set_pseudonym_scope('hr', NULL);
SELECT (SELECT email FROM hr_data_products.staff) IS NOT NULL AS hashed,
       (SELECT email FROM hr_data_products.staff) <> hr_before AS fresh_key FROM seen;
SELECT scope FROM datamesh.pseudonym_key ORDER BY scope;
-- admin only, and valid names only
SET ROLE regress_alice;
SELECT datamesh.rotate_key('sales');
SELECT datamesh.set_pseudonym_scope('sales', 'shared');
RESET ROLE;
SELECT datamesh.rotate_key('nosuch');
SELECT datamesh.rotate_key(NULL);
SELECT datamesh.set_pseudonym_scope('nosuch', 'shared');
SELECT datamesh.set_pseudonym_scope('sales', 'Bad Scope');

-- nobody computes the pseudonym of a value of his choosing
CREATE SCHEMA regress_carol_space AUTHORIZATION regress_carol;
SET ROLE regress_carol;
SELECT datamesh.mask_hash('ann@example.com'::text, 'sales_data_products.customers');
SELECT datamesh.mask_hash(42::bigint, 'sales_data_products.customers');
PREPARE guess(text) AS SELECT datamesh.mask_hash($1, 'sales_data_products.customers');
EXECUTE guess('ann@example.com');
SELECT datamesh.mask_hash(v, 'sales_data_products.customers') FROM (VALUES ('ann@example.com')) t(v);
SELECT datamesh.mask_hash(c.email, 'sales_data_products.customers') FROM sales_data_products.customers c;
SELECT x.h FROM sales_data_products.customers c,
       LATERAL (SELECT datamesh.mask_hash(c.email || '', 'sales_data_products.customers') AS h) x;
SELECT datamesh.mask_hash((SELECT 'ann@example.com'), 'sales_data_products.customers');
CREATE FUNCTION regress_carol_space.guess_sql(t text) RETURNS text LANGUAGE sql
    AS $$ SELECT datamesh.mask_hash(t, 'sales_data_products.customers') $$;
SELECT regress_carol_space.guess_sql('ann@example.com');
CREATE FUNCTION regress_carol_space.guess_plpgsql(t text) RETURNS text LANGUAGE plpgsql
    AS $$ BEGIN RETURN datamesh.mask_hash(t, 'sales_data_products.customers'); END $$;
SELECT regress_carol_space.guess_plpgsql('ann@example.com');
CREATE TEMP TABLE mine (email text);
INSERT INTO mine VALUES ('ann@example.com');
SELECT datamesh.mask_hash(email, 'sales_data_products.customers') FROM mine;
CREATE TEMP TABLE mine2 (email text DEFAULT datamesh.mask_hash('ann@example.com', 'sales_data_products.customers'));
INSERT INTO mine2 DEFAULT VALUES;
-- nor through an operator, an aggregate or a domain check built on it
CREATE OPERATOR regress_carol_space.### (LEFTARG = text, RIGHTARG = text, FUNCTION = datamesh.mask_hash);
SELECT 'ann@example.com' OPERATOR(regress_carol_space.###) 'sales_data_products.customers';
-- (a transition function is never planned: at run time its value is a parameter, and hashes to NULL)
CREATE AGGREGATE regress_carol_space.guess_agg(text)
    (SFUNC = datamesh.mask_hash, STYPE = text, INITCOND = 'ann@example.com');
SELECT regress_carol_space.guess_agg(x) IS NULL AS nothing_computed
  FROM (VALUES ('sales_data_products.customers')) v(x);
CREATE DOMAIN regress_carol_space.oracle AS text
    CHECK (datamesh.mask_hash(VALUE, 'sales_data_products.customers') IS NOT NULL);
SELECT 'ann@example.com'::regress_carol_space.oracle;
RESET ROLE;
-- nor does the team of another domain, with its own tables
SET ROLE regress_bob;
SELECT datamesh.mask_hash(email, 'sales_data_products.customers') FROM hr_raw.staff;
-- the team itself may, from its own relations (it could publish any value anyway)
RESET ROLE;
SET ROLE regress_alice;
SELECT count(datamesh.mask_hash(email, 'sales_data_products.customers')) FROM sales_raw.customers;
RESET ROLE;
-- nobody but superusers reads the keys
SET ROLE regress_alice;
SELECT * FROM datamesh.pseudonym_key;
RESET ROLE;
SET ROLE regress_carol;
SELECT * FROM datamesh.pseudonym_key;
RESET ROLE;

DROP SCHEMA regress_carol_space CASCADE;
SELECT datamesh.drop_domain('hr');
SELECT datamesh.drop_domain('sales');
SELECT count(*) AS keys_left FROM datamesh.pseudonym_key;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
