-- datamesh.lint(): every rule positive and negative, the value detectors
-- (datamesh.detect_pii) with positives and near misses, sampling bounded
-- and done as the caller, only where he may SELECT
\i sql/include/roles.sql
\set VERBOSITY default

-- the detectors: positives
SELECT v, datamesh.detect_pii(v) FROM (VALUES
    ('alice@example.com'), ('  bob.smith+tag@mail.example.co.uk '),
    ('user@xn--bcher-kva.example'),
    ('DE89 3704 0044 0532 0130 00'), ('GB82WEST12345698765432'), ('NO9386011117947'),
    ('4111 1111 1111 1111'), ('5555-5555-5555-4444'), ('378282246310005'),
    ('192.168.1.1'), ('0.0.0.0'), ('2001:db8::8a2e:370:7334'), ('::ffff:192.0.2.128'), ('::1'),
    ('+49 30 1234567'), ('+1 (555) 123-4567'), ('030 1234567'), ('555-123-4567'),
    ('1-800-555-0199'), ('0049 30 123456')) AS t(v);
-- near misses: none of them is personal data of these kinds
SELECT v, datamesh.detect_pii(v) FROM (VALUES
    ('write to me@home please'), ('a@b'), ('a..b@example.com'), ('x@example.c0m'),
    ('@example.com'), ('alice@'), ('alice@@example.com'),
    ('DE88 3704 0044 0532 0130 00'),   -- wrong check digits
    ('DE89 3704 0044 0532 0130 0'),    -- one digit short for DE
    ('XX89370400440532013000'),        -- no such country
    ('4111 1111 1111 1112'),           -- fails Luhn
    ('1234567812345670'),              -- passes Luhn, no card network starts with 1
    ('4111  1111 1111 1111'),          -- double space
    ('999.1.1.1'), ('10.0.0.256'), ('01.2.3.4'), ('1.2.3'),
    ('1:2:3:4:5:6:7'), ('12:30:45'), ('00:1a:2b:3c:4d:5e'), ('1::2::3'),
    ('2024-01-15'), ('15.01.2024'), ('0.123456789'), ('12345678'), ('+49'),
    ('0000000000'), ('order 12345'), (''), ('   ')) AS t(v);
SELECT datamesh.detect_pii(NULL) IS NULL AS strict,
       datamesh.detect_pii(repeat('a', 300) || '@example.com') AS too_long,
       datamesh.detect_pii(E'alice@example.com\n') AS trailing_newline;
SELECT provolatile, proisstrict, proparallel FROM pg_proc
 WHERE oid = 'datamesh.detect_pii(text)'::regprocedure;

-- invalid input: an unknown domain
SELECT * FROM datamesh.lint('lint_nope');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM datamesh.lint('');

-- the shop: its private relations
SELECT datamesh.create_domain('lint_shop', 'regress_sales');
SET ROLE regress_alice;
-- contact: a name that says nothing, full of e-mail addresses (found only
-- by its values); email: classified; description: sentences with an @;
-- note: one e-mail address in three values (no majority); half: two in four
CREATE TABLE lint_shop_raw.customers (id int PRIMARY KEY, contact text,
    email text, description text, note varchar(100), half text,
    shipping text, phone_number text, code char(30));
INSERT INTO lint_shop_raw.customers (id, contact, email, description, note, half, shipping, phone_number, code)
SELECT i, 'customer' || i || '@example.com', 'c' || i || '@example.org',
       'write to support@example.com for help, reference ' || i,
       CASE WHEN i % 3 = 0 THEN 'x' || i || '@example.com' ELSE 'call back' END,
       CASE WHEN i % 2 = 0 THEN 'h' || i || '@example.com' ELSE 'no' END,
       'ground', '+49 30 ' || (1000000 + i), 'DE89 3704 0044 0532 0130 00'
  FROM generate_series(1, 12) i;
SELECT datamesh.set_pii('lint_shop_raw.customers', 'email', 'email');
-- a column named like personal data, classified: not flagged
SELECT datamesh.set_pii('lint_shop_raw.customers', 'phone_number', 'hash');

-- information objects: payment cards, IP addresses, JSON payloads
CREATE TABLE lint_shop_information_objects.payments (id int, ref text, origin text,
    payload jsonb, raw json, amount numeric);
