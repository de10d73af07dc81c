-- cleanup: the mesh is empty again; drop the extension and the suite's roles
\i sql/include/roles.sql
SELECT count(*) AS domains_left FROM datamesh.domains;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
DROP EXTENSION datamesh;
SELECT count(*) AS event_triggers_left FROM pg_event_trigger WHERE evtname LIKE 'datamesh%';
DROP ROLE regress_alice, regress_bob, regress_carol, regress_admin;
DROP ROLE regress_sales, regress_hr, regress_consumers;
