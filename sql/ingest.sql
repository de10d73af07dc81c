-- ingestion helpers: create_raw_table, ingest (and COPY), create_latest_view;
-- raw -> intermediates -> product end to end; every bad input with its error
-- and SQLSTATE, and nothing changed after an error
\i sql/include/roles.sql
\set VERBOSITY default
SELECT datamesh.create_domain('ing_shop', 'regress_sales');
SELECT datamesh.create_domain('ing_hr', 'regress_hr');

-- the relations of the file's domains, with kind and owner
CREATE FUNCTION pg_temp.objects() RETURNS TABLE (object text, kind "char", owner regrole)
LANGUAGE sql AS $$
SELECT c.oid::regclass::text, c.relkind, c.relowner::regrole
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname LIKE 'ing\_%' ORDER BY 1
$$;
-- the columns of a relation with type, NOT NULL and default
CREATE FUNCTION pg_temp.columns(rel regclass)
RETURNS TABLE (column_name name, type text, not_null boolean, default_value text)
LANGUAGE sql AS $$
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid)
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
$$;
-- the indexes of a table
CREATE FUNCTION pg_temp.indexes(rel regclass) RETURNS TABLE (index regclass, definition text)
LANGUAGE sql AS $$
SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index
 WHERE indrelid = rel ORDER BY 1::text
$$;

-- ---------------------------------------------------------------------------
-- create_raw_table
-- ---------------------------------------------------------------------------
SET ROLE regress_alice;
SELECT datamesh.create_raw_table('ing_shop', 'orders', 'erp', 'order');
SELECT * FROM pg_temp.columns('ing_shop_raw.orders');
SELECT * FROM pg_temp.indexes('ing_shop_raw.orders');
-- the table and its index belong to the team's role, not to alice
SELECT * FROM pg_temp.objects();
-- without a type, and in raw_external
SELECT datamesh.create_raw_table('ing_shop', 'rates', 'ecb', external => true);
SELECT * FROM pg_temp.columns('ing_shop_raw_external.rates');
SELECT * FROM pg_temp.indexes('ing_shop_raw_external.rates');
-- a name is taken as written, quoted where needed
SELECT datamesh.create_raw_table('ing_shop', 'Web Events', 'web', 'click');
-- the longest name: PostgreSQL shortens the index's name to fit
SELECT datamesh.create_raw_table('ing_shop', repeat('n', 63), 'erp') AS longest \gset
SELECT octet_length(c.relname) AS index_name_bytes, c.relname LIKE '%n\_\_added\_at\_idx' AS suffix_kept,
       i.definition LIKE '%USING btree (_added_at)' AS on_added_at
  FROM pg_temp.indexes(:'longest') i JOIN pg_class c ON c.oid = i.index;
-- freshness, max(_added_at), is one probe of that index
SET enable_seqscan = off;
EXPLAIN (costs off) SELECT max(_added_at) FROM ing_shop_raw.orders;
RESET enable_seqscan;
RESET ROLE;
-- a superuser with enforcement off gets the same: the team owns the table
SET datamesh.enforce = off;
SELECT datamesh.create_raw_table('ing_shop', 'legacy', 'mainframe');
RESET datamesh.enforce;
SELECT owner FROM pg_temp.objects() WHERE object = 'ing_shop_raw.legacy';
-- with raw_metadata = 'require' too: the table has its metadata columns
SELECT datamesh.configure('raw_metadata', 'require');
SET ROLE regress_alice;
SELECT datamesh.create_raw_table('ing_shop', 'strict_feed', 'erp');
RESET ROLE;
SELECT datamesh.configure('raw_metadata', NULL);

-- ---------------------------------------------------------------------------
-- ingest and COPY
-- ---------------------------------------------------------------------------
SET ROLE regress_alice;
-- an array: one row per element, in one statement
SELECT datamesh.ingest('ing_shop_raw.orders',
    '[{"id": 1, "status": "new", "customer": {"id": "c1"}},
      {"id": 2, "status": "new", "customer": {"id": "c2"}}]');