INSERT INTO lint_shop_information_objects.payments
SELECT i, CASE WHEN i % 4 = 0 THEN 'n/a' ELSE '4111 1111 1111 1111' END,
       '10.0.' || (i % 250) || '.' || (i % 7),
       jsonb_build_object('customer', jsonb_build_object('mail', 'p' || i || '@example.com', 'tier', 'gold'),
                          'cards', jsonb_build_array('5555-5555-5555-4444'),
                          'alice@example.com', 'keyed by an address', 'count', i),
       json_build_object('ibans', json_build_array('GB82 WEST 1234 5698 7654 32'), 'n', i),
       i * 10
  FROM generate_series(1, 8) i;
-- a materialized view of e-mail addresses, and one never populated
CREATE MATERIALIZED VIEW lint_shop_information_objects.mailing AS
    SELECT id, contact AS recipient FROM lint_shop_raw.customers;
CREATE MATERIALIZED VIEW lint_shop_information_objects.mailing_later AS
    SELECT id, contact AS recipient FROM lint_shop_raw.customers WITH NO DATA;

-- intermediates: one read by two objects, one by one, one by none
CREATE VIEW lint_shop_intermediates.customer_emails AS
    SELECT id, email AS customer_email, contact FROM lint_shop_raw.customers;
CREATE VIEW lint_shop_intermediates.mail_list AS
    SELECT id, customer_email, lower(contact) AS contact_mail FROM lint_shop_intermediates.customer_emails;
CREATE VIEW lint_shop_information_objects.customer_count AS
    SELECT count(*) AS n FROM lint_shop_intermediates.customer_emails;
CREATE VIEW lint_shop_intermediates.unused AS SELECT 1 AS one;
-- an SQL-standard function body reads an intermediate too: with a view,
-- two readers
CREATE VIEW lint_shop_intermediates.days AS SELECT generate_series(1, 7) AS day;
CREATE FUNCTION lint_shop_information_objects.day_count() RETURNS bigint
LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM lint_shop_intermediates.days; END;
CREATE VIEW lint_shop_information_objects.weekend AS
    SELECT day FROM lint_shop_intermediates.days WHERE day > 5;
-- a function granted to a team member keeps PostgreSQL's default EXECUTE
-- for PUBLIC in its ACL: no bypass (the private schema guards it)
GRANT EXECUTE ON FUNCTION lint_shop_information_objects.day_count() TO regress_alice;

-- products: one described and contracted, one neither
CREATE TABLE lint_shop_information_objects.orders (id int PRIMARY KEY, amount numeric(12,2));
INSERT INTO lint_shop_information_objects.orders VALUES (1, 10), (2, 20);
SELECT datamesh.publish_product('lint_shop_information_objects.orders',
                                description => 'Orders of the shop, one row per order');
SELECT datamesh.publish_contract('lint_shop_data_products.orders', '{
  "apiVersion": "v3.1.0", "kind": "DataContract", "id": "lint_shop.orders",
  "version": "1.0.0", "status": "active",
  "schema": [{"name": "orders", "physicalName": "lint_shop_data_products.orders",
              "properties": [{"name": "id", "physicalType": "integer"},
                             {"name": "amount", "physicalType": "numeric(12,2)"}]}],
  "slaProperties": [{"property": "freshness", "value": 1, "unit": "h"},
                    {"property": "retention", "value": 1, "unit": "y"}],
  "support": [{"channel": "shop-data", "url": "mailto:shop-data@example.com"}]}');
SELECT datamesh.publish_product('lint_shop_intermediates.mail_list');

-- row order: a table partitioned by a classified column cannot be
-- published, and its key cannot be classified after publishing; a label
-- written into the catalog directly (as a dump of an older datamesh could
-- leave it) is what lint reports
CREATE TABLE lint_shop_raw.members (id int, birthday date, mobile text)
    PARTITION BY RANGE (birthday);
CREATE TABLE lint_shop_raw.members_old PARTITION OF lint_shop_raw.members
    FOR VALUES FROM ('1900-01-01') TO ('1980-01-01');
CREATE TABLE lint_shop_raw.members_new PARTITION OF lint_shop_raw.members
    FOR VALUES FROM ('1980-01-01') TO ('2100-01-01');
SELECT datamesh.set_pii('lint_shop_raw.members', 'birthday', 'year');
SELECT datamesh.publish_product('lint_shop_raw.members', description => 'Members',
                                columns => ARRAY['id']::name[]);
SELECT datamesh.unset_pii('lint_shop_raw.members', 'birthday');
SELECT datamesh.publish_product('lint_shop_raw.members', description => 'Members',
                                columns => ARRAY['id']::name[]);
