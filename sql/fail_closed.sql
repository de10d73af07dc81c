-- masking fails closed: every label, view and grant change keeps every product masked (the repros of issue 7)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS datamesh;
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['regress_fc_team', 'regress_fc_other', 'regress_fc_reader']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$$;
RESET client_min_messages;
SELECT datamesh.create_domain('fc', 'regress_fc_team');
SET ROLE regress_fc_team;

-- 1. a label set after publishing reaches a product read through a view of the same schema
CREATE TABLE fc_information_objects.c (id int, email text, amount numeric(5,2), note text);
INSERT INTO fc_information_objects.c VALUES (1, 'ann@example.com', 123.45, 'x'), (2, 'bob@example.org', -999.99, 'y');
CREATE VIEW fc_information_objects.v AS SELECT * FROM fc_information_objects.c;
SELECT datamesh.publish_product('fc_information_objects.v');
SELECT datamesh.set_pii('fc_information_objects.c', 'email', 'email');
SELECT id, email FROM fc_data_products.v ORDER BY id;
-- by SECURITY LABEL too, and through a chain of views in several schemas
CREATE VIEW fc_intermediates.v2 AS SELECT id, note FROM fc_information_objects.v;
CREATE VIEW fc_information_objects.v3 AS SELECT * FROM fc_intermediates.v2;
SELECT datamesh.publish_product('fc_information_objects.v3');
SECURITY LABEL FOR datamesh ON COLUMN fc_information_objects.c.note IS 'pii:partial(0,0)';
SELECT id, note FROM fc_data_products.v3 ORDER BY id;
SECURITY LABEL FOR datamesh ON COLUMN fc_information_objects.c.note IS NULL;
SELECT id, note FROM fc_data_products.v3 ORDER BY id;
-- a diamond of views is classified once per column, and regenerated
CREATE VIEW fc_intermediates.d0 AS SELECT id, note FROM fc_information_objects.c;
CREATE VIEW fc_intermediates.d1 AS SELECT a.id, a.note FROM fc_intermediates.d0 a JOIN fc_intermediates.d0 b USING (id);
CREATE VIEW fc_intermediates.d2 AS SELECT a.id, a.note FROM fc_intermediates.d1 a JOIN fc_intermediates.d1 b USING (id);
CREATE VIEW fc_intermediates.d3 AS SELECT a.id, a.note FROM fc_intermediates.d2 a JOIN fc_intermediates.d2 b USING (id);
SELECT datamesh.publish_product('fc_intermediates.d3');
SELECT datamesh.set_pii('fc_information_objects.c', 'note', 'redact');
SELECT id, note FROM fc_data_products.d3 ORDER BY id;
SELECT datamesh.unset_pii('fc_information_objects.c', 'note');

-- a column a product publishes keeps its name in the product's source (a view keeps its own names)
CREATE TABLE fc_raw.direct (id int, name text);
SELECT datamesh.publish_product('fc_raw.direct');
ALTER TABLE fc_raw.direct RENAME COLUMN name TO full_name;
ALTER TABLE fc_information_objects.c RENAME COLUMN note TO remark;
-- renaming a source itself is fine
ALTER TABLE fc_information_objects.c RENAME TO c_renamed;
ALTER TABLE fc_information_objects.c_renamed RENAME TO c;
-- a column added to the source is not published by itself
ALTER TABLE fc_information_objects.c ADD COLUMN phone text;
SELECT columns FROM datamesh.products WHERE product = 'fc_data_products.v';
-- a table outside the mesh, labelled by its owner who is no team member, still reaches the product
RESET ROLE;
CREATE TABLE public.fc_ref (id int, secret text);
INSERT INTO public.fc_ref VALUES (1, 'topsecret');
GRANT SELECT ON public.fc_ref TO regress_fc_team;
ALTER TABLE public.fc_ref OWNER TO regress_fc_reader;
SET ROLE regress_fc_team;
CREATE VIEW fc_intermediates.withref AS SELECT c.id, r.secret FROM fc_information_objects.c c JOIN public.fc_ref r USING (id);
SELECT datamesh.publish_product('fc_intermediates.withref');
SET ROLE regress_fc_reader;
SECURITY LABEL FOR datamesh ON COLUMN public.fc_ref.secret IS 'pii:partial(1,1)';
SELECT * FROM fc_data_products.withref;
RESET ROLE;
-- and so does a label set by a superuser with enforcement off
SET datamesh.enforce = off;
SECURITY LABEL FOR datamesh ON COLUMN public.fc_ref.secret IS 'pii:redact';
RESET datamesh.enforce;
SELECT * FROM fc_data_products.withref;
SET ROLE regress_fc_team;

-- 2. classifying numeric(p,s) after publishing keeps the typmod; a bucket that does not fit is NULL
SELECT datamesh.set_pii('fc_information_objects.c', 'amount', 'bucket(100)');
SELECT id, amount FROM fc_data_products.v ORDER BY id;
SELECT format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'fc_data_products.v'::regclass AND attname = 'amount';
-- a domain-typed column: the product is made anew, with its grants, comment and unmasked grants
CREATE DOMAIN fc_information_objects.code AS text CHECK (VALUE <> '');
CREATE TABLE fc_information_objects.coded (id int, code fc_information_objects.code);
INSERT INTO fc_information_objects.coded VALUES (1, 'ABCDEF');
SELECT datamesh.publish_product('fc_information_objects.coded', description => 'Codes');
GRANT SELECT ON fc_data_products.coded TO regress_fc_other;
RESET ROLE;
SELECT datamesh.grant_unmasked('fc_data_products.coded', 'regress_fc_other');
SET ROLE regress_fc_team;
SELECT datamesh.set_pii('fc_information_objects.coded', 'code', 'partial(1,1)');
RESET ROLE;
SET ROLE regress_fc_reader;
SELECT code, pg_typeof(code) FROM fc_data_products.coded;
SET ROLE regress_fc_other;
SELECT code, pg_typeof(code) FROM fc_data_products.coded;
RESET ROLE;
SELECT version, description,
       has_table_privilege('regress_fc_other', 'fc_data_products.coded', 'SELECT') AS other_reads,
       (SELECT count(*) FROM datamesh.unmasked WHERE product = 'fc_data_products.coded') AS unmasked_kept
  FROM datamesh.products WHERE product = 'fc_data_products.coded';