-- an object: one row; type overrides the table's default for these rows
SELECT datamesh.ingest('ing_shop_raw.orders',
    '{"id": 1, "status": "paid", "customer": {"id": "c1"}}', 'correction');
-- an empty array: nothing
SELECT datamesh.ingest('ing_shop_raw.orders', '[]');
-- elements that are arrays are payloads too
SELECT datamesh.ingest('ing_shop_raw_external.rates', '[["EUR", 1.0], ["USD", 1.08]]');
-- COPY works as usual: metadata from the defaults
COPY ing_shop_raw.orders (payload) FROM STDIN;
{"id": 2, "status": "shipped", "customer": {"id": "c2"}}
{"id": 3, "status": "new", "customer": {"id": "c3"}}
\.
SELECT payload, _type, _source_system, _added_at IS NOT NULL AS stamped
  FROM ing_shop_raw.orders ORDER BY _added_at, payload->>'id';
SELECT payload, _type, _source_system FROM ing_shop_raw_external.rates ORDER BY payload;
-- newline-delimited JSON whose strings hold escapes: COPY's text format would
-- undo the backslashes; CSV with quote and delimiter bytes that JSON text never
-- holds unescaped copies each line as it is
COPY ing_shop_raw."Web Events" (payload) FROM STDIN WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
{"page": "/a,b", "note": "C:\\temp \"quoted\""}
\.
SELECT payload, payload->>'note' AS note, _type, _source_system FROM ing_shop_raw."Web Events";
-- the rows of one statement share _added_at (now(): the transaction's start)
SELECT count(*) AS rows_per_added_at FROM ing_shop_raw.orders GROUP BY _added_at ORDER BY _added_at;
-- a table's own triggers and constraints apply; one row fails, none are added
ALTER TABLE ing_shop_raw.orders ADD CONSTRAINT has_id CHECK (payload ? 'id');
\set VERBOSITY terse
SELECT datamesh.ingest('ing_shop_raw.orders', '[{"id": 4}, {"no_id": 5}]');
\set VERBOSITY default
SELECT count(*) FROM ing_shop_raw.orders;
ALTER TABLE ing_shop_raw.orders DROP CONSTRAINT has_id;
-- a table the team made by hand in raw, with a payload column, works too
CREATE TABLE ing_shop_raw.customers (id int, version int, payload jsonb);
SELECT datamesh.ingest('ing_shop_raw.customers', '[{"name": "Ann"}]');
SELECT id, payload, _type, _source_system FROM ing_shop_raw.customers;
RESET ROLE;

-- ---------------------------------------------------------------------------
-- create_latest_view
-- ---------------------------------------------------------------------------
SET ROLE regress_alice;
-- duplicates across several ingests: order 1 new -> paid, 2 new -> shipped
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'id');
\d ing_shop_intermediates.orders_latest
SELECT pg_get_viewdef('ing_shop_intermediates.orders_latest');
SELECT id, payload->>'status' AS status, _type FROM ing_shop_intermediates.orders_latest ORDER BY id;
SELECT owner FROM pg_temp.objects() WHERE object = 'ing_shop_intermediates.orders_latest';
-- a later ingest shows at once
SELECT datamesh.ingest('ing_shop_raw.orders', '[{"id": 3, "status": "paid"}, {"id": 4, "status": "new"}]');
SELECT id, payload->>'status' AS status FROM ing_shop_intermediates.orders_latest ORDER BY id;
-- ties (a key twice in one call): the row stored last wins; rows without the key are left out
SELECT datamesh.ingest('ing_shop_raw.orders',
    '[{"id": 5, "status": "new"}, {"id": 5, "status": "cancelled"}, {"status": "no id"}]');
SELECT id, payload->>'status' AS status FROM ing_shop_intermediates.orders_latest ORDER BY id;
-- keys from a path compare as text (1 and "1" are one key); a JSON null is no key
SELECT datamesh.create_raw_table('ing_shop', 'keys', 'test');
SELECT datamesh.ingest('ing_shop_raw.keys',
    '[{"id": null, "n": 1}, {"id": 1, "n": 2}, {"id": "1", "n": 3}, {"n": 4}]');
