-- the catalog: tags (defined and free-form, on domains, relations and
-- columns), descriptions, the discovery views, and search with its index
\i sql/include/roles.sql
\set VERBOSITY default
SELECT datamesh.create_domain('cat_shop', 'regress_sales',
                              description => 'Orders and customers of the web shop');
SELECT datamesh.create_domain('cat_hr', 'regress_hr', description => 'People and payroll');
CREATE TABLE cat_shop_raw.orders (id int PRIMARY KEY, customer_email text, amount numeric,
                                  placed_on date);
COMMENT ON COLUMN cat_shop_raw.orders.amount IS 'Gross amount in euros';
SELECT datamesh.set_pii('cat_shop_raw.orders', 'customer_email', 'email');
SELECT datamesh.publish_product('cat_shop_raw.orders',
           description => 'Every order placed in the web shop, one row per order');
CREATE TABLE cat_hr_raw.salaries (person_id int, salary numeric, payday date);
SELECT datamesh.publish_product('cat_hr_raw.salaries', 'payroll');
CREATE TABLE public.cat_outside (a int);

-- define_tag is for admins: EXECUTE is revoked from PUBLIC
SET ROLE regress_alice;
SELECT datamesh.define_tag('tier', ARRAY['gold', 'silver', 'bronze']);
RESET ROLE;
SELECT datamesh.define_tag('tier', ARRAY['gold', 'silver', 'bronze'], 'Service level of a product');
SELECT datamesh.define_tag('cat_retention');
-- bad definitions change nothing
SELECT datamesh.define_tag('Tier');
SELECT datamesh.define_tag('1tier');
SELECT datamesh.define_tag('ti-er');
SELECT datamesh.define_tag(repeat('t', 64));
SELECT datamesh.define_tag(NULL);
SELECT datamesh.define_tag('cat_bad', ARRAY[]::text[]);
SELECT datamesh.define_tag('cat_bad', ARRAY['a', NULL]);
SELECT datamesh.define_tag('cat_bad', ARRAY['a', 'a']);
SELECT datamesh.define_tag('cat_bad', ARRAY['']);
SELECT datamesh.define_tag('cat_bad', ARRAY[E'a\nb']);
SELECT datamesh.define_tag('cat_bad', ARRAY[['a'], ['b']]);
SELECT tag, allowed_values, description FROM datamesh.tag_definition
 WHERE tag IN ('tier', 'cat_retention', 'cat_bad') ORDER BY tag;

-- members tag their domain's relations and columns; defined tags take
-- only their values, others are free-form (with or without a value)
SET ROLE regress_alice;
SELECT datamesh.set_tag('cat_shop_data_products.orders', 'tier', 'gold');
SELECT datamesh.set_tag('cat_shop_data_products.orders', 'tier', 'platinum');
SELECT datamesh.set_tag('cat_shop_data_products.orders', 'tier');
SELECT datamesh.set_tag('cat_shop_data_products.orders', 'certified');
SELECT datamesh.set_tag('cat_shop_data_products.orders', 'amount', 'unit', 'EUR');
SELECT datamesh.set_tag('cat_shop_raw.orders', 'source', 'webshop-db');
SELECT datamesh.set_tag('cat_shop_raw.orders', 'placed_on', 'grain', 'day');
SELECT datamesh.set_domain_tag('cat_shop', 'contact', 'shop-data@example.com');
-- the same tag again replaces its value
SELECT datamesh.set_tag('cat_shop_raw.orders', 'source', 'webshop-replica');
-- bad input
SELECT datamesh.set_tag('cat_shop_raw.orders', 'Bad Tag', 'x');
SELECT datamesh.set_tag('cat_shop_raw.orders', NULL, 'x');
SELECT datamesh.set_tag('cat_shop_raw.orders', 'note', '');
SELECT datamesh.set_tag('cat_shop_raw.orders', 'note', repeat('x', 1001));
SELECT datamesh.set_tag('cat_shop_raw.orders', 'note', E'two\nlines');
SELECT datamesh.set_tag(NULL, 'note', 'x');
SELECT datamesh.set_tag('cat_shop_raw.orders', 'nope', 'note', 'x');
SELECT datamesh.set_tag('cat_shop_raw.orders', NULL::name, 'note', 'x');
SELECT datamesh.set_tag('cat_shop_raw.orders_pkey', 'note', 'x');
SELECT datamesh.set_tag('cat_shop_raw.missing', 'note', 'x');
SELECT datamesh.set_domain_tag('cat_nowhere', 'note', 'x');
SELECT datamesh.set_domain_tag('cat_shop', 'tier', 'diamond');
-- another domain's objects, and objects outside the mesh the caller does not own
SELECT datamesh.set_tag('cat_hr_data_products.payroll', 'note', 'x');
SELECT datamesh.set_tag('cat_hr_raw.salaries', 'salary', 'note', 'x');
SELECT datamesh.set_domain_tag('cat_hr', 'note', 'x');
SELECT datamesh.describe('cat_hr_raw.salaries', 'mine now');
SELECT datamesh.set_tag('public.cat_outside', 'note', 'x');
RESET ROLE;
-- outside the mesh, the owner may tag
SELECT datamesh.set_tag('public.cat_outside', 'note', 'scratch');
SELECT * FROM datamesh.tags WHERE object LIKE 'cat\_%' OR object LIKE 'public.cat%'
 ORDER BY object, column_name NULLS FIRST, tag;