SET ROLE regress_fc_team;
-- ... but not while other objects read it: the label is refused, naming them
SELECT datamesh.unset_pii('fc_information_objects.coded', 'code');
SELECT datamesh.publish_product('fc_information_objects.coded', 'coded2');
CREATE VIEW fc_queries.reads_coded AS SELECT id FROM fc_data_products.coded2;
SELECT datamesh.set_pii('fc_information_objects.coded', 'code', 'partial(1,1)');
SELECT * FROM datamesh.pii_columns WHERE object = 'fc_information_objects.coded';
DROP VIEW fc_queries.reads_coded;

-- 3. sort, group, window, DISTINCT ON and LIMIT keys
CREATE TABLE fc_raw.emp (id int, email text, salary int, ssn text, dept text);
INSERT INTO fc_raw.emp VALUES (1, 'a@x.org', 100, 'ssn1', 'd1'), (2, 'b@x.org', 300, 'ssn2', 'd1'), (3, 'c@x.org', 200, 'ssn3', 'd2');
SELECT datamesh.set_pii('fc_raw.emp', 'salary', 'bucket(1000)');
SELECT datamesh.set_pii('fc_raw.emp', 'email', 'hash');
SELECT datamesh.set_pii('fc_raw.emp', 'ssn', 'redact');
-- a window sorts the rows by its keys: over classified keys it is refused like ORDER BY
CREATE VIEW fc_intermediates.ranked_rows AS
SELECT id, dept, rank() OVER (ORDER BY salary) AS salary_rank FROM fc_raw.emp;
SELECT datamesh.publish_product('fc_intermediates.ranked_rows');
CREATE VIEW fc_intermediates.same_email AS
SELECT id, count(*) OVER (PARTITION BY email) AS n FROM fc_raw.emp;
SELECT datamesh.publish_product('fc_intermediates.same_email');
-- inside a scalar sub-query the order stays there: the window's value is redacted,
-- unless the view column has its own label; windows over other keys pass
CREATE VIEW fc_intermediates.ranked AS
SELECT e.id, e.dept,
       (SELECT x.r FROM (SELECT id, rank() OVER (ORDER BY salary) AS r FROM fc_raw.emp) x
         WHERE x.id = e.id) AS salary_rank,
       (SELECT x.p FROM (SELECT id, lag(id) OVER (ORDER BY ssn) AS p FROM fc_raw.emp) x
         WHERE x.id = e.id) AS prev_by_ssn,
       rank() OVER (PARTITION BY e.dept ORDER BY e.id) AS rank_in_dept
  FROM fc_raw.emp e;
SELECT datamesh.publish_product('fc_intermediates.ranked');
SELECT id, dept, salary_rank, prev_by_ssn, rank_in_dept FROM fc_data_products.ranked ORDER BY id;
SELECT datamesh.set_pii('fc_intermediates.ranked', 'salary_rank', 'bucket(10)');
SELECT id, salary_rank FROM fc_data_products.ranked ORDER BY id;
-- a source whose rows are ordered, grouped, de-duplicated or limited by a classified column is refused
CREATE VIEW fc_intermediates.by_salary AS SELECT id, dept FROM fc_raw.emp ORDER BY salary;
SELECT datamesh.publish_product('fc_intermediates.by_salary');
CREATE VIEW fc_intermediates.top AS SELECT id FROM fc_raw.emp ORDER BY salary DESC LIMIT 1;
SELECT datamesh.publish_product('fc_intermediates.top');
CREATE VIEW fc_intermediates.per_email AS SELECT DISTINCT ON (email) id, dept FROM fc_raw.emp ORDER BY email, id;
SELECT datamesh.publish_product('fc_intermediates.per_email');
CREATE VIEW fc_intermediates.per_salary AS SELECT salary, count(*) AS n FROM fc_raw.emp GROUP BY salary;
SELECT datamesh.publish_product('fc_intermediates.per_salary');
CREATE VIEW fc_intermediates.top_earner AS
SELECT d.dept, (SELECT e.id FROM fc_raw.emp e WHERE e.dept = d.dept ORDER BY e.salary DESC LIMIT 1) AS top_id
  FROM (SELECT DISTINCT dept FROM fc_raw.emp) d;
SELECT datamesh.publish_product('fc_intermediates.top_earner');
-- through a view upstream too
CREATE VIEW fc_intermediates.over_sorted AS SELECT id FROM fc_intermediates.by_salary;
SELECT datamesh.publish_product('fc_intermediates.over_sorted');
-- a key that is a view column with a label of its own counts, and a key of a UNION reads every arm
CREATE VIEW fc_intermediates.by_own AS SELECT id, dept AS team FROM fc_raw.emp ORDER BY 2;
SECURITY LABEL FOR datamesh ON COLUMN fc_intermediates.by_own.team IS 'pii:redact';
SELECT datamesh.publish_product('fc_intermediates.by_own');
CREATE VIEW fc_intermediates.arms AS
SELECT id, dept AS k FROM fc_raw.emp UNION ALL SELECT id, ssn FROM fc_raw.emp ORDER BY 2;
SELECT datamesh.publish_product('fc_intermediates.arms');
-- hash over a scalar sub-query or a window function of a view works for readers
CREATE VIEW fc_intermediates.computed AS
SELECT e.id, (SELECT x.email FROM fc_raw.emp x WHERE x.id = e.id) AS email2,
       rank() OVER (ORDER BY e.id) AS pos
  FROM fc_raw.emp e;