SELECT datamesh.create_latest_view('ing_shop_raw.keys', 'id');
SELECT id, payload FROM ing_shop_intermediates.keys_latest;
-- a nested path: the column is named after its last element
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'customer.id', 'last_order_per_customer');
SELECT id, payload->>'id' AS order_id, payload->>'status' AS status
  FROM ing_shop_intermediates.last_order_per_customer ORDER BY id;
-- a SQL/JSON path (also in strict mode): the column is named key
SELECT datamesh.create_latest_view('ing_shop_raw.orders', '$.customer.id', 'by_customer_jsonpath');
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'strict $.customer.id', 'by_customer_strict');
SELECT key, payload->>'id' AS order_id FROM ing_shop_intermediates.by_customer_jsonpath
EXCEPT ALL
SELECT key, payload->>'id' FROM ing_shop_intermediates.by_customer_strict;
SELECT key, payload->>'id' AS order_id FROM ing_shop_intermediates.by_customer_strict ORDER BY key;
SELECT column_name, type FROM pg_temp.columns('ing_shop_intermediates.by_customer_strict');
-- a path may index into arrays; a field name with a dot needs a SQL/JSON path
SELECT datamesh.ingest('ing_shop_raw_external.rates', '{"pair": ["EUR", "CHF"], "a.b": 1, "rate": 0.94}');
SELECT datamesh.create_latest_view('ing_shop_raw_external.rates', 'pair.1', 'rates_by_quote');
SELECT "1", payload->>'rate' AS rate FROM ing_shop_intermediates.rates_by_quote;
SELECT datamesh.create_latest_view('ing_shop_raw_external.rates', '$."a.b"', 'rates_by_ab');
SELECT key FROM ing_shop_intermediates.rates_by_ab;
-- a column as key, a column of its own as order: rows without a version come last
INSERT INTO ing_shop_raw.customers (id, version, payload) VALUES
    (1, 1, '{"name": "Ann"}'), (1, 2, '{"name": "Ann Smith"}'), (1, NULL, '{"name": "?"}'),
    (2, NULL, '{"name": "Bob"}');
SELECT datamesh.create_latest_view('ing_shop_raw.customers', 'id', order_by => 'version');
SELECT column_name FROM pg_temp.columns('ing_shop_intermediates.customers_latest');
SELECT id, version, payload->>'name' AS name FROM ing_shop_intermediates.customers_latest ORDER BY id;
-- a key that names a column wins over a path of the same text
SELECT datamesh.create_latest_view('ing_shop_raw.orders', '_type', 'orders_by_type');
SELECT _type, payload->>'status' AS status FROM ing_shop_intermediates.orders_by_type ORDER BY _type;
RESET ROLE;

-- ---------------------------------------------------------------------------
-- raw -> intermediates -> product
-- ---------------------------------------------------------------------------
SET ROLE regress_alice;
SELECT datamesh.publish_product('ing_shop_intermediates.orders_latest', 'orders',
                                description => 'Orders, the newest state of each');
SELECT column_name, type FROM pg_temp.columns('ing_shop_data_products.orders');
SET ROLE regress_carol;
SELECT id, payload->>'status' AS status FROM ing_shop_data_products.orders ORDER BY id;
SET ROLE regress_alice;
SELECT datamesh.ingest('ing_shop_raw.orders', '{"id": 4, "status": "paid"}');
SET ROLE regress_carol;
SELECT id, payload->>'status' AS status FROM ing_shop_data_products.orders WHERE id = '4';
RESET ROLE;
SELECT product, source, description FROM datamesh.products WHERE domain = 'ing_shop';

