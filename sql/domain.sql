-- domain lifecycle: create_domain, the domains view, schemas, owners, grants, drop_domain
\i sql/include/roles.sql
SELECT datamesh.create_domain('sales', 'regress_sales', description => 'Web shop sales');
SELECT datamesh.create_domain('hr', 'regress_hr', stage => 'prod', organization => 'acme');
SELECT domain, owner, organization, name, stage, description FROM datamesh.domains ORDER BY domain;

-- six schemas per domain, owned by the team role
SELECT * FROM datamesh.layers WHERE domain = 'sales';
SELECT nspname, nspowner::regrole, obj_description(oid, 'pg_namespace') AS comment
  FROM pg_namespace WHERE nspname LIKE 'sales\_%' ORDER BY nspname;
SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'acme\_hr\_prod\_%';

-- private schemas grant nothing to PUBLIC; data_products gives USAGE to the consumer role
SELECT nspname, nspacl FROM pg_namespace WHERE nspname LIKE 'sales\_%' ORDER BY nspname;
SELECT has_schema_privilege('regress_carol', 'sales_raw', 'USAGE') AS raw_usage,
       has_schema_privilege('regress_carol', 'sales_data_products', 'USAGE') AS products_usage,
       has_schema_privilege('regress_alice', 'sales_raw', 'CREATE') AS team_create;

-- a domain of that key exists already
SELECT datamesh.create_domain('sales', 'regress_hr');
-- a schema of that name exists already: nothing is created
CREATE SCHEMA billing_queries;
SELECT datamesh.create_domain('billing', 'regress_sales');
SELECT count(*) FROM datamesh.domains WHERE domain = 'billing';
SELECT nspname FROM pg_namespace WHERE nspname LIKE 'billing\_%' ORDER BY 1;
DROP SCHEMA billing_queries;

-- default privileges of the team role on schemas do not open the private layers
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sales GRANT USAGE ON SCHEMAS TO regress_bob;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sales GRANT USAGE ON SCHEMAS TO PUBLIC;
SELECT datamesh.create_domain('billing', 'regress_sales');
SELECT nspname, nspacl FROM pg_namespace WHERE nspname LIKE 'billing\_%' ORDER BY 1;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sales REVOKE USAGE ON SCHEMAS FROM regress_bob;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sales REVOKE USAGE ON SCHEMAS FROM PUBLIC;
SELECT datamesh.drop_domain('billing');

-- admin only: EXECUTE is revoked from PUBLIC
SET ROLE regress_alice;
SELECT datamesh.create_domain('rogue', 'regress_alice');
SELECT datamesh.drop_domain('sales');
RESET ROLE;
-- a superuser may hand create_domain to a trusted admin
GRANT EXECUTE ON FUNCTION datamesh.create_domain(text, regrole, text, text, text) TO regress_admin;
SET ROLE regress_admin;
SELECT datamesh.create_domain('marketing', 'regress_sales');
RESET ROLE;
REVOKE EXECUTE ON FUNCTION datamesh.create_domain(text, regrole, text, text, text) FROM regress_admin;

-- drop_domain drops the schemas with their content and the catalog row
CREATE TABLE marketing_raw.leads (id int);
CREATE VIEW marketing_intermediates.lead_ids AS SELECT id FROM marketing_raw.leads;
SELECT datamesh.drop_domain('marketing');
SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'marketing\_%';
SELECT count(*) FROM datamesh.domains WHERE domain = 'marketing';

-- objects of another domain depending on its products: refused unless force
SELECT datamesh.create_domain('marketing', 'regress_sales');
CREATE TABLE marketing_raw.leads (id int);
SET datamesh.enforce = off;   -- stand-in for publish_product
CREATE VIEW marketing_data_products.leads AS SELECT id FROM marketing_raw.leads;
RESET datamesh.enforce;
CREATE VIEW acme_hr_prod_intermediates.lead_count AS
    SELECT count(*) FROM marketing_data_products.leads;
SELECT datamesh.drop_domain('marketing');
SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'marketing\_%';
SELECT datamesh.drop_domain('marketing', force => true);
SELECT to_regclass('acme_hr_prod_intermediates.lead_count');
SELECT count(*) FROM datamesh.domains WHERE domain = 'marketing';

-- drop_domain of a domain that does not exist
SELECT datamesh.drop_domain('marketing');
SELECT datamesh.drop_domain(NULL);

-- a dropped domain can be created again
SELECT datamesh.create_domain('marketing', 'regress_sales');
SELECT datamesh.drop_domain('marketing');

SELECT datamesh.drop_domain('hr_prod');
SELECT datamesh.drop_domain('acme_hr_prod');
SELECT datamesh.drop_domain('sales');
SELECT count(*) FROM datamesh.domains;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