SECURITY LABEL FOR datamesh ON COLUMN fc_intermediates.computed.email2 IS 'pii:hash';
SECURITY LABEL FOR datamesh ON COLUMN fc_intermediates.computed.pos IS 'pii:hash';
SELECT datamesh.publish_product('fc_intermediates.computed');
RESET ROLE;
SET ROLE regress_fc_reader;
SELECT id, length(email2) AS hash_len, pos <> 0 AS hashed FROM fc_data_products.computed ORDER BY id;
RESET ROLE;
SET ROLE regress_fc_team;
-- keys that are not classified are fine
CREATE VIEW fc_intermediates.by_dept AS SELECT dept, count(*) AS n FROM fc_raw.emp GROUP BY dept ORDER BY dept;
SELECT datamesh.publish_product('fc_intermediates.by_dept');
-- classifying a key after publishing is refused the same way, and changes nothing
CREATE VIEW fc_intermediates.by_id AS SELECT id, dept FROM fc_raw.emp ORDER BY dept, id;
SELECT datamesh.publish_product('fc_intermediates.by_id');
SELECT datamesh.set_pii('fc_raw.emp', 'dept', 'redact');
SECURITY LABEL FOR datamesh ON COLUMN fc_raw.emp.dept IS 'pii:redact';
SELECT count(*) AS dept_labels FROM datamesh.pii_columns WHERE object = 'fc_raw.emp' AND column_name = 'dept';
-- and so is replacing an upstream view so that its order reads a classified column
CREATE OR REPLACE VIEW fc_intermediates.by_id AS SELECT id, dept FROM fc_raw.emp ORDER BY salary;
SELECT pg_get_viewdef('fc_intermediates.by_id'::regclass) LIKE '%ORDER BY emp.dept, emp.id%' AS unchanged;

-- 4. products are read-only
RESET ROLE;
GRANT regress_fc_reader TO regress_fc_team;
SET ROLE regress_fc_team;
GRANT UPDATE (id) ON fc_data_products.ranked TO regress_fc_reader;
GRANT INSERT ON fc_data_products.ranked TO regress_fc_reader;
GRANT DELETE, TRUNCATE ON fc_data_products.ranked TO regress_fc_team;
DO $$
BEGIN
    GRANT ALL ON ALL TABLES IN SCHEMA fc_data_products TO regress_fc_reader;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'refused: %', regexp_replace(SQLERRM, ' view .*', '');
END
$$;
ALTER DEFAULT PRIVILEGES IN SCHEMA fc_data_products GRANT UPDATE ON TABLES TO regress_fc_reader;
GRANT SELECT ON fc_data_products.ranked TO regress_fc_reader;
RESET ROLE;
REVOKE regress_fc_reader FROM regress_fc_team;
-- default privileges given outside the schema are taken back from a new product
CREATE ROLE regress_fc_member NOLOGIN IN ROLE regress_fc_team;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_fc_team GRANT INSERT, UPDATE ON TABLES TO regress_fc_member;
SET ROLE regress_fc_team;
CREATE TABLE fc_raw.w (id int, email text);
SELECT datamesh.publish_product('fc_raw.w');
SELECT c.relname, a.privilege_type
  FROM pg_class c, aclexplode(c.relacl) a
 WHERE c.oid IN ('fc_raw.w'::regclass, 'fc_data_products.w'::regclass)
   AND a.grantee = 'regress_fc_member'::regrole ORDER BY 1, 2;
RESET ROLE;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_fc_team REVOKE INSERT, UPDATE ON TABLES FROM regress_fc_member;
DROP OWNED BY regress_fc_member;
DROP ROLE regress_fc_member;
-- mask_hash refuses values of a DML statement's target or RETURNING, even for the team
SET ROLE regress_fc_team;
CREATE TABLE fc_raw.people (id int, email text);
INSERT INTO fc_raw.people VALUES (1, 'ann@example.com');
SELECT datamesh.set_pii('fc_raw.people', 'email', 'hash');
SELECT datamesh.publish_product('fc_raw.people');
UPDATE fc_data_products.people SET id = id
RETURNING datamesh.mask_hash(CASE WHEN id > 0 THEN 'guess' END, 'fc_data_products.people');
UPDATE fc_data_products.people SET id = id RETURNING email;
RESET ROLE;

-- 5. scopes cannot collide
SELECT datamesh.create_domain('sales5', 'regress_fc_team');
SELECT datamesh.set_pseudonym_scope('sales5', 'crm5');
SELECT datamesh.create_domain('crm5', 'regress_fc_other');
SELECT scope FROM datamesh.pseudonym_key WHERE scope LIKE '%5' ORDER BY scope;
SET ROLE regress_fc_team;
CREATE TABLE sales5_raw.cust (id int, name text);
INSERT INTO sales5_raw.cust VALUES (1, 'Ann');
SELECT datamesh.set_pii('sales5_raw.cust', 'name', 'hash');
SELECT datamesh.publish_product('sales5_raw.cust');
RESET ROLE;
SET ROLE regress_fc_other;
CREATE TABLE crm5_raw.guesses (id int, name text);
INSERT INTO crm5_raw.guesses VALUES (1, 'Ann');
SELECT datamesh.set_pii('crm5_raw.guesses', 'name', 'hash');
SELECT datamesh.publish_product('crm5_raw.guesses');
RESET ROLE;
SELECT count(*) AS recovered FROM sales5_data_products.cust s JOIN crm5_data_products.guesses g USING (name);
-- drop and make a domain again while another still uses a named scope of its name
SELECT datamesh.create_domain('ops5', 'regress_fc_other');
SELECT datamesh.set_pseudonym_scope('crm5', 'ops5');
SELECT datamesh.drop_domain('ops5');
SELECT datamesh.create_domain('ops5', 'regress_fc_other');
SELECT scope FROM datamesh.pseudonym_key WHERE scope LIKE '%5' ORDER BY scope;
SELECT (SELECT key FROM datamesh.pseudonym_key WHERE scope = 'ops5') <>
       (SELECT key FROM datamesh.pseudonym_key WHERE scope = 'domain:ops5') AS distinct_keys;