SELECT datamesh.set_pii('lint_shop_raw.members', 'birthday', 'year');
RESET ROLE;
SET allow_system_table_mods = on;
INSERT INTO pg_catalog.pg_seclabel (objoid, classoid, objsubid, provider, label)
VALUES ('lint_shop_raw.members'::regclass, 'pg_catalog.pg_class'::regclass, 2, 'datamesh', 'pii:year');
RESET allow_system_table_mods;
SET ROLE regress_alice;
-- a table clustered later on a classified column (CLUSTER is no DDL the
-- event triggers see), and one clustered on an unclassified column
CREATE TABLE lint_shop_information_objects.accounts (id int PRIMARY KEY, owner_email text);
CREATE INDEX accounts_owner ON lint_shop_information_objects.accounts (lower(owner_email));
INSERT INTO lint_shop_information_objects.accounts VALUES (1, 'b@example.com'), (2, 'a@example.com');
SELECT datamesh.set_pii('lint_shop_information_objects.accounts', 'owner_email', 'hash');
SELECT datamesh.publish_product('lint_shop_information_objects.accounts', description => 'Accounts');
CLUSTER lint_shop_information_objects.accounts USING accounts_owner;
CLUSTER lint_shop_information_objects.orders USING orders_pkey;
RESET ROLE;

-- the report: every rule fires where it should, and only there
SELECT * FROM datamesh.lint('lint_shop');
-- the contact column is found by its values only
SELECT rule, severity, message FROM datamesh.lint('lint_shop')
 WHERE message LIKE 'Column "contact"%';
-- what is not flagged: classified columns (also through views), names
-- that merely contain a PII word (shipping, description), the minority
-- column, partitions, the unpopulated materialized view, the intermediate
-- read twice, the product with description and contract
SELECT count(*) FILTER (WHERE message LIKE 'Column "email"%' OR message LIKE 'Column "customer_email"%'
                           OR message LIKE 'Column "phone_number"%') AS classified,
       count(*) FILTER (WHERE message LIKE 'Column "shipping"%' OR message LIKE 'Column "description"%'
                           OR message LIKE 'Column "note"%' OR message LIKE 'Column "amount"%') AS innocent,
       count(*) FILTER (WHERE object LIKE '%members\_%' OR object LIKE '%mailing\_later') AS partitions_unpopulated,
       count(*) FILTER (WHERE object IN ('lint_shop_intermediates.customer_emails',
                                         'lint_shop_intermediates.days',
                                         'lint_shop_information_objects.day_count()',
                                         'lint_shop_data_products.orders')) AS fine
  FROM datamesh.lint('lint_shop');

-- order_leak also where the catalog keys alone do not tell: a view
-- column's own label over the cluster key, a cluster key over the whole
-- row (CLUSTER ... USING after publishing runs no event trigger)
BEGIN;
CREATE TABLE lint_shop_raw.graded (id int, grade int);
CREATE INDEX graded_grade ON lint_shop_raw.graded (grade);
CREATE VIEW lint_shop_intermediates.graded_v AS SELECT id, grade FROM lint_shop_raw.graded;
SELECT datamesh.set_pii('lint_shop_intermediates.graded_v', 'grade', 'redact');
SELECT datamesh.publish_product('lint_shop_intermediates.graded_v', 'graded');
CLUSTER lint_shop_raw.graded USING graded_grade;
CREATE TABLE lint_shop_raw.paid (id int, salary int);
SELECT datamesh.set_pii('lint_shop_raw.paid', 'salary', 'redact');
CREATE FUNCTION lint_shop_raw.sal(lint_shop_raw.paid) RETURNS int IMMUTABLE LANGUAGE plpgsql
    AS 'BEGIN RETURN $1.salary; END';
CREATE INDEX paid_sal ON lint_shop_raw.paid (lint_shop_raw.sal(paid));
SELECT datamesh.publish_product('lint_shop_raw.paid', 'paid');
CLUSTER lint_shop_raw.paid USING paid_sal;
SELECT object, message FROM datamesh.lint('lint_shop')
 WHERE rule = 'order_leak' AND object IN ('lint_shop_data_products.graded', 'lint_shop_data_products.paid')
 ORDER BY object;
ROLLBACK;

-- a name ending in id, key, ref ... names a key that points at the data,
-- unless the pattern itself ends so (tax_id)
BEGIN;
CREATE TABLE lint_shop_raw.keys (address_id int, email_key int, phone_ref int,
                                 customer_ids int[], tax_id text, birth_place text);
SELECT message FROM datamesh.lint('lint_shop')
 WHERE object = 'lint_shop_raw.keys' AND rule = 'pii_name' ORDER BY message;
ROLLBACK;

