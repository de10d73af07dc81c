-- PII masking: every strategy on every supported type, edge values, classification through views
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE sales_raw.people (
    id int PRIMARY KEY,
    email text, email_vc varchar(12), email_ch char(20),
    code text, code_vc varchar(6),
    born date, seen timestamp(3), seen_tz timestamptz,
    n2 smallint, n4 int, n8 bigint, num numeric(12,2), f4 real, f8 double precision,
    secret jsonb
);
INSERT INTO sales_raw.people VALUES
 (1, 'ann@example.com', 'ann@ex.org', 'ann@example.com', 'ABCDEFGH', 'ABCDEF',
  '1980-05-17', '2024-03-05 23:30:12.345', '2024-03-31 23:30+00',
  1234, 123456, 1234567890123, 54321.55, 12.5, 1234.5678, '{"k": 1}'),
 (2, 'bo@x.org', 'b@x.org', 'bo@x.org', 'AB', 'A',
  '1999-12-31', '2000-01-01 00:00', '1999-12-31 23:59:59.999999+00',
  -1, -5, -1001, -0.01, -0.5, -1e-9, '[]'),
 (3, '', '', '', '', '',
  'infinity', '-infinity', 'infinity',
  32767, 2147483647, 9223372036854775807, 0, 'NaN', 'Infinity', 'null'),
 (4, 'no-at-sign', 'a@@b', '@example.com', 'Ünïcødé✓', 'Ünïcø',
  '0001-01-01 BC', '4713-01-01 00:00 BC', '294276-12-31 23:59:59+00',
  -32768, -2147483648, -9223372036854775808, -9999999999.99, '-Infinity', 'NaN', NULL),
 (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (6, 'Ünï@exämple.com', 'x@', 'ab@c', repeat('x', 10000), 'ABCDEF',
  '2024-02-29', '2024-02-29 12:00', '2024-02-29 12:00+14',
  0, 0, 0, 999.99, 0, 0, '{}');
-- the remaining (strategy, type) pairs
ALTER TABLE sales_raw.people ADD COLUMN code_ch char(6), ADD COLUMN tag_ch char(8),
    ADD COLUMN born_m date, ADD COLUMN seen_y timestamp, ADD COLUMN seen_tz_y timestamptz;
UPDATE sales_raw.people SET code_ch = left(code_vc, 6), tag_ch = left(email_vc, 8),
    born_m = born, seen_y = seen, seen_tz_y = seen_tz;
SELECT datamesh.set_pii('sales_raw.people', 'code_ch', 'partial(1,1)');
SELECT datamesh.set_pii('sales_raw.people', 'tag_ch', 'hash');
SELECT datamesh.set_pii('sales_raw.people', 'born_m', 'month');
SELECT datamesh.set_pii('sales_raw.people', 'seen_y', 'year');
SELECT datamesh.set_pii('sales_raw.people', 'seen_tz_y', 'year');
-- the same classification by function and by label
SELECT datamesh.set_pii('sales_raw.people', 'email', 'email');
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.people.email_vc IS 'pii:email';
SELECT datamesh.set_pii('sales_raw.people', 'email_ch', 'email');
SELECT datamesh.set_pii('sales_raw.people', 'code', 'partial(2,2)');
SELECT datamesh.set_pii('sales_raw.people', 'code_vc', 'partial(1,0)');
SELECT datamesh.set_pii('sales_raw.people', 'born', 'year');
SELECT datamesh.set_pii('sales_raw.people', 'seen', 'month');
SELECT datamesh.set_pii('sales_raw.people', 'seen_tz', 'month');
SELECT datamesh.set_pii('sales_raw.people', 'n2', 'bucket(100)');
SELECT datamesh.set_pii('sales_raw.people', 'n4', 'bucket(1000)');
SELECT datamesh.set_pii('sales_raw.people', 'n8', 'bucket(1000)');
SELECT datamesh.set_pii('sales_raw.people', 'num', 'bucket(1000)');
SELECT datamesh.set_pii('sales_raw.people', 'f4', 'bucket(10)');
SELECT datamesh.set_pii('sales_raw.people', 'f8', 'bucket(0.5)');
SELECT datamesh.set_pii('sales_raw.people', 'secret');
SELECT * FROM datamesh.pii_columns ORDER BY column_name;
SELECT datamesh.publish_product('sales_raw.people');
RESET ROLE;

-- masked columns keep their type (numeric loses its typmod, see README)
SELECT a.attname, format_type(a.atttypid, a.atttypmod)
  FROM pg_attribute a WHERE a.attrelid = 'sales_data_products.people'::regclass AND a.attnum > 0
 ORDER BY a.attnum;

-- what a reader sees; the reader's TimeZone does not move a truncated instant
SET ROLE regress_carol;
SET TimeZone = 'Pacific/Kiritimati';
SELECT id, email, email_vc, email_ch, code_vc, born, seen, seen_tz FROM sales_data_products.people ORDER BY id;
RESET TimeZone;
SELECT id, left(code, 12) AS code, length(code) AS code_len, n2, n4, n8, num, f4, f8, secret
  FROM sales_data_products.people ORDER BY id;
SELECT id, code_ch, length(tag_ch) AS tag_len, tag_ch IS NOT NULL AS tagged, born_m, seen_y, seen_tz_y
  FROM sales_data_products.people ORDER BY id;
RESET ROLE;
-- superusers see masked values too: only grant_unmasked unmasks
SELECT id, email, code FROM sales_data_products.people WHERE id <= 2 ORDER BY id;

-- each strategy declares its types; others are rejected when classifying
SET ROLE regress_alice;
SELECT datamesh.set_pii('sales_raw.people', 'n4', 'email');
SELECT datamesh.set_pii('sales_raw.people', 'born', 'hash');
SELECT datamesh.set_pii('sales_raw.people', 'email', 'year');
SELECT datamesh.set_pii('sales_raw.people', 'email', 'bucket(10)');
SELECT datamesh.set_pii('sales_raw.people', 'n4', 'bucket(0.5)');
SELECT datamesh.set_pii('sales_raw.people', 'secret', 'partial(1,1)');
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.people.n2 IS 'pii:hash';
SELECT datamesh.set_pii('sales_raw.people', 'email', 'scramble');
SELECT datamesh.set_pii('sales_raw.people', 'nope', 'redact');
SELECT datamesh.set_pii(NULL, 'email');
SELECT datamesh.set_pii('sales_data_products.people', 'email');
SELECT label FROM pg_seclabel WHERE objoid = 'sales_raw.people'::regclass AND objsubid = 2;

-- classification follows the data through views
CREATE VIEW sales_intermediates.contacts AS
SELECT p.id,
       p.email,                               -- passed through: email
       p.email AS email_again,                -- passed through: email
       lower(p.email) AS email_lower,         -- computed: redacted
       p.code::varchar(3) AS code_short,      -- a cast computes: redacted
       length(p.code) AS code_len,            -- computed: redacted
       p.id * 2 AS id2,                       -- reads nothing classified
       (SELECT max(q.email) FROM sales_raw.people q) AS max_email,  -- sub-query: redacted
       j.email AS joined_email                -- through a join: email
  FROM sales_raw.people p JOIN sales_raw.people j USING (id);
CREATE VIEW sales_intermediates.layered AS
WITH c AS (SELECT id, email FROM sales_intermediates.contacts)
SELECT id, email FROM c
UNION ALL
SELECT id, email FROM (SELECT id, email_vc::text AS email FROM sales_raw.people) s;
CREATE VIEW sales_intermediates.mixed AS
SELECT id, email AS v FROM sales_raw.people UNION ALL SELECT id, code FROM sales_raw.people;
CREATE VIEW sales_intermediates.lateral_fn AS
SELECT p.id, x.v AS unnested, y.w AS from_values
  FROM sales_raw.people p,
       LATERAL unnest(ARRAY[p.email]) AS x(v),
       LATERAL (VALUES (p.code)) AS y(w);
CREATE VIEW sales_intermediates.own_label AS SELECT id, lower(email) AS email_lower FROM sales_raw.people;
SECURITY LABEL FOR datamesh ON COLUMN sales_intermediates.own_label.email_lower IS 'pii:partial(1,0)';
SELECT datamesh.publish_product('sales_intermediates.contacts');
SELECT datamesh.publish_product('sales_intermediates.layered');
SELECT datamesh.publish_product('sales_intermediates.mixed');
SELECT datamesh.publish_product('sales_intermediates.own_label');
SELECT datamesh.publish_product('sales_intermediates.lateral_fn');
RESET ROLE;
SET ROLE regress_carol;
SELECT * FROM sales_data_products.contacts WHERE id <= 2 ORDER BY id;
SELECT * FROM sales_data_products.layered WHERE id <= 2 ORDER BY id, email;
SELECT * FROM sales_data_products.mixed WHERE id = 1 ORDER BY v;
SELECT * FROM sales_data_products.own_label WHERE id <= 2 ORDER BY id;
SELECT * FROM sales_data_products.lateral_fn WHERE id <= 2 ORDER BY id;
RESET ROLE;

-- a label set or removed regenerates the products that expose the column
SET ROLE regress_alice;
SELECT datamesh.unset_pii('sales_raw.people', 'email');
RESET ROLE;
SELECT email FROM sales_data_products.people WHERE id = 1;
SELECT email, email_lower FROM sales_data_products.contacts WHERE id = 1;
SET ROLE regress_alice;
SECURITY LABEL FOR datamesh ON COLUMN sales_raw.people.email IS 'pii:redact';
RESET ROLE;
SELECT email FROM sales_data_products.people WHERE id = 1;
SELECT email, email_again FROM sales_data_products.contacts WHERE id = 1;
SELECT product, version FROM datamesh.products ORDER BY product;
-- replacing an upstream view so that a clear column now carries PII regenerates too
SET ROLE regress_alice;
CREATE OR REPLACE VIEW sales_intermediates.own_label AS SELECT id, lower(code) AS email_lower FROM sales_raw.people;
CREATE VIEW sales_intermediates.swap AS SELECT id, n4 AS a, id AS b FROM sales_raw.people;
SELECT datamesh.publish_product('sales_intermediates.swap');
CREATE OR REPLACE VIEW sales_intermediates.swap AS SELECT id, id AS a, n4 AS b FROM sales_raw.people;
RESET ROLE;
SELECT * FROM sales_data_products.swap WHERE id = 1;

-- a partition holds its parent's data: the parent's labels apply to it
SET ROLE regress_alice;
CREATE TABLE sales_raw.visits (id int, email text, day date) PARTITION BY RANGE (day);
CREATE TABLE sales_raw.visits_2024 PARTITION OF sales_raw.visits
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO sales_raw.visits (id, email, day) VALUES (1, 'ann@example.com', '2024-05-01');
SELECT datamesh.publish_product('sales_raw.visits_2024');
SELECT email FROM sales_data_products.visits_2024;
SELECT datamesh.set_pii('sales_raw.visits', 'email', 'email');
SELECT email FROM sales_data_products.visits_2024;
RESET ROLE;

-- renaming or moving the source loses nothing: a later label still reaches the product
SET ROLE regress_alice;
ALTER TABLE sales_raw.people RENAME TO persons;
ALTER TABLE sales_raw.persons SET SCHEMA sales_information_objects;
SELECT datamesh.unset_pii('sales_information_objects.persons', 'email');
SELECT datamesh.set_pii('sales_information_objects.persons', 'email', 'partial(1,0)');
RESET ROLE;
SELECT email FROM sales_data_products.people WHERE id = 1;
SELECT source FROM datamesh.products WHERE product = 'sales_data_products.people';
SET ROLE regress_alice;
ALTER TABLE sales_information_objects.persons SET SCHEMA sales_raw;
ALTER TABLE sales_raw.persons RENAME TO people;
RESET ROLE;

-- clear text only for members of a role granted unmasked access
SET ROLE regress_alice;
SELECT datamesh.grant_unmasked('sales_data_products.people', 'regress_consumers');
RESET ROLE;
SET ROLE regress_carol;    -- a member of regress_consumers
SELECT id, email, code_vc, n4 FROM sales_data_products.people WHERE id = 1;
SELECT id, email, code_short FROM sales_data_products.contacts WHERE id = 1;   -- another product
RESET ROLE;
SET ROLE regress_bob;      -- not a member
SELECT id, email, code_vc, n4 FROM sales_data_products.people WHERE id = 1;
RESET ROLE;
-- decided when the query runs, not when it was planned
SET ROLE regress_carol;
PREPARE p AS SELECT code_vc FROM sales_data_products.people WHERE id = 1;
EXECUTE p;
RESET ROLE;
SET ROLE regress_bob;
EXECUTE p;
RESET ROLE;
SET ROLE regress_alice;
SELECT datamesh.revoke_unmasked('sales_data_products.people', 'regress_consumers');
RESET ROLE;
SET ROLE regress_carol;
EXECUTE p;
DEALLOCATE p;
RESET ROLE;
-- invalid grants
SET ROLE regress_alice;
SELECT datamesh.grant_unmasked('sales_raw.people', 'regress_carol');
SELECT datamesh.grant_unmasked('sales_data_products.people', NULL);
SELECT datamesh.grant_unmasked('sales_data_products.people', 99999::oid::regrole);
RESET ROLE;

-- masking keeps parallel query and index scans
CREATE TABLE sales_raw.big AS SELECT g AS id, 'u' || g || '@example.com' AS email FROM generate_series(1, 20000) g;
ALTER TABLE sales_raw.big ADD PRIMARY KEY (id);
ANALYZE sales_raw.big;
SET ROLE regress_alice;
SELECT datamesh.set_pii('sales_raw.big', 'email', 'email');
SELECT datamesh.publish_product('sales_raw.big');
RESET ROLE;
SET ROLE regress_carol;
EXPLAIN (COSTS OFF) SELECT email FROM sales_data_products.big WHERE id = 42;
SELECT email FROM sales_data_products.big WHERE id = 42;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT count(email) FROM sales_data_products.big;
SELECT count(email), count(DISTINCT email) FROM sales_data_products.big;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET ROLE;

SELECT datamesh.drop_domain('sales');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