-- rotate_key names either kind; a bare key means the domain's own scope unless a named one has that name
SELECT datamesh.rotate_key('domain:ops5');
SELECT datamesh.rotate_key('crm5');
SELECT datamesh.rotate_key('domain:nosuch');
SELECT datamesh.drop_domain('ops5');
SELECT datamesh.drop_domain('crm5');
SELECT datamesh.drop_domain('sales5');
SELECT scope FROM datamesh.pseudonym_key WHERE scope LIKE '%5' ORDER BY scope;

-- 6. products over set operations work for every strategy, hash included
SET ROLE regress_fc_team;
CREATE TABLE fc_raw.a (id int, email text, name text, born date, n int);
CREATE TABLE fc_raw.b (id int, email text, name text, born date, n int);
INSERT INTO fc_raw.a VALUES (1, 'ann@example.com', 'Ann Smith', '1980-05-17', 1234);
INSERT INTO fc_raw.b VALUES (2, 'bob@example.org', 'Bob Jones', '1991-11-02', 5678);
SELECT datamesh.set_pii('fc_raw.a', 'email', 'hash');
SELECT datamesh.set_pii('fc_raw.b', 'email', 'hash');
SELECT datamesh.set_pii('fc_raw.a', 'name', 'partial(1,1)');
SELECT datamesh.set_pii('fc_raw.b', 'name', 'partial(1,1)');
SELECT datamesh.set_pii('fc_raw.a', 'born', 'year');
SELECT datamesh.set_pii('fc_raw.b', 'born', 'year');
SELECT datamesh.set_pii('fc_raw.a', 'n', 'bucket(1000)');
SELECT datamesh.set_pii('fc_raw.b', 'n', 'bucket(1000)');
CREATE VIEW fc_intermediates.u_all AS SELECT * FROM fc_raw.a UNION ALL SELECT * FROM fc_raw.b;
CREATE VIEW fc_intermediates.u_distinct AS SELECT * FROM fc_raw.a UNION SELECT * FROM fc_raw.b;
CREATE VIEW fc_intermediates.u_const AS SELECT id, email FROM fc_raw.a UNION ALL SELECT 0, NULL FROM fc_raw.b;
SELECT datamesh.publish_product('fc_intermediates.u_all');
SELECT datamesh.publish_product('fc_intermediates.u_distinct');
SELECT datamesh.publish_product('fc_intermediates.u_const');
RESET ROLE;
SELECT datamesh.grant_unmasked('fc_data_products.u_all', 'regress_fc_other');
SET ROLE regress_fc_reader;
SELECT id, length(email) AS hash_len, name, born, n FROM fc_data_products.u_all ORDER BY id;
SELECT id, length(email) AS hash_len, name, born, n FROM fc_data_products.u_distinct ORDER BY id;
SELECT id, length(email) AS hash_len FROM fc_data_products.u_const ORDER BY id;
SELECT count(DISTINCT a.email) AS same_pseudonyms FROM fc_data_products.u_all a JOIN fc_data_products.u_distinct d USING (email);
RESET ROLE;
SET ROLE regress_fc_other;
SELECT id, email, name, born, n FROM fc_data_products.u_all ORDER BY id;
RESET ROLE;
-- the union arms still keep consumers from computing pseudonyms
SET ROLE regress_fc_reader;
SELECT datamesh.mask_hash(x, 'fc_data_products.u_all')
  FROM (SELECT email AS x FROM fc_data_products.u_all UNION ALL SELECT 'guess') u;
SELECT datamesh.mask_hash(x, 'fc_data_products.u_all')
  FROM (SELECT 'guess'::text AS x UNION SELECT 'guess2') u;
RESET ROLE;

-- 7. smaller ones: masks never raise, set_pii(NULL) is an error, every dependent is named
SELECT datamesh.set_pii('fc_raw.a', 'name', NULL);
-- set_pii stores a strategy the one way it is written
SELECT datamesh.set_pii('fc_raw.a', 'name', 'partial(2, 2)');
SELECT strategy FROM datamesh.pii_columns WHERE object = 'fc_raw.a' AND column_name = 'name';
SET ROLE regress_fc_team;
CREATE TABLE fc_raw.big (id int, x numeric);
INSERT INTO fc_raw.big VALUES (1, 1e130000), (2, -1e130000), (3, 12345.678);
SELECT datamesh.set_pii('fc_raw.big', 'x', 'bucket(0.000000000000001)');
SELECT datamesh.publish_product('fc_raw.big');
SELECT id, x IS NULL AS hidden FROM fc_data_products.big ORDER BY id;
RESET ROLE;
SELECT datamesh.create_domain('fcc', 'regress_fc_other');
SET ROLE regress_fc_other;
CREATE VIEW fcc_information_objects.v AS SELECT id FROM fc_data_products.big;
CREATE VIEW fcc_information_objects.v2 AS SELECT id FROM fc_data_products.big;
RESET ROLE;
SET ROLE regress_fc_team;
SELECT datamesh.unpublish_product('fc_data_products.big');
RESET ROLE;
SELECT datamesh.drop_domain('fcc', force => true);

