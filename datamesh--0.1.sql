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
    created_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    tags         jsonb NOT NULL DEFAULT '{}' CHECK (pg_catalog.jsonb_typeof(tags) = 'object')
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.domain', '');

CREATE TABLE datamesh.setting (
    name  text PRIMARY KEY
          CHECK (name IN ('consumer_role', 'raw_metadata', 'default_organization')),
    value text
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.setting', '');

CREATE TABLE datamesh.product (
    product      text PRIMARY KEY,     -- the view, as a quoted qualified name
    domain       text NOT NULL,
    name         text NOT NULL,
    source       text NOT NULL,        -- the source relation, likewise
    columns      name[],               -- NULL: all but the metadata columns
    description  text,
    version      integer NOT NULL DEFAULT 1,
    published_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at   timestamptz NOT NULL DEFAULT pg_catalog.now()
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.product', '');

CREATE TABLE datamesh.unmasked (
    product text NOT NULL,
    grantee regrole NOT NULL,
    PRIMARY KEY (product, grantee)
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.unmasked', '');

CREATE TABLE datamesh.pseudonym_scope (
    domain text PRIMARY KEY,
    scope  text NOT NULL
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.pseudonym_scope', '');

-- readable by superusers only; pg_dump (as superuser) keeps the keys
CREATE TABLE datamesh.pseudonym_key (
    scope      text PRIMARY KEY,
    key        bytea NOT NULL CHECK (pg_catalog.length(key) = 16),
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.pseudonym_key', '');

-- Data contracts: every published version of every contract.  A product
-- is named as its view's quoted qualified name; baseline holds what the
-- catalogs guaranteed when the version was published (per column: NOT NULL
-- and uniqueness derivable through the view, enum labels, masking; the
-- primary key), which the DDL check holds the product to.
CREATE TABLE datamesh.contract (
    id             text NOT NULL,
    version        text NOT NULL,
    product        text NOT NULL,
    major          integer NOT NULL CHECK (major >= 0),
    minor          integer NOT NULL CHECK (minor >= 0),
    patch          integer NOT NULL CHECK (patch >= 0),
    status         text NOT NULL CHECK (status IN ('active', 'deprecated', 'retired')),
    compatibility  text NOT NULL,
    end_of_support date,
    document       jsonb NOT NULL,
    baseline       jsonb NOT NULL,
    published_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    published_by   text NOT NULL DEFAULT CURRENT_USER,
    PRIMARY KEY (id, version)
);
CREATE INDEX contract_product_idx ON datamesh.contract (product, major, minor, patch);
SELECT pg_catalog.pg_extension_config_dump('datamesh.contract', '');

-- What contracts let through: products withdrawn after their end of
-- support, breaking changes committed with datamesh.enforce off.
CREATE TABLE datamesh.contract_event (
    at       timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    product  text NOT NULL,
    version  text NOT NULL,
    rule     text NOT NULL,
    severity text NOT NULL,
    detail   text NOT NULL,
    actor    text NOT NULL DEFAULT SESSION_USER
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.contract_event', '');

-- @@catalog-tables (tags, search)

-- Tags that accept only some values (datamesh.define_tag); a tag never
-- defined is free-form.  The tags themselves live in security labels of
-- provider datamesh_tags (relations and columns) and in datamesh.domain.
CREATE TABLE datamesh.tag_definition (
    tag            text PRIMARY KEY,
    allowed_values text[],
    description    text,
    defined_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    defined_by     text NOT NULL DEFAULT CURRENT_USER
);
SELECT pg_catalog.pg_extension_config_dump('datamesh.tag_definition', '');

-- The search index of the products: one row per product and per column
-- of a product, with its words.  Refreshed at the commit of every
-- transaction that publishes, regenerates, unpublishes, describes or tags
-- a product (datamesh.search_refresh); what it holds is public (names,
-- descriptions, tags of products), so everyone may read it.
CREATE TABLE datamesh.search_entry (
    kind              text NOT NULL CHECK (kind IN ('product', 'column')),
    object            text NOT NULL,    -- the product's view, quoted qualified name
    column_name       name,             -- NULL for the product itself
    domain            text NOT NULL,
    name              text NOT NULL,    -- the product's or the column's name
    description       text,
    tags              text,             -- 'tag=value, tag', for display
    name_words        tsvector NOT NULL,
    tag_words         tsvector NOT NULL,
    description_words tsvector NOT NULL,
    document          tsvector NOT NULL -- all of them, weighted, and the context
);
CREATE UNIQUE INDEX search_entry_key
    ON datamesh.search_entry (object, (COALESCE(column_name, '')));
CREATE INDEX search_entry_document ON datamesh.search_entry USING gin (document);
SELECT pg_catalog.pg_extension_config_dump('datamesh.search_entry', '');

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

CREATE FUNCTION datamesh.publish_product(source regclass, name text DEFAULT NULL,
                                         columns name[] DEFAULT NULL,
                                         description text DEFAULT NULL)
RETURNS regclass
AS 'MODULE_PATHNAME', 'datamesh_publish_product'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

-- The same, with the relation named as text: an unknown literal
-- ('sales_raw.orders') picks this one, which names the domain and its team
-- when the caller may not use the relation's schema, instead of
-- PostgreSQL's "permission denied for schema".
CREATE FUNCTION datamesh.publish_product(source text, name text DEFAULT NULL,
                                         columns name[] DEFAULT NULL,
                                         description text DEFAULT NULL)
RETURNS regclass
AS 'MODULE_PATHNAME', 'datamesh_publish_product_by_name'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.unpublish_product(product regclass)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_unpublish_product'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.set_pii(rel regclass, col name, strategy text DEFAULT 'redact')
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_set_pii'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.unset_pii(rel regclass, col name)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_unset_pii'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.set_pii(rel text, col name, strategy text DEFAULT 'redact')
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_set_pii_by_name'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.unset_pii(rel text, col name)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_unset_pii_by_name'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.grant_unmasked(product regclass, grantee regrole)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_grant_unmasked'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.revoke_unmasked(product regclass, grantee regrole)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_revoke_unmasked'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.set_pseudonym_scope(domain text, scope text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_set_pseudonym_scope'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.rotate_key(scope text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_rotate_key'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.siphash(data bytea, key bytea, bytes integer DEFAULT 16)
RETURNS bytea
AS 'MODULE_PATHNAME', 'datamesh_siphash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Mask functions, called by product views with the reader's privileges.
-- STABLE: the clear-text decision and the key are read once per execution.
-- Not LEAKPROOF: nothing needs to push them below a security barrier.
CREATE FUNCTION datamesh.mask_redact(anyelement, product text) RETURNS anyelement
AS 'MODULE_PATHNAME', 'datamesh_mask_redact' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_email(text, product text) RETURNS text
AS 'MODULE_PATHNAME', 'datamesh_mask_email' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_partial(text, prefix integer, suffix integer, product text) RETURNS text
AS 'MODULE_PATHNAME', 'datamesh_mask_partial' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_year(date, product text) RETURNS date
AS 'MODULE_PATHNAME', 'datamesh_mask_year_date' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_year(timestamp, product text) RETURNS timestamp
AS 'MODULE_PATHNAME', 'datamesh_mask_year_ts' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_year(timestamptz, product text) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'datamesh_mask_year_ts' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_month(date, product text) RETURNS date
AS 'MODULE_PATHNAME', 'datamesh_mask_month_date' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_month(timestamp, product text) RETURNS timestamp
AS 'MODULE_PATHNAME', 'datamesh_mask_month_ts' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_month(timestamptz, product text) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'datamesh_mask_month_ts' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_bucket(smallint, width bigint, product text) RETURNS smallint
AS 'MODULE_PATHNAME', 'datamesh_mask_bucket_int2' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_bucket(integer, width bigint, product text) RETURNS integer
AS 'MODULE_PATHNAME', 'datamesh_mask_bucket_int4' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_bucket(bigint, width bigint, product text) RETURNS bigint
AS 'MODULE_PATHNAME', 'datamesh_mask_bucket_int8' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_bucket(numeric, width numeric, product text) RETURNS numeric
AS 'MODULE_PATHNAME', 'datamesh_mask_bucket_numeric' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_bucket(numeric, width numeric, typmod integer, product text) RETURNS numeric
AS 'MODULE_PATHNAME', 'datamesh_mask_bucket_numeric_typmod' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_bucket(real, width double precision, product text) RETURNS real
AS 'MODULE_PATHNAME', 'datamesh_mask_bucket_float4' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_bucket(double precision, width double precision, product text) RETURNS double precision
AS 'MODULE_PATHNAME', 'datamesh_mask_bucket_float8' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION datamesh.mask_hash_support(internal) RETURNS internal
AS 'MODULE_PATHNAME', 'datamesh_mask_hash_support' LANGUAGE C STRICT;
CREATE FUNCTION datamesh.mask_hash(text, product text) RETURNS text
AS 'MODULE_PATHNAME', 'datamesh_mask_hash_text' LANGUAGE C STABLE STRICT PARALLEL SAFE
SUPPORT datamesh.mask_hash_support;
CREATE FUNCTION datamesh.mask_hash(integer, product text) RETURNS integer
AS 'MODULE_PATHNAME', 'datamesh_mask_hash_int4' LANGUAGE C STABLE STRICT PARALLEL SAFE
SUPPORT datamesh.mask_hash_support;
CREATE FUNCTION datamesh.mask_hash(bigint, product text) RETURNS bigint
AS 'MODULE_PATHNAME', 'datamesh_mask_hash_int8' LANGUAGE C STABLE STRICT PARALLEL SAFE
SUPPORT datamesh.mask_hash_support;
CREATE FUNCTION datamesh.mask_hash(uuid, product text) RETURNS uuid
AS 'MODULE_PATHNAME', 'datamesh_mask_hash_uuid' LANGUAGE C STABLE STRICT PARALLEL SAFE
SUPPORT datamesh.mask_hash_support;
CREATE FUNCTION datamesh.mask_hash(bytea, product text) RETURNS bytea
AS 'MODULE_PATHNAME', 'datamesh_mask_hash_bytea' LANGUAGE C STABLE STRICT PARALLEL SAFE
SUPPORT datamesh.mask_hash_support;

CREATE FUNCTION datamesh.publish_contract(product regclass, contract jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'datamesh_publish_contract'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.diff_contracts(old jsonb, new jsonb)
RETURNS TABLE (path text, change text, severity text, detail text)
AS 'MODULE_PATHNAME', 'datamesh_diff_contracts'
LANGUAGE C STABLE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.check_contract(product regclass)
RETURNS TABLE (check_name text, status text, detail text)
AS 'MODULE_PATHNAME', 'datamesh_check_contract'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

-- the current contract: the highest version not retired
CREATE FUNCTION datamesh.contract(product regclass)
RETURNS jsonb
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
SELECT c.document
  FROM pg_catalog.pg_class r
  JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
  JOIN datamesh.contract c ON c.product = pg_catalog.format('%I.%I', n.nspname, r.relname)
 WHERE r.oid = $1
   AND c.status <> 'retired'
 ORDER BY c.major DESC, c.minor DESC, c.patch DESC
 LIMIT 1
$$;

-- @@catalog-functions (tag.c, search)

CREATE FUNCTION datamesh.define_tag(tag text, allowed_values text[] DEFAULT NULL,
                                    description text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_define_tag'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.set_tag(object regclass, tag text, value text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_set_tag'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.set_tag(object regclass, col name, tag text, value text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_set_column_tag'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.unset_tag(object regclass, tag text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_unset_tag'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.unset_tag(object regclass, col name, tag text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_unset_column_tag'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.set_domain_tag(domain text, tag text, value text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_set_domain_tag'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.unset_domain_tag(domain text, tag text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_unset_domain_tag'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.describe(object regclass, description text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_describe'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.describe(object regclass, col name, description text)
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_describe_column'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

-- a tags label (a JSON object) as 'tag=value, tag' in tag order
CREATE FUNCTION datamesh.tags_text(label text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT pg_catalog.string_agg(t.key || COALESCE('=' || t.value, ''), ', ' ORDER BY t.key)
  FROM pg_catalog.jsonb_each_text($1::pg_catalog.jsonb) t
$$;

-- The words of a search as a tsquery: each word (letters and digits, at
-- most 100 bytes; English stop words left out; the first 32 words)
-- matches as a prefix, or its English stem as a prefix; all words must
-- match, or with any_word one of them.  NULL for a query without words.
CREATE FUNCTION datamesh.search_query(query text, any_word boolean DEFAULT false)
RETURNS tsquery
AS 'MODULE_PATHNAME', 'datamesh_search_query'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The index rows of the given products as the catalogs describe them now
CREATE FUNCTION datamesh.search_rows(products text[])
RETURNS SETOF datamesh.search_entry
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT x.kind, x.object, x.column_name, x.domain, x.name, x.description, x.tags,
       x.nw, x.tw, x.dw,
       pg_catalog.setweight(x.nw, 'A') || pg_catalog.setweight(x.tw, 'B') ||
       pg_catalog.setweight(x.dw, 'C') || pg_catalog.setweight(x.cw, 'D')
  FROM (SELECT e.*,
               pg_catalog.to_tsvector('simple', e.name) AS nw,
               pg_catalog.to_tsvector('simple', COALESCE(e.tags, '')) AS tw,
               pg_catalog.to_tsvector('english', COALESCE(e.description, '')) AS dw,
               pg_catalog.to_tsvector('simple', e.context) AS cw
          FROM (SELECT 'product' AS kind, p.product AS object, NULL::name AS column_name,
                       p.domain, p.name,
                       pg_catalog.obj_description(c.oid, 'pg_class') AS description,
                       datamesh.tags_text(l.label) AS tags,
                       p.domain AS context
                  FROM datamesh.product p
                  JOIN pg_catalog.pg_namespace n ON n.nspname = p.domain || '_data_products'
                  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.name
                  LEFT JOIN pg_catalog.pg_seclabel l
                         ON l.objoid = c.oid AND l.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                        AND l.objsubid = 0 AND l.provider = 'datamesh_tags'
                 WHERE p.product = ANY (products)
                UNION ALL
                SELECT 'column', p.product, a.attname, p.domain, a.attname::text,
                       pg_catalog.col_description(c.oid, a.attnum),
                       datamesh.tags_text(l.label),
                       p.domain || ' ' || p.name
                  FROM datamesh.product p
                  JOIN pg_catalog.pg_namespace n ON n.nspname = p.domain || '_data_products'
                  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.name
                  JOIN pg_catalog.pg_attribute a
                    ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  LEFT JOIN pg_catalog.pg_seclabel l
                         ON l.objoid = c.oid AND l.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                        AND l.objsubid = a.attnum AND l.provider = 'datamesh_tags'
                 WHERE p.product = ANY (products)) e) x
$$;

-- Indexes the given products anew (the names as in datamesh.product);
-- called at the commit of a transaction that touched them.  Rows that
-- stay the same are not written, so that concurrent transactions that
-- touch a product without changing its words do not conflict.
CREATE FUNCTION datamesh.search_refresh(products text[])
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DELETE FROM datamesh.search_entry e
 WHERE e.object = ANY (products)
   AND NOT EXISTS (SELECT FROM datamesh.search_rows(products) f
                    WHERE f.object = e.object
                      AND f.column_name IS NOT DISTINCT FROM e.column_name
                      AND (f.kind, f.domain, f.name, f.description, f.tags)
                          IS NOT DISTINCT FROM (e.kind, e.domain, e.name, e.description, e.tags));
INSERT INTO datamesh.search_entry
SELECT f.*
  FROM datamesh.search_rows(products) f
 WHERE NOT EXISTS (SELECT FROM datamesh.search_entry e
                    WHERE e.object = f.object
                      AND e.column_name IS NOT DISTINCT FROM f.column_name);
$$;

-- what is wrong with one product's contract (verify())
CREATE FUNCTION datamesh.contract_problems(product text)
RETURNS TABLE (problem text, detail text)
AS 'MODULE_PATHNAME', 'datamesh_contract_problems'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.check_product(product text)
RETURNS TABLE (problem text, detail text)
AS 'MODULE_PATHNAME', 'datamesh_check_product'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.ddl_command_start()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'datamesh_ddl_command_start'
LANGUAGE C;

CREATE FUNCTION datamesh.sql_drop()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'datamesh_sql_drop'
LANGUAGE C;

CREATE FUNCTION datamesh.ddl_command_end()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'datamesh_ddl_command_end'
LANGUAGE C;

-- ---------------------------------------------------------------------------
-- Views for discovery, readable by everyone
-- ---------------------------------------------------------------------------

-- @@ingest-functions (ingest.c)
-- Ingestion helpers: run as the caller (his DDL passes the event triggers,
-- his INSERT his privileges); not strict, so that a NULL argument gets an
-- error that names it.
CREATE FUNCTION datamesh.create_raw_table(domain text, name text, source_system text,
                                          type text DEFAULT NULL,
                                          external boolean DEFAULT false)
RETURNS regclass
AS 'MODULE_PATHNAME', 'datamesh_create_raw_table'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.ingest(raw regclass, payloads jsonb, type text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'datamesh_ingest'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.create_latest_view(raw regclass, key text, name text DEFAULT NULL,
                                            order_by text DEFAULT '_added_at')
RETURNS regclass
AS 'MODULE_PATHNAME', 'datamesh_create_latest_view'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

-- @@lineage-functions (lineage, freshness, mesh_graph)
-- Everything upstream of a relation, from pg_depend: what views' rewrite
-- rules and SQL-standard function bodies read.  Reads only catalogs that
-- everyone may read, with the caller's rights.
CREATE FUNCTION datamesh.lineage(object regclass)
RETURNS TABLE (depth integer, object text, domain text, layer text, kind text)
AS 'MODULE_PATHNAME', 'datamesh_lineage'
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp;

-- The newest _added_at of the raw tables upstream of a relation (the view
-- datamesh.products calls it per product).  Not SECURITY DEFINER: it reads
-- the raw tables through the access methods, with no SQL and no privilege
-- check of PostgreSQL's, and checks itself who may ask (everyone for a
-- product; members of the domain and roles with SELECT for anything
-- else).  No SET search_path: it resolves no name, and the clause would
-- cost a GUC save and restore per product of the view.
CREATE FUNCTION datamesh.freshness(object regclass)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'datamesh_freshness'
LANGUAGE C STABLE STRICT;

-- The mesh as a Mermaid flowchart or a Graphviz digraph.
CREATE FUNCTION datamesh.mesh_graph(format text DEFAULT 'mermaid')
RETURNS text
AS 'MODULE_PATHNAME', 'datamesh_mesh_graph'
LANGUAGE C STABLE
SET search_path = pg_catalog, pg_temp;

CREATE VIEW datamesh.domains AS
SELECT d.key AS domain,
       d.owner,
       d.organization,
       d.name,
       d.stage,
       d.description,
       d.tags,
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

CREATE VIEW datamesh.products AS
SELECT p.domain,
       p.product,
       p.source,
       p.version,
       CASE WHEN c.oid IS NULL THEN 'missing' ELSE 'published' END AS status,
       pg_catalog.obj_description(c.oid, 'pg_class') AS description,
       (SELECT l.label::jsonb
          FROM pg_catalog.pg_seclabel l
         WHERE l.objoid = c.oid AND l.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND l.objsubid = 0 AND l.provider = 'datamesh_tags') AS tags,
       k.version AS contract_version,
       COALESCE(k.status, 'none') AS contract_status,
       datamesh.freshness(c.oid::pg_catalog.regclass) AS freshness,
       p.columns,
       p.published_at,
       p.updated_at
  FROM datamesh.product p
  LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = p.domain || '_data_products'
  LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.name
  LEFT JOIN LATERAL (SELECT k.version, k.status
                       FROM datamesh.contract k
                      WHERE k.product = p.product AND k.status <> 'retired'
                      ORDER BY k.major DESC, k.minor DESC, k.patch DESC
                      LIMIT 1) k ON true;

CREATE VIEW datamesh.pii_columns AS
SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS object,
       a.attname AS column_name,
       pg_catalog.substr(l.label, 5) AS strategy
  FROM pg_catalog.pg_seclabel l
  JOIN pg_catalog.pg_class c ON c.oid = l.objoid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = l.objoid AND a.attnum = l.objsubid
 WHERE l.provider = 'datamesh'
   AND l.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
   AND l.objsubid > 0
   AND l.label LIKE 'pii:%';

-- Tags of domains, relations and columns: set_domain_tag, set_tag or
-- SECURITY LABEL FOR datamesh_tags.
CREATE VIEW datamesh.tags AS
SELECT d.key AS object,
       NULL::name AS column_name,
       t.key AS tag,
       t.value,
       'domain'::text AS kind,
       d.key AS domain
  FROM datamesh.domain d
 CROSS JOIN LATERAL pg_catalog.jsonb_each_text(d.tags) t
UNION ALL
SELECT pg_catalog.format('%I.%I', n.nspname, c.relname),
       a.attname,
       t.key,
       t.value,
       CASE WHEN l.objsubid <> 0 THEN 'column'
            WHEN y.layer = 'data_products' THEN 'product'
            ELSE 'relation' END,
       y.domain
  FROM pg_catalog.pg_seclabel l
  JOIN pg_catalog.pg_class c ON c.oid = l.objoid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = l.objoid AND a.attnum = l.objsubid
                                     AND l.objsubid > 0
  LEFT JOIN datamesh.layers y ON y.schema = n.nspname
 CROSS JOIN LATERAL pg_catalog.jsonb_each_text(l.label::pg_catalog.jsonb) t
 WHERE l.provider = 'datamesh_tags'
   AND l.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass;

-- Search: the products of every domain (from the index), the domains, and
-- the private relations and columns of the caller's own domains (read
-- from the catalogs as they are).  Ranked by ts_rank: names weigh most,
-- then tags, then descriptions.
-- the products this transaction touched, indexed now (verify() first)
CREATE FUNCTION datamesh.search_flush()
RETURNS void
AS 'MODULE_PATHNAME', 'datamesh_search_flush'
LANGUAGE C VOLATILE;

CREATE FUNCTION datamesh.search(query text)
RETURNS TABLE (kind text, object text, domain text, matched text, rank real)
AS 'MODULE_PATHNAME', 'datamesh_search'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;


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

-- Everything that is not as it should be: products whose view differs from
-- what datamesh.publish_product() would generate now, and catalog rows
-- without their objects or objects without their rows.  Admin only.
-- @@lint-functions (lint.c, detect.c)
-- SECURITY INVOKER: values are sampled as the caller, from the columns he
-- may SELECT; the catalog rules read what everyone may read
CREATE FUNCTION datamesh.lint(domain text DEFAULT NULL)
RETURNS TABLE (domain text, object text, rule text, severity text, message text)
AS 'MODULE_PATHNAME', 'datamesh_lint'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION datamesh.detect_pii(value text) RETURNS text
AS 'MODULE_PATHNAME', 'datamesh_detect_pii'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;


CREATE FUNCTION datamesh.verify()
RETURNS TABLE (object text, problem text, detail text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
SELECT datamesh.search_flush();
SELECT * FROM (
    SELECT p.product AS object, c.problem, c.detail
      FROM datamesh.product p, datamesh.check_product(p.product) c
    UNION ALL
    SELECT k.product, c.problem, c.detail
      FROM (SELECT DISTINCT product FROM datamesh.contract WHERE status <> 'retired') k,
           datamesh.contract_problems(k.product) c
    UNION ALL
    SELECT pg_catalog.format('%I.%I', n.nspname, v.relname), 'not recorded',
           'A relation in a data_products schema that datamesh.product does not record.'
      FROM datamesh.domain d
      JOIN pg_catalog.pg_namespace n ON n.nspname = d.key || '_data_products'
      JOIN pg_catalog.pg_class v ON v.relnamespace = n.oid
     WHERE v.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND NOT EXISTS (SELECT FROM datamesh.product p
                        WHERE p.product = pg_catalog.format('%I.%I', n.nspname, v.relname))
    UNION ALL
    SELECT p.product, 'unknown domain',
           pg_catalog.format('The product belongs to domain %s, which does not exist.', p.domain)
      FROM datamesh.product p
     WHERE NOT EXISTS (SELECT FROM datamesh.domain d WHERE d.key = p.domain)
    UNION ALL
    SELECT l.schema::text, 'schema missing',
           pg_catalog.format('Layer %s of domain %s has no schema.', l.layer, l.domain)
      FROM datamesh.layers l
     WHERE NOT l.present
    UNION ALL
    SELECT u.product, 'unmasked grant of an unknown product',
           pg_catalog.format('Role %s is granted clear text of a product that datamesh.product does not record.', u.grantee)
      FROM datamesh.unmasked u
     WHERE NOT EXISTS (SELECT FROM datamesh.product p WHERE p.product = u.product)
    UNION ALL
    SELECT u.product, 'unmasked grant to a dropped role',
           pg_catalog.format('Role with OID %s, granted clear text of the product, does not exist.', u.grantee::oid)
      FROM datamesh.unmasked u
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.oid = u.grantee::oid)
    UNION ALL
    SELECT 'consumer_role', 'consumer role missing',
           pg_catalog.format('The setting consumer_role names role %s, which does not exist (renamed?): set it again with datamesh.configure().', s.value)
      FROM datamesh.setting s
     WHERE s.name = 'consumer_role' AND s.value IS NOT NULL
       AND pg_catalog.lower(s.value) <> 'public'
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = s.value)
    UNION ALL
    SELECT d.key, 'owner role missing',
           pg_catalog.format('Role with OID %s, the owner of the domain, does not exist.', d.owner::oid)
      FROM datamesh.domain d
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.oid = d.owner::oid)
    UNION ALL
    SELECT s.domain, 'scope of an unknown domain',
           pg_catalog.format('Pseudonym scope %s is set for a domain that does not exist.', s.scope)
      FROM datamesh.pseudonym_scope s
     WHERE NOT EXISTS (SELECT FROM datamesh.domain d WHERE d.key = s.domain)
    UNION ALL
    SELECT k.scope, 'key of an unused scope', 'No domain uses this pseudonym scope; its key should be gone.'
      FROM datamesh.pseudonym_key k
     WHERE k.scope NOT IN (SELECT COALESCE(s.scope, 'domain:' || d.key)
                             FROM datamesh.domain d
                             LEFT JOIN datamesh.pseudonym_scope s ON s.domain = d.key)
    UNION ALL
    SELECT u.scope, 'scope without key', 'Pseudonyms of this scope would be NULL.'
      FROM (SELECT DISTINCT COALESCE(s.scope, 'domain:' || d.key) AS scope
              FROM datamesh.domain d
              LEFT JOIN datamesh.pseudonym_scope s ON s.domain = d.key) u
     WHERE NOT EXISTS (SELECT FROM datamesh.pseudonym_key k WHERE k.scope = u.scope)
    UNION ALL
    SELECT DISTINCT x.object, 'search index stale',
           'The search index does not describe the product as it is; SELECT datamesh.search_refresh(ARRAY(SELECT product FROM datamesh.product UNION SELECT object FROM datamesh.search_entry)) rewrites it.'
      FROM ((SELECT f.kind, f.object, f.column_name, f.domain, f.name, f.description, f.tags
               FROM datamesh.search_rows(ARRAY(SELECT p.product FROM datamesh.product p)) f
             EXCEPT
             SELECT e.kind, e.object, e.column_name, e.domain, e.name, e.description, e.tags
               FROM datamesh.search_entry e)
            UNION ALL
            (SELECT e.kind, e.object, e.column_name, e.domain, e.name, e.description, e.tags
               FROM datamesh.search_entry e
             EXCEPT
             SELECT f.kind, f.object, f.column_name, f.domain, f.name, f.description, f.tags
               FROM datamesh.search_rows(ARRAY(SELECT p.product FROM datamesh.product p)) f)) x
) problems
ORDER BY 1, 2
$$;

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
-- provider, is loaded before the first label of a session.  A schema is
-- dropped only by DROP SCHEMA or DROP OWNED, which ddl_command_start sees;
-- sql_drop guards the product views against drops by hand.
-- ---------------------------------------------------------------------------

CREATE EVENT TRIGGER datamesh_ddl_command_start ON ddl_command_start
    WHEN TAG IN ('ALTER SCHEMA', 'ALTER TABLE', 'ALTER VIEW',
                 'ALTER MATERIALIZED VIEW', 'ALTER SEQUENCE',
                 'ALTER FOREIGN TABLE', 'DROP SCHEMA', 'DROP OWNED',
                 'DROP INDEX', 'SECURITY LABEL')
    EXECUTE FUNCTION datamesh.ddl_command_start();
ALTER EVENT TRIGGER datamesh_ddl_command_start ENABLE ALWAYS;

CREATE EVENT TRIGGER datamesh_ddl_command_end ON ddl_command_end
    EXECUTE FUNCTION datamesh.ddl_command_end();
ALTER EVENT TRIGGER datamesh_ddl_command_end ENABLE ALWAYS;

-- only statements that can drop a view or, by CASCADE, an index; the
-- function returns at once unless the statement is DROP VIEW, DROP OWNED or
-- uses CASCADE
CREATE EVENT TRIGGER datamesh_sql_drop ON sql_drop
    WHEN TAG IN ('DROP VIEW', 'DROP TABLE', 'DROP MATERIALIZED VIEW',
                 'DROP FOREIGN TABLE', 'DROP TYPE', 'DROP DOMAIN',
                 'DROP FUNCTION', 'DROP OWNED', 'ALTER TABLE', 'DROP SCHEMA',
                 'DROP COLLATION', 'DROP OPERATOR', 'DROP OPERATOR CLASS',
                 'DROP OPERATOR FAMILY')
    EXECUTE FUNCTION datamesh.sql_drop();
ALTER EVENT TRIGGER datamesh_sql_drop ENABLE ALWAYS;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------

GRANT USAGE ON SCHEMA datamesh TO PUBLIC;
REVOKE ALL ON datamesh.domain, datamesh.setting, datamesh.product, datamesh.unmasked,
    datamesh.pseudonym_scope, datamesh.pseudonym_key, datamesh.contract,
    datamesh.contract_event FROM PUBLIC;
-- contracts are the public promises of the products
GRANT SELECT ON datamesh.contract TO PUBLIC;
GRANT SELECT ON datamesh.domains, datamesh.layers, datamesh.settings, datamesh.products,
    datamesh.pii_columns TO PUBLIC;

-- @@catalog-grants
GRANT SELECT ON datamesh.tags TO PUBLIC;
-- the index holds only what datamesh.products and datamesh.tags show
GRANT SELECT ON datamesh.search_entry TO PUBLIC;
REVOKE ALL ON datamesh.tag_definition FROM PUBLIC;
GRANT SELECT ON datamesh.tag_definition TO PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.define_tag(text, text[], text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.search_refresh(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.search_rows(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.search_flush() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.create_domain(text, regrole, text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.drop_domain(text, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.configure(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.set_pseudonym_scope(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.rotate_key(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.mask_hash_support(internal) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.check_product(text) FROM PUBLIC;
-- @@ingest-grants
-- the ingestion helpers stay executable by PUBLIC: each checks the caller
-- (membership of the domain's team, or the privileges on the raw table)

-- @@lineage-grants
-- lineage, freshness and mesh_graph stay executable by PUBLIC: lineage and
-- the graph show what the system catalogs show everyone, freshness checks
-- who may ask itself
REVOKE EXECUTE ON FUNCTION datamesh.verify() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION datamesh.contract_problems(text) FROM PUBLIC;
-- @@lint-grants
-- lint and detect_pii stay executable by PUBLIC: anyone may lint (values
-- only where he may read them)

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
COMMENT ON TABLE datamesh.product IS 'Data products: one row per publish_product view.';
COMMENT ON TABLE datamesh.unmasked IS 'Roles granted clear text of a product (grant_unmasked).';
COMMENT ON TABLE datamesh.pseudonym_scope IS 'Domains joined into a shared pseudonym scope; others have their own.';
COMMENT ON TABLE datamesh.pseudonym_key IS 'Pseudonym keys, one per scope; superusers only.';
COMMENT ON VIEW datamesh.products IS 'Data products of the mesh.';
COMMENT ON VIEW datamesh.pii_columns IS 'Columns classified as personal data, with their masking strategy.';
COMMENT ON FUNCTION datamesh.publish_product(regclass, text, name[], text) IS
    'Creates or regenerates the data product view of a private relation of the caller''s domain.';
COMMENT ON FUNCTION datamesh.unpublish_product(regclass) IS 'Drops a data product.';
COMMENT ON FUNCTION datamesh.set_pii(regclass, name, text) IS
    'Classifies a column as personal data with a masking strategy (a security label).';
COMMENT ON FUNCTION datamesh.unset_pii(regclass, name) IS 'Removes the classification of a column.';
COMMENT ON FUNCTION datamesh.publish_product(text, text, name[], text) IS
    'publish_product with the source named as text (what a string literal calls).';
COMMENT ON FUNCTION datamesh.set_pii(text, name, text) IS
    'set_pii with the relation named as text (what a string literal calls).';
COMMENT ON FUNCTION datamesh.unset_pii(text, name) IS
    'unset_pii with the relation named as text (what a string literal calls).';
COMMENT ON FUNCTION datamesh.grant_unmasked(regclass, regrole) IS
    'Lets members of a role read a product in clear text.';
COMMENT ON FUNCTION datamesh.revoke_unmasked(regclass, regrole) IS 'Undoes grant_unmasked.';
COMMENT ON FUNCTION datamesh.set_pseudonym_scope(text, text) IS
    'Puts a domain into a shared pseudonym scope (NULL: its own). Admin only.';
COMMENT ON FUNCTION datamesh.rotate_key(text) IS
    'Replaces the pseudonym key of a scope (a named scope, or domain:KEY for a domain''s own). Admin only.';
COMMENT ON FUNCTION datamesh.verify() IS
    'Products whose view differs from what would be generated now, and catalog rows without their objects or the reverse. Admin only.';
COMMENT ON TABLE datamesh.contract IS 'Data contracts (ODCS v3.1): every published version.';
COMMENT ON TABLE datamesh.contract_event IS 'Changes contracts let through: withdrawals after end of support, breaking changes with enforcement off.';
COMMENT ON FUNCTION datamesh.publish_contract(regclass, jsonb) IS
    'Validates an ODCS v3.1 contract, checks the product and its data fulfil it and that it is a valid successor; returns the version.';
COMMENT ON FUNCTION datamesh.contract(regclass) IS 'The current contract of a product (NULL if none).';
COMMENT ON FUNCTION datamesh.diff_contracts(jsonb, jsonb) IS
    'The changes between two contract versions, each with its rule id and severity under the old version''s compatibility mode.';
COMMENT ON FUNCTION datamesh.check_contract(regclass) IS
    'Runs a product''s contract checks against its data: schema, required, unique, allowed values, row count, quality, freshness.';
COMMENT ON FUNCTION datamesh.contract_problems(text) IS 'How a product breaks its contract now; used by datamesh.verify().';
COMMENT ON FUNCTION datamesh.check_product(text) IS 'What is wrong with one product; used by datamesh.verify().';
COMMENT ON FUNCTION datamesh.siphash(bytea, bytea, integer) IS
    'SipHash-2-4 with a key of the caller''s, to check the hash strategy against published test vectors.';
COMMENT ON FUNCTION datamesh.ddl_command_start() IS 'Event trigger: layer rules judged before a command.';
COMMENT ON FUNCTION datamesh.ddl_command_end() IS 'Event trigger: layer rules judged after a command.';
COMMENT ON FUNCTION datamesh.sql_drop() IS 'Event trigger: data products are dropped only by unpublish_product.';
-- @@catalog-comments
COMMENT ON TABLE datamesh.tag_definition IS 'Tags defined with datamesh.define_tag and their allowed values; other tags are free-form.';
COMMENT ON TABLE datamesh.search_entry IS 'Search index of the products and their columns; refreshed at commit by datamesh itself.';
COMMENT ON VIEW datamesh.tags IS 'Tags of domains, relations and columns.';
COMMENT ON FUNCTION datamesh.define_tag(text, text[], text) IS
    'Defines a tag and the values it accepts (NULL: any). Admin only.';
COMMENT ON FUNCTION datamesh.set_tag(regclass, text, text) IS
    'Tags a relation (a security label of provider datamesh_tags); for members of its domain.';
COMMENT ON FUNCTION datamesh.set_tag(regclass, name, text, text) IS 'Tags a column of a relation.';
COMMENT ON FUNCTION datamesh.unset_tag(regclass, text) IS 'Removes a tag of a relation.';
COMMENT ON FUNCTION datamesh.unset_tag(regclass, name, text) IS 'Removes a tag of a column.';
COMMENT ON FUNCTION datamesh.set_domain_tag(text, text, text) IS 'Tags a domain; for members of its owner role.';
COMMENT ON FUNCTION datamesh.unset_domain_tag(text, text) IS 'Removes a tag of a domain.';
COMMENT ON FUNCTION datamesh.describe(regclass, text) IS
    'Describes a relation: its COMMENT, which psql''s \d+ shows (NULL removes it).';
COMMENT ON FUNCTION datamesh.describe(regclass, name, text) IS 'Describes a column: its COMMENT.';
COMMENT ON FUNCTION datamesh.tags_text(text) IS 'A tags label as text: tag=value, tag.';
COMMENT ON FUNCTION datamesh.search_query(text, boolean) IS 'The tsquery that datamesh.search() uses for a query.';
COMMENT ON FUNCTION datamesh.search_rows(text[]) IS 'The search index rows of products as the catalogs describe them now.';
COMMENT ON FUNCTION datamesh.search_flush() IS 'Indexes the products the transaction touched now rather than at commit.';
COMMENT ON FUNCTION datamesh.search_refresh(text[]) IS 'Indexes products anew for search; run by datamesh at commit.';
COMMENT ON FUNCTION datamesh.search(text) IS
    'Finds products, domains, and the caller''s own private relations and columns by words of their names, descriptions and tags.';

-- @@ingest-comments
COMMENT ON FUNCTION datamesh.create_raw_table(text, text, text, text, boolean) IS
    'Creates {domain}_raw.{name} (external: {domain}_raw_external.{name}) with payload jsonb and the metadata columns, source system and type as defaults, and an index on _added_at.';
COMMENT ON FUNCTION datamesh.ingest(regclass, jsonb, text) IS
    'Appends one row per element of a JSON array (or one row for a JSON object) to a raw table in one statement; returns the number of rows.';
COMMENT ON FUNCTION datamesh.create_latest_view(regclass, text, text, text) IS
    'Creates a view in {domain}_intermediates with the newest row per key (a column, a path a.b into payload, or a SQL/JSON path $...) of a raw table.';

-- @@lineage-comments
COMMENT ON FUNCTION datamesh.lineage(regclass) IS
    'Every object upstream of a relation (views, materialized views, SQL-standard function bodies, across domains), with its smallest depth, domain, layer and kind.';
COMMENT ON FUNCTION datamesh.freshness(regclass) IS
    'The newest _added_at of the raw and raw_external tables upstream of a relation; NULL without any. Everyone may ask it of a data product.';
COMMENT ON FUNCTION datamesh.mesh_graph(text) IS
    'The mesh as a Mermaid flowchart (''mermaid'') or a Graphviz digraph (''dot''): domains, products with PII and contract marks, the readers of products in other domains.';

-- @@lint-comments
COMMENT ON FUNCTION datamesh.lint(text) IS
    'What governance should look at in a domain (NULL: every domain): undocumented or uncontracted or stale products, unclassified personal data by name and by sampled values, intermediates used fewer than twice, grants that bypass the layout, row order leaking a classified column; each finding with its fix.';
COMMENT ON FUNCTION datamesh.detect_pii(text) IS
    'What datamesh.lint''s value detectors see in a value: email, phone, iban, card, ip, or NULL.';