-- JSON keyed by data: a key met once in the sample is not named (it may be
-- a customer's name), a key with a digit never; a key of every document is
BEGIN;
CREATE TABLE lint_shop_raw.keyed (id int, j jsonb);
INSERT INTO lint_shop_raw.keyed (id, j) VALUES
    (1, '{"customers": {"kim_lee": "kim@example.com"}, "contact": {"mail": "a@example.com"}}'),
    (2, '{"customers": {"4711": "z@example.com"}, "contact": {"mail": "b@example.com"}}'),
    (3, '{"customers": {"4712": "y@example.com"}, "contact": {"mail": "c@example.com"}}');
SELECT message FROM datamesh.lint('lint_shop')
 WHERE object = 'lint_shop_raw.keyed' AND rule = 'pii_values' ORDER BY message;
ROLLBACK;

-- product_contact: a contact tag on the domain (or the product) names
-- someone to ask, as the orders contract's support channel does
BEGIN;
SELECT datamesh.set_tag('lint_shop_data_products.accounts', 'contact', 'accounts@example.com');
SELECT object FROM datamesh.lint('lint_shop') WHERE rule = 'product_contact' ORDER BY object;
SELECT datamesh.set_domain_tag('lint_shop', 'contact', 'shop-data@example.com');
SELECT count(*) FROM datamesh.lint('lint_shop') WHERE rule = 'product_contact';
-- a contact tag without a value, or a blank one, names nobody
SELECT datamesh.set_domain_tag('lint_shop', 'contact', ' ');
SELECT datamesh.set_tag('lint_shop_data_products.accounts', 'contact');
SELECT count(*) FROM datamesh.lint('lint_shop') WHERE rule = 'product_contact';
-- a contact tag on a column names nobody for the product
SELECT datamesh.unset_domain_tag('lint_shop', 'contact');
SELECT datamesh.unset_tag('lint_shop_data_products.accounts', 'contact');
SELECT datamesh.set_tag('lint_shop_data_products.accounts', 'id', 'contact', 'x@example.com');
SELECT count(*) FROM datamesh.lint('lint_shop') WHERE rule = 'product_contact'
   AND object = 'lint_shop_data_products.accounts';
ROLLBACK;

-- every domain at once, ordered by domain, severity, object, rule
SELECT count(*) = (SELECT count(*) FROM datamesh.lint('lint_shop')) AS same
  FROM datamesh.lint() WHERE domain = 'lint_shop';
SELECT array_agg(row(severity, object, rule, message)::text ORDER BY ord)
       = array_agg(row(severity, object, rule, message)::text ORDER BY
           CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
           object COLLATE "C", rule COLLATE "C", message COLLATE "C") AS ordered
  FROM datamesh.lint('lint_shop') WITH ORDINALITY AS l(domain, object, rule, severity, message, ord);

-- lint writes nothing: it runs in a read-only transaction
BEGIN READ ONLY;
SELECT count(*) > 0 AS runs FROM datamesh.lint('lint_shop');
COMMIT;

-- a stale product: its freshness (a stand-in for datamesh.freshness,
-- rolled back) two hours old against an SLO of one hour; without a
-- known freshness there is no finding
BEGIN;
CREATE OR REPLACE FUNCTION datamesh.freshness(object regclass) RETURNS timestamptz
LANGUAGE sql STABLE AS $$ SELECT now() - interval '2 hours' $$;
SELECT object, rule, severity, message FROM datamesh.lint('lint_shop') WHERE rule = 'stale_product';
CREATE OR REPLACE FUNCTION datamesh.freshness(object regclass) RETURNS timestamptz
LANGUAGE sql STABLE AS $$ SELECT now() - interval '59 minutes' $$;
SELECT count(*) AS stale_within_slo FROM datamesh.lint('lint_shop') WHERE rule = 'stale_product';
ROLLBACK;
SELECT count(*) AS stale_unknown FROM datamesh.lint('lint_shop') WHERE rule = 'stale_product';

-- an analyst of no team, without privileges on the private schemas: the
-- catalog rules, but no value is sampled
SET ROLE regress_carol;
SELECT rule, count(*) FROM datamesh.lint('lint_shop') GROUP BY rule ORDER BY rule;
RESET ROLE;

-- a relation that cannot be sampled (its row security policy fails for
-- the caller) is reported, and lint goes on
SET ROLE regress_alice;
CREATE TABLE lint_shop_information_objects.guarded (id int, who text);
INSERT INTO lint_shop_information_objects.guarded VALUES (1, 'a@example.com');
ALTER TABLE lint_shop_information_objects.guarded ENABLE ROW LEVEL SECURITY;
ALTER TABLE lint_shop_information_objects.guarded FORCE ROW LEVEL SECURITY;
CREATE POLICY fails ON lint_shop_information_objects.guarded USING (1 / (id - id) = 1);
SELECT object, rule, severity, message FROM datamesh.lint('lint_shop')
 WHERE object = 'lint_shop_information_objects.guarded';
DROP TABLE lint_shop_information_objects.guarded;
RESET ROLE;

-- grants that bypass the layout: made with enforcement off; a grant to a
-- member of the team is fine
SET datamesh.enforce = off;
GRANT SELECT ON lint_shop_raw.customers TO regress_hr;
GRANT SELECT (contact), UPDATE (contact) ON lint_shop_raw.customers TO regress_carol;
GRANT USAGE ON SCHEMA lint_shop_raw TO regress_carol;
GRANT SELECT ON lint_shop_raw.customers TO regress_alice;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sales IN SCHEMA lint_shop_intermediates
    GRANT SELECT ON TABLES TO PUBLIC;
RESET datamesh.enforce;
SELECT object, severity, message FROM datamesh.lint('lint_shop') WHERE rule = 'grant_bypass';

-- an analyst of no team: the catalog rules, and values only where he may
-- read them (the contact column: a column grant), other columns skipped
SET ROLE regress_carol;
SELECT rule, count(*) FROM datamesh.lint('lint_shop') GROUP BY rule ORDER BY rule;
SELECT object, message FROM datamesh.lint('lint_shop') WHERE rule = 'pii_values';
RESET ROLE;

-- the fixes the messages name make the findings go
SELECT datamesh.set_pii('lint_shop_raw.customers', 'contact', 'email');
REVOKE ALL ON SCHEMA lint_shop_raw FROM regress_carol;
REVOKE ALL (contact) ON TABLE lint_shop_raw.customers FROM regress_carol;
REVOKE ALL ON TABLE lint_shop_raw.customers FROM regress_hr;
REVOKE ALL ON TABLE lint_shop_raw.customers FROM regress_alice;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sales IN SCHEMA lint_shop_intermediates REVOKE ALL ON TABLES FROM PUBLIC;
SET ROLE regress_alice;
ALTER TABLE lint_shop_information_objects.accounts SET WITHOUT CLUSTER;
COMMENT ON VIEW lint_shop_data_products.mail_list IS 'The mailing list';
RESET ROLE;
SELECT rule, count(*) FROM datamesh.lint('lint_shop') GROUP BY rule ORDER BY rule;
-- classified now, the contact column masks the views that pass it on
SELECT message FROM datamesh.lint('lint_shop') WHERE message LIKE 'Column "contact%';

-- a big table: the sample reads a bounded number of pages and rows
SELECT datamesh.create_domain('lint_big', 'regress_hr');
SET ROLE regress_bob;
CREATE TABLE lint_big_raw.events (id int, kind text, detail text);
INSERT INTO lint_big_raw.events (id, kind, detail)
SELECT i, 'event', 'nothing personal ' || i FROM generate_series(1, 200000) i;
ANALYZE lint_big_raw.events;
RESET ROLE;
SELECT relpages > 1000 AS big FROM pg_class WHERE oid = 'lint_big_raw.events'::regclass;
BEGIN;
SELECT pg_stat_get_xact_blocks_fetched('lint_big_raw.events'::regclass) AS blocks0,
       pg_stat_get_xact_tuples_returned('lint_big_raw.events'::regclass) AS rows0 \gset
SELECT * FROM datamesh.lint('lint_big');
SELECT pg_stat_get_xact_blocks_fetched('lint_big_raw.events'::regclass) - :blocks0
           BETWEEN 1 AND 64 AS pages_bounded,
       pg_stat_get_xact_tuples_returned('lint_big_raw.events'::regclass) - :rows0
           BETWEEN 100 AND 1000 AS rows_bounded;
COMMIT;

SELECT datamesh.drop_domain('lint_big', true);
-- the contracted product goes with its domain: enforcement off, as in contracts.sql
SET datamesh.enforce = off;
SET client_min_messages = error;
SELECT datamesh.drop_domain('lint_shop', true);
RESET client_min_messages;
RESET datamesh.enforce;
SELECT * FROM datamesh.lint() WHERE domain LIKE 'lint\_%';
-- the catalog rows of this file go, so that it can run again in one database
DELETE FROM datamesh.contract WHERE product LIKE 'lint\_%';
DELETE FROM datamesh.contract_event WHERE product LIKE 'lint\_%';
SELECT * FROM datamesh.verify();