-- 8. found in review: every other way to change what a product reads regenerates it too
SET ROLE regress_fc_team;
CREATE TABLE fc_raw.r (id int, email text, name text);
INSERT INTO fc_raw.r VALUES (1, 'ann.secret@example.com', 'Ann');
SELECT datamesh.set_pii('fc_raw.r', 'email', 'email');
-- CREATE OR REPLACE RULE "_RETURN" upstream, and a table turned into a view
CREATE VIEW fc_intermediates.ruled AS SELECT id, 'none'::text AS email FROM fc_raw.r;
SELECT datamesh.publish_product('fc_intermediates.ruled');
CREATE OR REPLACE RULE "_RETURN" AS ON SELECT TO fc_intermediates.ruled DO INSTEAD SELECT id, email FROM fc_raw.r;
CREATE TABLE fc_intermediates.was_table (id int, email text);
SELECT datamesh.publish_product('fc_intermediates.was_table');
CREATE RULE "_RETURN" AS ON SELECT TO fc_intermediates.was_table DO INSTEAD SELECT id, email FROM fc_raw.r;
-- labels of partitions and inheritance parents and children reach each other
CREATE TABLE fc_raw.p (id int, email text) PARTITION BY RANGE (id);
CREATE TABLE fc_raw.p1 PARTITION OF fc_raw.p FOR VALUES FROM (0) TO (100);
INSERT INTO fc_raw.p VALUES (1, 'ann.secret@example.com');
SELECT datamesh.publish_product('fc_raw.p');
SELECT datamesh.set_pii('fc_raw.p1', 'email', 'redact');
CREATE TABLE fc_raw.ip (id int, email text);
CREATE TABLE fc_raw.ic () INHERITS (fc_raw.ip);
INSERT INTO fc_raw.ic VALUES (2, 'bob.secret@example.com');
SELECT datamesh.publish_product('fc_raw.ic');
SELECT datamesh.publish_product('fc_raw.ip');
SELECT datamesh.set_pii('fc_raw.ip', 'email', 'partial(1,0)');
-- a partition attached to a labelled parent, by the team or by the owner of tables outside the mesh
CREATE TABLE fc_raw.q (id int, email text) PARTITION BY RANGE (id);
SELECT datamesh.set_pii('fc_raw.q', 'email', 'redact');
CREATE TABLE fc_raw.q1 (id int, email text);
INSERT INTO fc_raw.q1 VALUES (1, 'ann.secret@example.com');
SELECT datamesh.publish_product('fc_raw.q1');
ALTER TABLE fc_raw.q ATTACH PARTITION fc_raw.q1 FOR VALUES FROM (0) TO (100);
RESET ROLE;
CREATE TABLE public.fc_op (id int, secret text) PARTITION BY LIST (id);
CREATE TABLE public.fc_op1 (id int, secret text);
INSERT INTO public.fc_op1 VALUES (1, 'topsecret');
GRANT SELECT ON public.fc_op1, public.fc_op TO regress_fc_team;
ALTER TABLE public.fc_op OWNER TO regress_fc_reader;
ALTER TABLE public.fc_op1 OWNER TO regress_fc_reader;
SET ROLE regress_fc_reader;
SECURITY LABEL FOR datamesh ON COLUMN public.fc_op.secret IS 'pii:redact';
SET ROLE regress_fc_team;
CREATE VIEW fc_intermediates.op AS SELECT id, secret FROM public.fc_op1;
SELECT datamesh.publish_product('fc_intermediates.op');
SET ROLE regress_fc_reader;
ALTER TABLE public.fc_op ATTACH PARTITION public.fc_op1 FOR VALUES IN (1);
-- columns that SEARCH and CYCLE add to a recursive CTE hold their keys: redacted
SET ROLE regress_fc_team;
CREATE VIEW fc_intermediates.cyc AS WITH RECURSIVE t(id, email) AS
    (SELECT id, email FROM fc_raw.r UNION ALL SELECT id, email FROM t WHERE false)
    CYCLE email SET is_cycle USING path
