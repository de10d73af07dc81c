-- the extension and the roles of the regression suite, created idempotently;
-- included by every file of the suite, so that each also runs alone
SET client_min_messages = warning;
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['regress_sales', 'regress_hr', 'regress_consumers']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    FOREACH r IN ARRAY ARRAY['regress_alice', 'regress_bob', 'regress_carol', 'regress_admin']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r);
        END IF;
    END LOOP;
END
$$;
-- alice works in sales, bob in hr; carol is an analyst of no team
GRANT regress_sales TO regress_alice;
GRANT regress_hr TO regress_bob;
GRANT regress_consumers TO regress_carol;
CREATE EXTENSION IF NOT EXISTS datamesh;
RESET client_min_messages;
