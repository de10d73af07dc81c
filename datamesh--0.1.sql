/* datamesh--0.1.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION datamesh" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Catalog tables.  Each holds only what users put there, and is dumped by
-- pg_dump.  Roles are stored as regrole (dumped by name), never bare OIDs.
-- ---------------------------------------------------------------------------

CREATE TABLE datamesh.domain (
    key          text PRIMARY KEY,
    name         text NOT NULL,
    organization text,
    stage        text,
    owner        regrole NOT NULL,
    description  text,
    created_at   timestamptz NOT NULL DEFAULT pg_catalog.now()
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.domain', '');

CREATE TABLE datamesh.setting (
    name  text PRIMARY KEY
          CHECK (name IN ('consumer_role', 'raw_metadata', 'default_organization')),
    value text
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.setting', '');

-- ---------------------------------------------------------------------------
-- C functions
-- ---------------------------------------------------------------------------

CREATE FUNCTION datamesh.create_domain(name text, owner regrole,
                                       stage text DEFAULT NULL,
                                       organization text DEFAULT NULL,
                                       description text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'datamesh_create_domain'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.drop_domain(key text, force boolean DEFAULT false)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_drop_domain'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning;

CREATE FUNCTION datamesh.configure(setting text, value text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_configure'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.ddl_command_start()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'datamesh_ddl_command_start'
LANGUAGE C;

CREATE FUNCTION datamesh.ddl_command_end()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'datamesh_ddl_command_end'
LANGUAGE C;

-- ---------------------------------------------------------------------------
-- Views for discovery, readable by everyone
-- ---------------------------------------------------------------------------

CREATE VIEW datamesh.domains AS
SELECT d.key AS domain,
       d.owner,
       d.organization,
       d.name,
       d.stage,
       d.description,
       d.created_at
  FROM datamesh.domain d;

CREATE VIEW datamesh.layers AS
SELECT d.key AS domain,
       l.layer,
       pg_catalog.format('%s_%s', d.key, l.layer)::name AS schema,
       l.visibility,
       n.oid IS NOT NULL AS present
  FROM datamesh.domain d
 CROSS JOIN (VALUES (1, 'raw', 'private'),
                    (2, 'raw_external', 'private'),
                    (3, 'intermediates', 'private'),
                    (4, 'information_objects', 'private'),
                    (5, 'data_products', 'consumers'),
                    (6, 'queries', 'private')) AS l(ord, layer, visibility)
  LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = pg_catalog.format('%s_%s', d.key, l.layer)
 ORDER BY d.key, l.ord;

CREATE VIEW datamesh.settings AS
SELECT s.name AS setting,
       COALESCE(v.value, s.default_value) AS value,
       s.default_value,
       s.description
  FROM (VALUES
        ('consumer_role', 'PUBLIC',
         'role that reads data products: USAGE on every data_products schema'),
        ('raw_metadata', 'add',
         'add: add missing metadata columns to raw tables; require: reject such tables'),
        ('default_organization', NULL,
         'organization part of new domain keys when create_domain is given none')
       ) AS s(name, default_value, description)
  LEFT JOIN datamesh.setting v ON v.name = s.name;

-- ---------------------------------------------------------------------------
-- Event triggers, last.  ENABLE ALWAYS: only datamesh.enforce switches them
-- off, not session_replication_role.
--
-- The trigger functions carry no SET search_path: they are C, resolve no
-- name through the search path except the relation a command itself names
-- (which must resolve as it does for the command), and a SET clause would
-- cost a GUC save and restore on every DDL statement of the database.
--
-- ddl_command_start fires only for the commands it judges; 'SECURITY
-- LABEL' is among them so that the library, and with it the label
-- provider, is loaded before the first label of a session.  There is no
-- sql_drop trigger: a schema is dropped only by DROP SCHEMA or DROP OWNED,
-- which ddl_command_start sees, and an sql_drop trigger would make every
-- DROP in the database collect its dropped objects.
-- ---------------------------------------------------------------------------

CREATE EVENT TRIGGER datamesh_ddl_command_start ON ddl_command_start
    WHEN TAG IN ('ALTER SCHEMA', 'ALTER TABLE', 'ALTER VIEW',
                 'ALTER MATERIALIZED VIEW', 'ALTER SEQUENCE',
                 'ALTER FOREIGN TABLE', 'DROP SCHEMA', 'DROP OWNED',
                 'SECURITY LABEL')
    EXECUTE FUNCTION datamesh.ddl_command_start();
ALTER EVENT TRIGGER datamesh_ddl_command_start ENABLE ALWAYS;

CREATE EVENT TRIGGER datamesh_ddl_command_end ON ddl_command_end
    EXECUTE FUNCTION datamesh.ddl_command_end();
ALTER EVENT TRIGGER datamesh_ddl_command_end ENABLE ALWAYS;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------

GRANT USAGE ON SCHEMA datamesh TO PUBLIC;
REVOKE ALL ON datamesh.domain, datamesh.setting FROM PUBLIC;
GRANT SELECT ON datamesh.domains, datamesh.layers, datamesh.settings TO PUBLIC;

REVOKE EXECUTE ON FUNCTION datamesh.create_domain(text, regrole, text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.drop_domain(text, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.configure(text, text) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Comments
-- ---------------------------------------------------------------------------

COMMENT ON TABLE datamesh.domain IS 'Domains of the mesh: one row per create_domain call.';
COMMENT ON TABLE datamesh.setting IS 'Mesh settings that differ from their defaults; see datamesh.settings.';
COMMENT ON VIEW datamesh.domains IS 'Domains of the mesh, their owner roles and descriptions.';
COMMENT ON VIEW datamesh.layers IS 'The six layer schemas of every domain, with their visibility.';
COMMENT ON VIEW datamesh.settings IS 'Mesh settings in effect, with their defaults.';
COMMENT ON FUNCTION datamesh.create_domain(text, regrole, text, text, text) IS
    'Creates a domain: six layer schemas owned by the team role. Returns the domain key.';
COMMENT ON FUNCTION datamesh.drop_domain(text, boolean) IS
    'Drops a domain, its schemas and everything in them; with force also dependent objects outside it.';
COMMENT ON FUNCTION datamesh.configure(text, text) IS
    'Sets a mesh setting (consumer_role, raw_metadata, default_organization); NULL restores the default.';
COMMENT ON FUNCTION datamesh.ddl_command_start() IS 'Event trigger: layer rules judged before a command.';
COMMENT ON FUNCTION datamesh.ddl_command_end() IS 'Event trigger: layer rules judged after a command.';