SELECT domain, tags FROM datamesh.domains WHERE domain LIKE 'cat\_%' ORDER BY domain;
SELECT product, tags FROM datamesh.products WHERE domain LIKE 'cat\_%' ORDER BY product;
-- the tags are security labels of their own provider
SELECT objoid::regclass, objsubid, label FROM pg_seclabel
 WHERE provider = 'datamesh_tags' AND objoid = 'cat_shop_data_products.orders'::regclass
 ORDER BY objsubid;

-- redefining a tag must not orphan the values in use
SELECT datamesh.define_tag('tier', ARRAY['silver', 'bronze']);
SELECT datamesh.define_tag('tier', ARRAY['gold', 'silver']);
SELECT datamesh.define_tag('source', ARRAY['x']);
SELECT allowed_values FROM datamesh.tag_definition WHERE tag = 'tier';

-- SECURITY LABEL FOR datamesh_tags by hand is checked the same way
SET ROLE regress_alice;
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '{"source": "files", "batch": null}';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '{"tier": "platinum"}';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS 'not json';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '["a"]';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '"a"';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '{"a": {"b": "c"}}';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '{"a": ["b"]}';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '{"a": 1}';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '{"a": "x", "a": "y"}';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_shop_raw.orders IS '{"A": "x"}';
SECURITY LABEL FOR datamesh_tags ON SCHEMA cat_shop_raw IS '{"a": "x"}';
SECURITY LABEL FOR datamesh_tags ON TABLE cat_hr_raw.salaries IS '{"a": "x"}';
RESET ROLE;
SELECT tag, value FROM datamesh.tags WHERE object = 'cat_shop_raw.orders' AND column_name IS NULL
 ORDER BY tag;

-- unset_tag removes one tag; the last one takes the label with it;
-- unsetting a tag that is not there changes nothing
SET ROLE regress_alice;
SELECT datamesh.unset_tag('cat_shop_raw.orders', 'batch');
SELECT datamesh.unset_tag('cat_shop_raw.orders', 'batch');
SELECT datamesh.unset_tag('cat_shop_raw.orders', 'placed_on', 'grain');
SELECT datamesh.unset_domain_tag('cat_shop', 'nothing');
RESET ROLE;
SELECT objsubid, label FROM pg_seclabel
 WHERE provider = 'datamesh_tags' AND objoid = 'cat_shop_raw.orders'::regclass ORDER BY objsubid;

