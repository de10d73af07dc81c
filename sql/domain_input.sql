-- invalid input to create_domain: a clear error, and nothing created
\i sql/include/roles.sql
SELECT datamesh.create_domain(NULL, 'regress_sales');
SELECT datamesh.create_domain('sales', NULL);
SELECT datamesh.create_domain('', 'regress_sales');
SELECT datamesh.create_domain('Sales', 'regress_sales');
SELECT datamesh.create_domain('9lives', 'regress_sales');
SELECT datamesh.create_domain('_sales', 'regress_sales');
SELECT datamesh.create_domain('sales-eu', 'regress_sales');
SELECT datamesh.create_domain('sales eu', 'regress_sales');
SELECT datamesh.create_domain('vertrieb_ü', 'regress_sales');
SELECT datamesh.create_domain('x"; DROP SCHEMA public; --', 'regress_sales');
SELECT datamesh.create_domain('x''); DROP TABLE datamesh.domain; --', 'regress_sales');
SELECT datamesh.create_domain(repeat('a', 44), 'regress_sales');
SELECT datamesh.create_domain(repeat('a', 100000), 'regress_sales');
-- each part may be valid while the key is too long
SELECT datamesh.create_domain(repeat('a', 30), 'regress_sales', stage => 'production', organization => 'acme');
SELECT datamesh.create_domain('sales', 'regress_sales', stage => 'Prod');
SELECT datamesh.create_domain('sales', 'regress_sales', stage => '');
SELECT datamesh.create_domain('sales', 'regress_sales', organization => 'ACME');
-- unknown roles
SELECT datamesh.create_domain('sales', 'regress_nobody');
SELECT datamesh.create_domain('sales', 99999::oid::regrole);
SELECT datamesh.create_domain('sales', 'public');
-- the longest key that fits: every schema name is at most 63 bytes
SELECT datamesh.create_domain(repeat('a', 43), 'regress_sales');
SELECT max(length(nspname)) FROM pg_namespace WHERE nspname LIKE repeat('a', 43) || '\_%';
SELECT datamesh.drop_domain(repeat('a', 43));
-- nothing was left behind
SELECT count(*) FROM datamesh.domains;
SELECT count(*) FROM pg_namespace WHERE nspname ~ '_(raw|raw_external|intermediates|information_objects|data_products|queries)$';
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
