-- mesh settings: datamesh.configure and the datamesh.settings view
\i sql/include/roles.sql
SELECT setting, value, default_value FROM datamesh.settings ORDER BY setting;

-- default_organization prefixes new domain keys
SELECT datamesh.configure('default_organization', 'acme');
SELECT datamesh.create_domain('sales', 'regress_sales');
SELECT datamesh.create_domain('hr', 'regress_hr', organization => 'globex');
SELECT domain, organization FROM datamesh.domains ORDER BY domain;
SELECT datamesh.configure('default_organization', NULL);

-- consumer_role: USAGE on every data_products schema moves to the new role
SELECT datamesh.configure('consumer_role', 'regress_consumers');
SELECT nspname, nspacl FROM pg_namespace WHERE nspname LIKE '%\_data\_products' ORDER BY 1;
SELECT datamesh.create_domain('billing', 'regress_sales');
SELECT nspacl FROM pg_namespace WHERE nspname = 'billing_data_products';
SELECT has_schema_privilege('regress_carol', 'billing_data_products', 'USAGE') AS carol,
       has_schema_privilege('regress_bob', 'billing_data_products', 'USAGE') AS bob;
SELECT datamesh.configure('consumer_role', NULL);
SELECT nspname, nspacl FROM pg_namespace WHERE nspname LIKE '%\_data\_products' ORDER BY 1;
SELECT setting, value FROM datamesh.settings ORDER BY setting;

-- invalid input: nothing changes
SELECT datamesh.configure('raw_metadata', 'sometimes');
SELECT datamesh.configure('consumer_role', 'regress_nobody');
SELECT datamesh.configure('default_organization', 'Acme Corp');
SELECT datamesh.configure('colour', 'blue');
SELECT datamesh.configure(NULL, 'x');
SELECT setting, value FROM datamesh.settings ORDER BY setting;

-- admin only
SET ROLE regress_alice;
SELECT datamesh.configure('raw_metadata', 'require');
RESET ROLE;

SELECT datamesh.drop_domain('acme_sales');
SELECT datamesh.drop_domain('globex_hr');
SELECT datamesh.drop_domain('billing');
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