-- describe writes the COMMENT (what psql's \d+ shows); NULL removes it
SET ROLE regress_alice;
SELECT datamesh.describe('cat_shop_raw.orders', 'Orders as the shop database exports them');
SELECT datamesh.describe('cat_shop_data_products.orders', 'amount', 'Gross amount in euros, VAT included');
SELECT datamesh.describe('cat_shop_raw.orders', 'nope', 'x');
SELECT datamesh.describe('cat_shop_raw.orders_pkey', 'x');
RESET ROLE;
SELECT obj_description('cat_shop_raw.orders'::regclass, 'pg_class') AS raw_description,
       col_description('cat_shop_data_products.orders'::regclass, 3) AS amount_description;
\d+ cat_shop_data_products.orders
-- a product's description is its view's COMMENT, whichever way it was written
SET ROLE regress_alice;
SELECT datamesh.describe('cat_shop_data_products.orders', 'Every order of the web shop since 2019');
RESET ROLE;
SELECT description FROM datamesh.products WHERE product = 'cat_shop_data_products.orders';
SELECT description FROM datamesh.product WHERE product = 'cat_shop_data_products.orders';
SET ROLE regress_alice;
SELECT datamesh.describe('cat_shop_raw.orders', NULL);
RESET ROLE;
SELECT obj_description('cat_shop_raw.orders'::regclass, 'pg_class') IS NULL AS removed;

-- a product made anew (its columns change) keeps tags and column descriptions
SET ROLE regress_alice;
SELECT datamesh.publish_product('cat_shop_raw.orders', columns => ARRAY['id', 'amount', 'placed_on']);
RESET ROLE;
SELECT attname FROM pg_attribute WHERE attrelid = 'cat_shop_data_products.orders'::regclass AND attnum > 0
 ORDER BY attnum;
SELECT column_name, tag, value FROM datamesh.tags WHERE object = 'cat_shop_data_products.orders'
 ORDER BY column_name NULLS FIRST, tag;
SELECT col_description('cat_shop_data_products.orders'::regclass, 2) AS amount_description,
       obj_description('cat_shop_data_products.orders'::regclass, 'pg_class') AS description;

-- search: an analyst of no domain finds products by words of their
-- names, descriptions, tags and columns, ranked; never private objects
SET ROLE regress_carol;
SELECT * FROM datamesh.search('web shop orders') WHERE domain LIKE 'cat\_%';
SELECT * FROM datamesh.search('gold') WHERE domain LIKE 'cat\_%';
SELECT * FROM datamesh.search('euros') WHERE domain LIKE 'cat\_%';
SELECT * FROM datamesh.search('payroll') WHERE domain LIKE 'cat\_%';
-- prefixes and English stems match: "ord" and "ordering" find orders
SELECT kind, object FROM datamesh.search('ord') WHERE domain LIKE 'cat\_%';
SELECT kind, object FROM datamesh.search('ordering') WHERE domain LIKE 'cat\_%';
-- every word must match; stop words and punctuation are left out
SELECT kind, object FROM datamesh.search('orders payroll') WHERE domain LIKE 'cat\_%';
SELECT kind, object FROM datamesh.search('the orders!') WHERE domain LIKE 'cat\_%';
SELECT count(*) FROM datamesh.search('');
SELECT count(*) FROM datamesh.search('the of');
SELECT count(*) FROM datamesh.search(NULL);
SELECT count(*) FROM datamesh.search(repeat('x', 100000));
SELECT count(*) FROM datamesh.search('€ ¶');
SELECT datamesh.search_query('Orders, the customers'' e-mails!'), datamesh.search_query('€'),
       datamesh.search_query('orders customers', true);
-- "files" is a tag of a private table: not for carol
SELECT count(*) FROM datamesh.search('files');
RESET ROLE;
-- alice sees her domain's private relations and columns too, not hr's
SET ROLE regress_alice;
SELECT kind, object, matched FROM datamesh.search('files') WHERE domain LIKE 'cat\_%';
SELECT kind, object, matched FROM datamesh.search('placed') WHERE domain LIKE 'cat\_%';
SELECT kind, object, matched FROM datamesh.search('salary') WHERE domain LIKE 'cat\_%';
RESET ROLE;
SET ROLE regress_bob;
SELECT kind, object, matched FROM datamesh.search('salary') WHERE domain LIKE 'cat\_%';
RESET ROLE;

-- the index follows every change at commit, and not a rolled back one
BEGIN;
SET ROLE regress_alice;
SELECT datamesh.describe('cat_shop_data_products.orders', 'Purchases of loyal customers');
RESET ROLE;
ROLLBACK;
SELECT count(*) FROM datamesh.search('loyal');
-- a COMMENT by hand, and a label by hand, are indexed too
SET ROLE regress_alice;
COMMENT ON VIEW cat_shop_data_products.orders IS 'Purchases of loyal customers';
SECURITY LABEL FOR datamesh_tags ON VIEW cat_shop_data_products.orders IS '{"tier": "silver"}';
RESET ROLE;
SELECT kind, object, matched FROM datamesh.search('loyal silver');
-- a transaction set read-only after its change writes no index rows: it
-- commits, verify() reports the product, one refresh repairs it
BEGIN;
SET ROLE regress_alice;
SELECT datamesh.describe('cat_shop_data_products.orders', 'Orders of wombats');
RESET ROLE;
SET TRANSACTION READ ONLY;
SELECT count(*) FROM datamesh.search('wombats');
COMMIT;
SELECT count(*) FROM datamesh.search('wombats');
SELECT object, problem FROM datamesh.verify();
SELECT datamesh.search_refresh(ARRAY['cat_shop_data_products.orders']);
SELECT kind, object FROM datamesh.search('wombats');
SET ROLE regress_alice;
COMMENT ON VIEW cat_shop_data_products.orders IS 'Purchases of loyal customers';
RESET ROLE;
-- an unpublished product leaves the index
SET ROLE regress_bob;
SELECT datamesh.unpublish_product('cat_hr_data_products.payroll');
RESET ROLE;
SELECT count(*) FROM datamesh.search('payroll') WHERE kind <> 'domain';
SELECT count(*) FROM datamesh.search_entry WHERE object LIKE 'cat\_hr%';
-- the index equals what indexing every product anew gives
SELECT count(*) AS entries FROM datamesh.search_entry WHERE object LIKE 'cat\_%';
BEGIN;
CREATE TEMP TABLE before_refresh AS SELECT * FROM datamesh.search_entry;
SELECT datamesh.search_refresh(array_agg(product)) FROM datamesh.product;
SELECT count(*) AS differences FROM (
    (SELECT * FROM datamesh.search_entry EXCEPT SELECT * FROM before_refresh)
    UNION ALL
    (SELECT * FROM before_refresh EXCEPT SELECT * FROM datamesh.search_entry)) d;
ROLLBACK;
-- verify() finds an index that differs from the catalogs (here: changed by
-- hand), and search_refresh repairs it
BEGIN;
UPDATE datamesh.search_entry SET description = 'stale' WHERE kind = 'product' AND object LIKE 'cat\_%';
INSERT INTO datamesh.search_entry
SELECT 'product', 'cat_shop_data_products.gone', NULL, 'cat_shop', 'gone', NULL, NULL, '', '', '', '';
SELECT * FROM datamesh.verify();
SELECT datamesh.search_refresh(ARRAY(SELECT product FROM datamesh.product UNION SELECT object FROM datamesh.search_entry));
SELECT * FROM datamesh.verify();
ROLLBACK;
-- only datamesh refreshes the index
SET ROLE regress_carol;
SELECT datamesh.search_refresh(ARRAY['cat_shop_data_products.orders']);
DELETE FROM datamesh.search_entry;
RESET ROLE;

-- the discovery views are readable by everyone
SET ROLE regress_carol;
SELECT domain, owner, organization, stage, description, tags FROM datamesh.domains
 WHERE domain LIKE 'cat\_%' ORDER BY domain;
SELECT domain, product, source, status, description, tags, contract_version, contract_status
  FROM datamesh.products WHERE domain LIKE 'cat\_%' ORDER BY product;
SELECT * FROM datamesh.pii_columns WHERE object LIKE 'cat\_%' ORDER BY object, column_name;
SELECT count(*) > 0 AS readable FROM datamesh.tags WHERE domain LIKE 'cat\_%';
SELECT tag, allowed_values FROM datamesh.tag_definition WHERE tag = 'tier';
RESET ROLE;

-- a dropped relation takes its tags with it
DROP TABLE public.cat_outside;
SELECT count(*) FROM datamesh.tags WHERE object LIKE 'public.cat%';

-- drop_domain against consumers in other domains: refused while another
-- domain's objects read its products; force drops them too, but not past a
-- data contract of the other domain's product built on them
CREATE VIEW cat_hr_intermediates.order_amounts AS
SELECT id, amount FROM cat_shop_data_products.orders;
SELECT datamesh.publish_product('cat_hr_intermediates.order_amounts');
SELECT datamesh.publish_contract('cat_hr_data_products.order_amounts', $${
  "apiVersion": "v3.1.0", "kind": "DataContract", "id": "cat_hr.order_amounts",
  "version": "1.0.0", "status": "active",
  "schema": [{"name": "order_amounts", "physicalName": "cat_hr_data_products.order_amounts",
              "properties": [{"name": "id", "physicalType": "integer"},
                             {"name": "amount", "physicalType": "numeric"}]}]}$$);
SELECT datamesh.drop_domain('cat_shop');
SELECT datamesh.drop_domain('cat_shop', true);
SELECT count(*) AS still_there FROM pg_namespace WHERE nspname LIKE 'cat\_shop\_%';
-- without the contract, force takes the other domain's view and product along
DELETE FROM datamesh.contract WHERE id = 'cat_hr.order_amounts';
SELECT datamesh.drop_domain('cat_shop', true);
SELECT to_regclass('cat_hr_intermediates.order_amounts') AS view_gone,
       to_regclass('cat_hr_data_products.order_amounts') AS product_gone;
SELECT product FROM datamesh.products WHERE domain LIKE 'cat\_%';
SELECT object FROM datamesh.search_entry WHERE object LIKE 'cat\_%';
SELECT datamesh.drop_domain('cat_hr', true);
SELECT count(*) FROM datamesh.search_entry WHERE object LIKE 'cat\_%';
DELETE FROM datamesh.tag_definition WHERE tag IN ('tier', 'cat_retention');
SELECT * FROM datamesh.verify();