-- ---------------------------------------------------------------------------
-- invalid input: each error, then its SQLSTATE; nothing changes
-- ---------------------------------------------------------------------------
SELECT count(*) AS objects FROM pg_temp.objects() \gset before_
SELECT count(*) AS orders FROM ing_shop_raw.orders \gset before_
SELECT 'ing_shop_raw.orders'::regclass::oid AS orders_oid \gset
SET ROLE regress_alice;
-- create_raw_table
SELECT datamesh.create_raw_table(NULL, 'x', 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', NULL, 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', 'x', NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', 'x', 'erp', external => NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('no_such_domain', 'x', 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', '', 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', repeat('n', 64), 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', repeat('é', 32), 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', 'x', '');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', 'x', '  ');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', 'x', 'erp', '');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_raw_table('ing_shop', 'orders', 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TYPE ing_shop_raw.mood AS ENUM ('ok');
SELECT datamesh.create_raw_table('ing_shop', 'mood', 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TYPE ing_shop_raw.mood;
-- ingest
SELECT datamesh.ingest(NULL, '{}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest(0, '{}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_intermediates.orders_latest', '{}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE ing_shop_information_objects.notes (payload jsonb);
SELECT datamesh.ingest('ing_shop_information_objects.notes', '{}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TABLE ing_shop_information_objects.notes;
CREATE TABLE ing_shop_raw.plain (id int);
SELECT datamesh.ingest('ing_shop_raw.plain', '{}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE ing_shop_raw.texts (payload text);
SELECT datamesh.ingest('ing_shop_raw.texts', '{}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_raw.orders', NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_raw.orders', '{"id": 1}', '');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_raw.orders', '42');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_raw.orders', 'null');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_raw.orders', '"a string"');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_raw.orders', '[{"id": 7}, {"id": 8}, true]');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_raw.orders', '[{"id": 7}, null]');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- text that is not JSON fails at the cast to jsonb
SELECT datamesh.ingest('ing_shop_raw.orders', '[{"id": 7}, {"id": 8');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- create_latest_view
SELECT datamesh.create_latest_view(NULL, 'id');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_intermediates.orders_latest', 'id', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', NULL, 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', '', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'customer..id', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', '.id', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'customer.', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'a.' || repeat('k', 64), 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', '$.customer[', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', '$.id ? (@ > $min)', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'doc.payload', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE ing_shop_raw.keyed (key text, payload jsonb, doc json, spot point);
SELECT datamesh.create_latest_view('ing_shop_raw.keyed', '$.id', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.keyed', 'doc', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.keyed', 'key', 'x', order_by => 'spot');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.plain', 'customer.id', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'id', 'x', order_by => NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'id', 'x', order_by => 'updated_at');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'id', 'x', order_by => 'ctid');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'id', '');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'id', repeat('v', 64));
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view(:'longest', 'id');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view('ing_shop_raw.orders', 'id');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TABLE ing_shop_raw.plain, ing_shop_raw.texts, ing_shop_raw.keyed;
RESET ROLE;

-- outside the team: carol is in no domain, bob is in another one.  The DDL
-- helpers refuse with datamesh's error; ingest is plain INSERT, refused by
-- PostgreSQL's privileges (by name, already when the name is resolved)
SET ROLE regress_carol;
SELECT datamesh.create_raw_table('ing_shop', 'x', 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest('ing_shop_raw.orders', '{"id": 9}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest(:orders_oid, '{"id": 9}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view(:orders_oid, 'id', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SET ROLE regress_bob;
SELECT datamesh.create_raw_table('ing_shop', 'x', 'erp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.ingest(:orders_oid, '{"id": 9}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT datamesh.create_latest_view(:orders_oid, 'id', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- bob's own domain works for him
SELECT datamesh.create_raw_table('ing_hr', 'people', 'hris');
SELECT datamesh.ingest('ing_hr_raw.people', '[{"id": 1}]');
RESET ROLE;
-- nothing changed but bob's table and its index
SELECT count(*) - :before_objects AS new_objects FROM pg_temp.objects();
SELECT count(*) - :before_orders AS new_orders FROM ing_shop_raw.orders;
SELECT object, kind, owner FROM pg_temp.objects() WHERE object LIKE 'ing\_hr%';

SELECT datamesh.drop_domain('ing_shop');
SELECT datamesh.drop_domain('ing_hr');
SELECT * FROM datamesh.verify();
