-- setup: the extension and the roles of the suite, created idempotently
\i sql/include/roles.sql
SELECT extname, extversion, extnamespace::regnamespace FROM pg_extension WHERE extname = 'datamesh';
SELECT evtname, evtevent, evtenabled FROM pg_event_trigger ORDER BY evtname;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