SELECT id, path::text AS path FROM t;
SELECT datamesh.publish_product('fc_intermediates.cyc');
-- a materialized view downstream of a replaced view holds rows of the old definition: it is
-- emptied, and readable again only once its team refreshes it from the new one
CREATE VIEW fc_intermediates.contact AS SELECT id, email AS contact FROM fc_raw.r;
CREATE MATERIALIZED VIEW fc_intermediates.mv AS SELECT id, contact FROM fc_intermediates.contact;
SELECT datamesh.publish_product('fc_intermediates.mv');
CREATE OR REPLACE VIEW fc_intermediates.contact AS SELECT id, name AS contact FROM fc_raw.r;
SELECT relispopulated FROM pg_class WHERE oid = 'fc_intermediates.mv'::regclass;
REFRESH MATERIALIZED VIEW fc_intermediates.mv;
-- a window or an aggregate that sorts by a classified column is refused, also inside an ARRAY
-- sub-link or under a view first met inside a scalar sub-query
CREATE VIEW fc_intermediates.w_ranked AS SELECT id, rank() OVER (ORDER BY email) AS r FROM fc_raw.r;
CREATE VIEW fc_intermediates.w_bypass AS
SELECT w.id, (SELECT count(*) FROM fc_intermediates.w_ranked) AS n FROM fc_intermediates.w_ranked w;
SELECT datamesh.publish_product('fc_intermediates.w_bypass');
CREATE VIEW fc_intermediates.agg_order AS
SELECT u.id FROM unnest((SELECT array_agg(id ORDER BY email) FROM fc_raw.r)) AS u(id);
SELECT datamesh.publish_product('fc_intermediates.agg_order');
CREATE VIEW fc_intermediates.arr AS
SELECT u.id FROM unnest(ARRAY(SELECT id FROM fc_intermediates.w_ranked)) AS u(id);
SELECT datamesh.publish_product('fc_intermediates.arr');
-- publishing and verify() never run a team's or an outsider's functions (planning would
-- fold this immutable one, as whoever planned)
CREATE FUNCTION fc_intermediates.noisy(i int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
    AS $$ BEGIN RAISE NOTICE 'noisy ran as %', current_user; RETURN true; END $$;
CREATE VIEW fc_intermediates.noisy_v AS SELECT id, email FROM fc_raw.r WHERE fc_intermediates.noisy(1);
SECURITY LABEL FOR datamesh ON COLUMN fc_intermediates.noisy_v.email IS 'pii:hash';
SELECT datamesh.publish_product('fc_intermediates.noisy_v');
RESET ROLE;
SELECT count(*) AS problems FROM datamesh.verify();
SET ROLE regress_fc_team;
-- a generated column is computed from the columns it reads
CREATE TABLE fc_raw.g (id int, email text, email_copy text GENERATED ALWAYS AS (lower(email)) STORED);
INSERT INTO fc_raw.g (id, email) VALUES (1, 'ann.secret@example.com');
SELECT datamesh.set_pii('fc_raw.g', 'email', 'email');
SELECT datamesh.publish_product('fc_raw.g');
-- quote_all_identifiers does not hide a product from its regeneration
CREATE TABLE fc_raw.qa (id int, email text);
INSERT INTO fc_raw.qa VALUES (1, 'ann.secret@example.com');
SELECT datamesh.publish_product('fc_raw.qa');
SET quote_all_identifiers = on;
SELECT datamesh.set_pii('fc_raw.qa', 'email', 'email');
RESET quote_all_identifiers;
RESET ROLE;
SET ROLE regress_fc_reader;
SELECT 'rule' AS t, id, email FROM fc_data_products.ruled
UNION ALL SELECT 'table turned view', id, email FROM fc_data_products.was_table
UNION ALL SELECT 'partition label, product over parent', id, email FROM fc_data_products.p
UNION ALL SELECT 'parent label, product over child', id, email FROM fc_data_products.ic
UNION ALL SELECT 'parent label, product over parent', id, email FROM fc_data_products.ip
UNION ALL SELECT 'team attach', id, email FROM fc_data_products.q1
UNION ALL SELECT 'outsider attach', id, secret FROM fc_data_products.op
UNION ALL SELECT 'cycle path', id, path FROM fc_data_products.cyc
UNION ALL SELECT 'matview refreshed', id, contact FROM fc_data_products.mv
UNION ALL SELECT 'quote_all_identifiers', id, email FROM fc_data_products.qa
UNION ALL SELECT 'generated column', id, email_copy FROM fc_data_products.g
ORDER BY 1, 2;
RESET ROLE;
-- the first timestamp's year starts before the first timestamp: hidden, not an error
SELECT datamesh.mask_year('4714-11-24 00:00:00 BC'::timestamp, 'fc_data_products.nosuch') IS NULL AS hidden,
       datamesh.mask_month('4714-11-24 BC'::date, 'fc_data_products.nosuch') IS NULL AS hidden_date;
-- a product of another domain dropped by drop_domain(force) takes its catalog rows and unmasked grants
SELECT datamesh.create_domain('fcd', 'regress_fc_other');
SET ROLE regress_fc_other;
CREATE VIEW fcd_intermediates.r AS SELECT id FROM fc_data_products.ruled;
SELECT datamesh.publish_product('fcd_intermediates.r', 'report');
-- a pseudonym of values from outside the scope (another domain's product) could not be read: refused
CREATE VIEW fcd_intermediates.h AS SELECT id, email FROM fc_data_products.ruled;
SECURITY LABEL FOR datamesh ON COLUMN fcd_intermediates.h.email IS 'pii:hash';
SELECT datamesh.publish_product('fcd_intermediates.h');
SECURITY LABEL FOR datamesh ON COLUMN fcd_intermediates.h.email IS NULL;
SELECT datamesh.publish_product('fcd_intermediates.h');
SECURITY LABEL FOR datamesh ON COLUMN fcd_intermediates.h.email IS 'pii:hash';
SELECT count(*) AS labelled FROM datamesh.pii_columns WHERE object = 'fcd_intermediates.h';
SELECT datamesh.unpublish_product('fcd_data_products.h');
RESET ROLE;
SELECT datamesh.grant_unmasked('fcd_data_products.report', 'regress_fc_reader');
SET ROLE regress_fc_team;
-- (the product cannot be withdrawn while another domain reads it, nor classified itself)
SELECT datamesh.unpublish_product('fc_data_products.ruled');
SECURITY LABEL FOR datamesh ON COLUMN fc_data_products.ruled.email IS 'pii:hash';
RESET ROLE;
SELECT datamesh.drop_domain('fc', force => true);
SELECT count(*) AS rows_left FROM datamesh.product WHERE product = 'fcd_data_products.report';
SELECT count(*) AS grants_left FROM datamesh.unmasked WHERE product = 'fcd_data_products.report';
SELECT datamesh.drop_domain('fcd');
SELECT datamesh.create_domain('fc', 'regress_fc_team');
SET ROLE regress_fc_team;
CREATE TABLE fc_information_objects.c (id int, email text, amount numeric(5,2), note text);
INSERT INTO fc_information_objects.c VALUES (1, 'ann@example.com', 123.45, 'x'), (2, 'bob@example.org', -999.99, 'y');
SELECT datamesh.set_pii('fc_information_objects.c', 'email', 'email');
CREATE VIEW fc_information_objects.v AS SELECT * FROM fc_information_objects.c;
SELECT datamesh.publish_product('fc_information_objects.v');
RESET ROLE;

-- verify() is empty after all of this, and sees a product changed behind datamesh's back
SELECT * FROM datamesh.verify();
-- even with enforcement off, replacing a product by hand regenerates it at once
SET datamesh.enforce = off;
CREATE OR REPLACE VIEW fc_data_products.v WITH (security_barrier) AS
SELECT s.id, s.email, s.amount, s.note FROM fc_information_objects.v s;
RESET datamesh.enforce;
SELECT id, email FROM fc_data_products.v ORDER BY id;
-- catalogs changed without DDL are found: a label deleted, a key deleted
DELETE FROM pg_seclabel WHERE provider = 'datamesh' AND objoid = 'fc_information_objects.c'::regclass
   AND objsubid = (SELECT attnum FROM pg_attribute WHERE attrelid = 'fc_information_objects.c'::regclass AND attname = 'email');
DELETE FROM datamesh.pseudonym_key WHERE scope = 'domain:fc';
SELECT * FROM datamesh.verify();
SET ROLE regress_fc_reader;
SELECT datamesh.verify();
RESET ROLE;
-- publishing again repairs a product, a scope change the keys
SET ROLE regress_fc_team;
SELECT datamesh.publish_product('fc_information_objects.v');
RESET ROLE;
SELECT datamesh.set_pseudonym_scope('fc', NULL);
SELECT * FROM datamesh.verify();

-- physical order: a scan returns a partitioned table's rows partition by
-- partition, a clustered table's in its index's order; a table whose order
-- follows a classified column cannot be a product's source, in any order
-- of labelling and publishing, directly or through a view
SET ROLE regress_fc_team;
CREATE TABLE fc_raw.part (id int, born date, city text) PARTITION BY RANGE (born);
CREATE TABLE fc_raw.part_old PARTITION OF fc_raw.part FOR VALUES FROM ('1900-01-01') TO ('1980-01-01');
CREATE TABLE fc_raw.part_new PARTITION OF fc_raw.part FOR VALUES FROM ('1980-01-01') TO ('2100-01-01');
CREATE VIEW fc_intermediates.part_ids AS SELECT id, city FROM fc_raw.part;
SELECT datamesh.set_pii('fc_raw.part', 'born', 'year');
SELECT datamesh.publish_product('fc_raw.part', columns => ARRAY['id', 'city']::name[]);
SELECT datamesh.publish_product('fc_intermediates.part_ids');
-- published first, classified after: the label is refused
SELECT datamesh.unset_pii('fc_raw.part', 'born');
SELECT datamesh.publish_product('fc_intermediates.part_ids');
SELECT datamesh.set_pii('fc_raw.part', 'born', 'year');
SECURITY LABEL FOR datamesh ON COLUMN fc_raw.part.born IS 'pii:redact';
SELECT count(*) AS labels FROM datamesh.pii_columns WHERE object = 'fc_raw.part';
-- a partition key expression, and a sub-partition's key
CREATE TABLE fc_raw.part2 (id int, email text, kind int) PARTITION BY LIST (kind);
CREATE TABLE fc_raw.part2_a PARTITION OF fc_raw.part2 FOR VALUES IN (1) PARTITION BY LIST (lower(email));
CREATE TABLE fc_raw.part2_a1 PARTITION OF fc_raw.part2_a FOR VALUES IN ('a@example.com');
SELECT datamesh.set_pii('fc_raw.part2', 'email', 'email');
SELECT datamesh.publish_product('fc_raw.part2', columns => ARRAY['id']::name[]);
-- partitioned by a column that is not classified: fine
SELECT datamesh.unset_pii('fc_raw.part2', 'email');
SELECT datamesh.set_pii('fc_raw.part', 'city', 'hash');
SELECT datamesh.publish_product('fc_raw.part', 'part_cities');
-- a table clustered on an index over a classified column
CREATE TABLE fc_raw.clustered (id int PRIMARY KEY, email text);
CREATE INDEX clustered_email ON fc_raw.clustered (email);
ALTER TABLE fc_raw.clustered CLUSTER ON clustered_email;
SELECT datamesh.set_pii('fc_raw.clustered', 'email', 'email');
SELECT datamesh.publish_product('fc_raw.clustered');
ALTER TABLE fc_raw.clustered SET WITHOUT CLUSTER;
SELECT datamesh.publish_product('fc_raw.clustered');
-- ALTER TABLE ... CLUSTER ON later is refused with the product in place
ALTER TABLE fc_raw.clustered CLUSTER ON clustered_email;
ALTER TABLE fc_raw.clustered CLUSTER ON clustered_pkey;
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'fc_raw.clustered'::regclass AND indisclustered;
-- a child of a plain inheritance tree clustered on a classified column
CREATE TABLE fc_raw.inh (id int, salary int);
CREATE TABLE fc_raw.inh_child () INHERITS (fc_raw.inh);
CREATE INDEX inh_child_salary ON fc_raw.inh_child (salary);
SELECT datamesh.set_pii('fc_raw.inh', 'salary', 'redact');
ALTER TABLE fc_raw.inh_child CLUSTER ON inh_child_salary;
SELECT datamesh.publish_product('fc_raw.inh', 'inh_salaries');
ALTER TABLE fc_raw.inh_child SET WITHOUT CLUSTER;
SELECT datamesh.publish_product('fc_raw.inh', 'inh_salaries');
ALTER TABLE fc_raw.inh_child CLUSTER ON inh_child_salary;
-- a scalar sub-query whose aggregate keeps the scan's order
CREATE TABLE fc_raw.born (id int, born int) PARTITION BY RANGE (born);
CREATE TABLE fc_raw.born_a PARTITION OF fc_raw.born FOR VALUES FROM (1900) TO (1980);
SELECT datamesh.set_pii('fc_raw.born', 'born', 'redact');
CREATE VIEW fc_intermediates.born_agg AS SELECT unnest((SELECT array_agg(id) FROM fc_raw.born)) AS id;
SELECT datamesh.publish_product('fc_intermediates.born_agg');
-- a new sub-partitioned partition under a published source
CREATE TABLE fc_raw.pq (id int, kind int, email text) PARTITION BY LIST (kind);
CREATE TABLE fc_raw.pq1 PARTITION OF fc_raw.pq FOR VALUES IN (1);
SELECT datamesh.set_pii('fc_raw.pq', 'email', 'email');
SELECT datamesh.publish_product('fc_raw.pq', columns => ARRAY['id']::name[]);
CREATE TABLE fc_raw.pq2 PARTITION OF fc_raw.pq FOR VALUES IN (2) PARTITION BY RANGE (email);
SELECT to_regclass('fc_raw.pq2') AS refused;
-- a key over the whole row reads every column
CREATE TABLE fc_raw.w (id int, salary int);
SELECT datamesh.set_pii('fc_raw.w', 'salary', 'redact');
CREATE FUNCTION fc_raw.sal2(fc_raw.w) RETURNS int IMMUTABLE LANGUAGE plpgsql AS 'BEGIN RETURN $1.salary; END';
CREATE INDEX w_sal2 ON fc_raw.w (fc_raw.sal2(w));
ALTER TABLE fc_raw.w CLUSTER ON w_sal2;
SELECT datamesh.publish_product('fc_raw.w', 'w');
-- a view column's own label counts for the order of the table it passes
CREATE TABLE fc_raw.g (id int, grade int) PARTITION BY RANGE (grade);
CREATE TABLE fc_raw.g1 PARTITION OF fc_raw.g FOR VALUES FROM (0) TO (10);
CREATE VIEW fc_intermediates.gv AS SELECT id, grade FROM fc_raw.g;
SELECT datamesh.set_pii('fc_intermediates.gv', 'grade', 'redact');
SELECT datamesh.publish_product('fc_intermediates.gv', 'gv');
-- ... through a sub-query, a CTE, a cast, a set operation, a whole row
CREATE VIEW fc_intermediates.gs AS SELECT id, grade FROM (SELECT id, grade FROM fc_raw.g) s;
SELECT datamesh.set_pii('fc_intermediates.gs', 'grade', 'redact');
SELECT datamesh.publish_product('fc_intermediates.gs', 'gs');
CREATE VIEW fc_intermediates.gc AS WITH s AS (SELECT id, grade FROM fc_raw.g) SELECT id, grade FROM s;
SELECT datamesh.set_pii('fc_intermediates.gc', 'grade', 'redact');
SELECT datamesh.publish_product('fc_intermediates.gc', 'gc');
CREATE VIEW fc_intermediates.ge AS SELECT id, grade::bigint AS grade FROM fc_raw.g;
SELECT datamesh.set_pii('fc_intermediates.ge', 'grade', 'redact');
SELECT datamesh.publish_product('fc_intermediates.ge', 'ge');
CREATE VIEW fc_intermediates.gu AS SELECT id, grade FROM fc_raw.g UNION ALL SELECT id, grade FROM fc_raw.g WHERE false;
SELECT datamesh.set_pii('fc_intermediates.gu', 'grade', 'redact');
SELECT datamesh.publish_product('fc_intermediates.gu', 'gu');
CREATE VIEW fc_intermediates.gw AS SELECT id, g AS rec FROM fc_raw.g;
SELECT datamesh.set_pii('fc_intermediates.gw', 'rec', 'redact');
SELECT datamesh.publish_product('fc_intermediates.gw', 'gw');
-- ... whichever path reaches the table first
CREATE VIEW fc_intermediates.gv0 AS SELECT id, grade FROM fc_raw.g;
CREATE VIEW fc_intermediates.gv1 AS SELECT id, grade FROM fc_intermediates.gv0;
SELECT datamesh.set_pii('fc_intermediates.gv1', 'grade', 'redact');
CREATE VIEW fc_intermediates.gj AS
SELECT v.id, w.grade FROM fc_intermediates.gv0 v JOIN fc_intermediates.gv1 w ON v.id = w.id;
SELECT datamesh.publish_product('fc_intermediates.gj', 'gj');
-- ... and a label published first, set after
CREATE VIEW fc_intermediates.gl AS SELECT id, grade FROM (SELECT id, grade FROM fc_raw.g) s;
SELECT datamesh.publish_product('fc_intermediates.gl', 'gl');
SELECT datamesh.set_pii('fc_intermediates.gl', 'grade', 'redact');
-- ... and an upstream view replaced to read such a table, after publishing
CREATE TABLE fc_raw.flat (id int, born int);
CREATE VIEW fc_intermediates.gr AS SELECT id FROM fc_raw.flat;
SELECT datamesh.publish_product('fc_intermediates.gr', 'gr');
CREATE OR REPLACE VIEW fc_intermediates.gr AS SELECT id FROM fc_raw.born;
SELECT pg_get_viewdef('fc_intermediates.gr') LIKE '%fc_raw.flat%' AS unchanged;
-- a labelled computed column over a table ordered by another column is fine
CREATE TABLE fc_raw.byday (id int, day date, note text) PARTITION BY RANGE (day);
CREATE TABLE fc_raw.byday_1 PARTITION OF fc_raw.byday FOR VALUES FROM ('2020-01-01') TO ('2030-01-01');
CREATE VIEW fc_intermediates.notes AS SELECT id, day, upper(note) AS note FROM fc_raw.byday;
SELECT datamesh.set_pii('fc_intermediates.notes', 'note', 'redact');
SELECT datamesh.publish_product('fc_intermediates.notes', 'notes');
RESET ROLE;
SELECT * FROM datamesh.verify();

SELECT datamesh.drop_domain('fc', force => true);
DROP TABLE public.fc_ref, public.fc_op;
DROP ROLE regress_fc_team, regress_fc_other, regress_fc_reader;
SELECT * FROM datamesh.verify();
