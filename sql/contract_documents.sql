-- data contract documents: validation (every error names the JSON path of
-- the bad field, and nothing is stored) and diff_contracts, the rule engine
-- as a pure function
\i sql/include/roles.sql
\set VERBOSITY default
SELECT datamesh.create_domain('ct_docs', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE ct_docs_raw.things (id int PRIMARY KEY, name varchar(20) NOT NULL,
    price numeric(10,2), kind text, email text);
INSERT INTO ct_docs_raw.things (id, name, price, kind, email) VALUES
    (1, 'bolt', 1.50, 'metal', 'ann@example.com'), (2, 'nut', 0.20, 'metal', NULL);
SELECT datamesh.set_pii('ct_docs_raw.things', 'email', 'email');
SELECT datamesh.publish_product('ct_docs_raw.things');
RESET ROLE;

-- a valid contract of the product
CREATE FUNCTION pg_temp.base() RETURNS jsonb LANGUAGE sql AS $$
SELECT '{"apiVersion": "v3.1.0", "kind": "DataContract", "id": "ct_docs.things",
         "version": "1.0.0", "status": "active",
         "schema": [{"name": "things", "physicalName": "ct_docs_data_products.things",
                     "properties": [{"name": "id", "physicalType": "integer", "required": true},
                                    {"name": "name", "logicalType": "string"}]}]}'::jsonb
$$;
-- the same with something set at a path
CREATE FUNCTION pg_temp.with(path text[], value jsonb) RETURNS jsonb LANGUAGE sql AS $$
SELECT jsonb_set(pg_temp.base(), path, value)
$$;

-- ---------------------------------------------------------------------------
-- Validation: each error names the JSON path
-- ---------------------------------------------------------------------------
SET ROLE regress_alice;
-- the root
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.base() - 'apiVersion');
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{apiVersion}', '"v9.9.9"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{apiVersion}', '"v3.0.2"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{kind}', '"DataProduct"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.base() - 'id');
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.base() - 'status');
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.base() || '{"owner": "alice"}');
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{id}', '42'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{tags}', '["a", 1]'));
-- not an object
SELECT datamesh.publish_contract('ct_docs_data_products.things', '[]');
-- nor a scalar
SELECT datamesh.publish_contract('ct_docs_data_products.things', '"a contract"');
SELECT datamesh.publish_contract('ct_docs_data_products.things', 'null');
-- versions: semantic versions only
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{version}', '"1.0"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{version}', '"01.0.0"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{version}', '"v1.0.0"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{version}', '1'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{version}', '"99999999999.0.0"'));
-- the schema entry
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.base() - 'schema');
SELECT datamesh.publish_contract('ct_docs_data_products.things',
    jsonb_set(pg_temp.base(), '{schema}', (pg_temp.base() -> 'schema') || (pg_temp.base() -> 'schema')));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.base() #- '{schema,0,name}');
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.base() #- '{schema,0,physicalName}');
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,kind}', '"table"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties}', '{}'));
-- properties
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,nullable}', 'true'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,0,required}', '"yes"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,logicalType}', '"text"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,logicalTypeOptions}', '{"minimum": 1}'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,logicalTypeOptions}', '{"maxLength": -1}'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1}', '{"name": "name"}'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1}', '{"logicalType": "string"}'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,name}', '"id"'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,0,primaryKeyPosition}', '1.5'));
-- a physicalType that is no PostgreSQL type
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,0,physicalType}', '"int44"'));
-- a physicalType with characters no type name has is an invalid contract
-- at its path
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,0,physicalType}', '"integer; DROP TABLE x"'));
-- a physicalType of such characters that still does not parse as a type
-- name (a reserved word, "integer)") gets the same error, naming the path
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,0,physicalType}', '"table"'));
-- quality rules
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,quality}', '[{"metric": "rowCount", "mustBeGreaterThan": 0, "threshold": 1}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,quality}', '[{"metric": "rowCount"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,quality}', '[{"metric": "rowCount", "mustBeGreaterThan": 0, "mustBeLessThan": 9}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,quality}', '[{"metric": "rowcount", "mustBeGreaterThan": 0}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,quality}', '[{"type": "sql", "mustBe": 0}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,quality}', '[{"metric": "rowCount", "mustBeBetween": [5, 5]}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,quality}', '[{"metric": "nullValues", "mustBe": 0, "dimension": "tidiness"}]'));
-- SLAs
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{slaProperties}', '[{"property": "freshness", "value": 2, "unit": "fortnight"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{slaProperties}', '[{"property": "freshness", "unit": "d"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{slaProperties}', '[{"property": "freshness", "value": [1], "unit": "d"}]'));
-- only freshness and latency need a time unit
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{slaProperties}', '[{"property": "latency", "value": 5, "unit": "percent"}]'));
-- another SLA may have a unit of its own (in ODCS unit is any string): the
-- document is valid, for publish_contract (rolled back, so that nothing is
-- stored) and for diff_contracts
BEGIN;
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{slaProperties}', '[{"property": "availability", "value": 99.9, "unit": "percent"}]'));
ROLLBACK;
SELECT * FROM datamesh.diff_contracts(pg_temp.base(), pg_temp.with('{slaProperties}', '[{"property": "availability", "value": 99.9, "unit": "percent"}]'));
-- our custom properties
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{customProperties}', '[{"property": "compatibility", "value": "SIDEWAYS"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{customProperties}', '[{"property": "compatibility", "value": "forward"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{customProperties}', '[{"property": "compatibility", "value": "FORWARD"}, {"property": "compatibility", "value": "NONE"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{customProperties}', '[{"property": "deprecationNoticeDays", "value": -1}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{customProperties}', '[{"property": "endOfSupport", "value": "2026-02-30"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{customProperties}', '[{"property": "endOfSupport", "value": "next year"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{customProperties}', '[{"property": "compatibility"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,customProperties}', '[{"property": "pii", "value": "Partial 2"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,customProperties}', '[{"property": "pii", "value": 42}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,customProperties}', '[{"property": "deprecated", "value": "yes"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,1,customProperties}', '[{"property": "endOfSupport", "value": "2026-13-01"}]'));
-- standard objects of the schema are closed too
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{servers}', '[{"server": "main", "type": "postgres", "host": "db", "port": "5432", "database": "mesh", "schema": "s"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{servers}', '[{"server": "main", "type": "postgres", "host": "db", "port": 5432, "database": "mesh"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{team}', '{"name": "t", "lead": "alice"}'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{support}', '[{"url": "https://example.com"}]'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{price}', '{"priceAmount": "cheap"}'));
-- limits: nesting, array length, string length, document size
SELECT datamesh.publish_contract('ct_docs_data_products.things',
    pg_temp.with('{customProperties}', jsonb_build_array(jsonb_build_object('property', 'deep',
        'value', (repeat('[', 30) || repeat(']', 30))::jsonb))));
SELECT datamesh.publish_contract('ct_docs_data_products.things',
    pg_temp.with('{customProperties}', jsonb_build_array(jsonb_build_object('property', 'deep',
        'value', (repeat('{"a": ', 100) || '1' || repeat('}', 100))::jsonb))));
SELECT datamesh.publish_contract('ct_docs_data_products.things',
    pg_temp.with('{tags}', (SELECT jsonb_agg('t' || i) FROM generate_series(1, 10001) i)));
SELECT datamesh.publish_contract('ct_docs_data_products.things',
    pg_temp.with('{schema,0,properties}', (SELECT jsonb_agg(jsonb_build_object('name', 'c' || i, 'logicalType', 'string')) FROM generate_series(1, 1601) i)));
SELECT datamesh.publish_contract('ct_docs_data_products.things',
    pg_temp.with('{description}', jsonb_build_object('purpose', repeat('x', 70000))));
SELECT datamesh.publish_contract('ct_docs_data_products.things',
    pg_temp.with('{customProperties}', (SELECT jsonb_agg(jsonb_build_object('property', 'p' || i, 'value', repeat('x', 60000))) FROM generate_series(1, 20) i)));
-- BUG (message): a number beyond the range of a double (valid JSON, valid
-- jsonb) is reported as "invalid JSON" at $, not at its path
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.with('{schema,0,properties,0,logicalTypeOptions}', '{"maximum": 1e400}'));
SELECT datamesh.publish_contract('ct_docs_data_products.things', NULL);
RESET ROLE;
-- nothing was stored
SELECT count(*) FROM datamesh.contract WHERE product LIKE 'ct\_docs%';
SELECT product, contract_version, contract_status FROM datamesh.products WHERE domain = 'ct_docs';

-- diff_contracts reads any valid ODCS document; our own settings that are
-- malformed are refused only when publishing
SELECT * FROM datamesh.diff_contracts(pg_temp.base(), pg_temp.with('{customProperties}', '[{"property": "compatibility", "value": "SIDEWAYS"}]'));
SELECT * FROM datamesh.diff_contracts(pg_temp.base(), pg_temp.with('{apiVersion}', '"v3.0.2"'));
SELECT * FROM datamesh.diff_contracts(pg_temp.base(), pg_temp.base() - 'schema');
SELECT * FROM datamesh.diff_contracts(pg_temp.base(),
    jsonb_set(pg_temp.base(), '{schema}', (pg_temp.base() -> 'schema') || '[{"name": "other"}]'));
SELECT * FROM datamesh.diff_contracts(pg_temp.base(), pg_temp.with('{schema,0,properties,1,logicalType}', '"text"'));
SELECT * FROM datamesh.diff_contracts(pg_temp.base() - 'kind', pg_temp.base());
SELECT * FROM datamesh.diff_contracts(NULL, pg_temp.base());
-- the same document, and the same types spelt otherwise: no change
SELECT * FROM datamesh.diff_contracts(pg_temp.base(), pg_temp.base());
SELECT * FROM datamesh.diff_contracts(pg_temp.base(),
    jsonb_set(pg_temp.with('{schema,0,properties,0,physicalType}', '"int4"'), '{schema,0,properties,1,physicalType}', '"text"')
        #- '{schema,0,properties,1,logicalType}' || '{}');
SELECT * FROM datamesh.diff_contracts(pg_temp.with('{schema,0,properties,0,physicalType}', '"int"'),
                                      pg_temp.with('{schema,0,properties,0,physicalType}', '"pg_catalog.int4"'));

-- ---------------------------------------------------------------------------
-- An ODCS document with many of the standard's fields is accepted, stored
-- and given back exactly
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.full_doc() RETURNS jsonb LANGUAGE sql AS $$
SELECT '{
  "apiVersion": "v3.1.0", "kind": "DataContract", "id": "ct_docs.things",
  "name": "things", "version": "1.0.0", "status": "active", "domain": "ct_docs",
  "dataProduct": "things", "tenant": "regress",
  "description": {"purpose": "Things we sell, one row per thing.", "usage": "Join on id.",
                  "limitations": "No history.",
                  "authoritativeDefinitions": [{"type": "privacy-statement", "url": "https://example.com/privacy"}],
                  "customProperties": [{"property": "reviewed", "value": true}]},
  "tags": ["catalog", "shop"],
  "servers": [{"server": "main", "type": "postgresql", "host": "db.example.com", "port": 5432,
               "database": "mesh", "schema": "ct_docs_data_products", "environment": "prod",
               "description": "The warehouse",
               "roles": [{"role": "reader", "access": "read"}]}],
  "team": {"name": "sales", "description": "The sales team",
           "members": [{"username": "alice", "role": "owner", "dateIn": "2024-01-01"},
                       {"username": "dave", "role": "engineer", "dateIn": "2023-01-01", "dateOut": "2024-01-01",
                        "replacedByUsername": "alice"}]},
  "support": [{"channel": "#things", "tool": "slack", "url": "https://example.com/slack"},
              {"channel": "things@example.com", "tool": "email", "scope": "issues",
               "customProperties": [{"property": "hours", "value": "9-17"}]}],
  "roles": [{"role": "analyst", "access": "read", "firstLevelApprovers": "lead",
             "secondLevelApprovers": "owner", "description": "Reads the product"}],
  "price": {"priceAmount": 9.95, "priceCurrency": "EUR", "priceUnit": "month"},
  "slaDefaultElement": "things.id",
  "slaProperties": [{"property": "freshness", "value": 1, "unit": "d", "element": "things.id"},
                    {"property": "retention", "value": 3, "unit": "y"},
                    {"property": "latency", "value": "PT4H"},
                    {"property": "generalAvailability", "value": "2024-05-12T09:30:10-08:00"},
                    {"property": "frequency", "value": 1, "valueExt": 1, "unit": "d", "driver": "regulatory",
                     "description": "Loaded daily", "scheduler": "cron", "schedule": "0 4 * * *"}],
  "authoritativeDefinitions": [{"type": "canonical", "url": "https://example.com/contracts/things.json",
                                "description": "The contract in git"}],
  "contractCreatedTs": "2024-01-01T00:00:00+00:00",
  "schema": [{
    "id": "things_obj", "name": "things", "physicalName": "ct_docs_data_products.things",
    "physicalType": "view", "logicalType": "object", "businessName": "Things",
    "description": "Things", "tags": ["core"],
    "dataGranularityDescription": "One row per thing",
    "authoritativeDefinitions": [{"type": "businessDefinition", "url": "https://example.com/glossary/thing"}],
    "relationships": [{"type": "foreignKey", "from": "things.kind", "to": "kinds.name"}],
    "quality": [{"id": "not_empty", "name": "not empty", "description": "At least one thing",
                 "dimension": "completeness", "metric": "rowCount", "mustBeGreaterThan": 0,
                 "severity": "error", "businessImpact": "operational", "schedule": "0 5 * * *",
                 "scheduler": "cron", "method": "reconciliation", "tags": ["basic"]}],
    "properties": [
      {"id": "id_prop", "name": "id", "physicalName": "id", "physicalType": "integer",
       "logicalType": "integer", "logicalTypeOptions": {"minimum": 1, "format": "i32"},
       "required": true, "unique": true, "primaryKey": true, "primaryKeyPosition": 1,
       "partitioned": false, "criticalDataElement": true, "examples": [1, 2],
       "businessName": "Thing id", "description": "The key", "tags": ["key"],
       "classification": "internal", "encryptedName": "id_enc",
       "transformSourceObjects": ["ct_docs_raw.things"], "transformLogic": "id",
       "transformDescription": "as loaded",
       "authoritativeDefinitions": [{"type": "implementation", "url": "https://example.com/things.sql"}],
       "customProperties": [{"property": "owner", "value": "alice"}]},
      {"name": "name", "physicalType": "character varying(20)", "logicalType": "string",
       "logicalTypeOptions": {"maxLength": 20, "pattern": "^[a-z]+$"}, "required": true,
       "quality": [{"metric": "duplicateValues", "mustBeLessThan": 1, "unit": "rows"}]},
      {"name": "price", "physicalType": "numeric(10,2)", "logicalType": "number",
       "logicalTypeOptions": {"minimum": 0, "exclusiveMaximum": 1000},
       "quality": [{"type": "sql", "query": "SELECT count(*) FROM ${object} WHERE ${property} < 0", "mustBe": 0},
                   {"type": "text", "description": "Prices are in EUR."},
                   {"type": "custom", "engine": "soda", "implementation": "checks: []"}]},
      {"name": "kind", "logicalType": "string",
       "quality": [{"metric": "invalidValues", "arguments": {"validValues": ["metal", "wood"]}, "mustBe": 0}],
       "relationships": [{"type": "foreignKey", "to": "kinds.name"}]},
      {"name": "email", "physicalType": "text", "logicalType": "string", "classification": "restricted",
       "customProperties": [{"property": "pii", "value": "email"}]}
    ]}],
  "customProperties": [{"property": "compatibility", "value": "FULL"},
                       {"property": "deprecationNoticeDays", "value": 90},
                       {"property": "anything", "value": {"of": ["our", "own"]}, "description": "kept verbatim"}]
}'::jsonb
$$;
SET ROLE regress_alice;
SELECT datamesh.publish_contract('ct_docs_data_products.things', pg_temp.full_doc());
RESET ROLE;
SELECT datamesh.contract('ct_docs_data_products.things') = pg_temp.full_doc() AS same,
       datamesh.contract('ct_docs_data_products.things')::text = pg_temp.full_doc()::text AS same_text;
SELECT id, version, status, compatibility FROM datamesh.contract WHERE product = 'ct_docs_data_products.things';
SELECT product, contract_version, contract_status FROM datamesh.products WHERE domain = 'ct_docs';
SELECT * FROM datamesh.check_contract('ct_docs_data_products.things');
-- a changelog against itself is empty; the same with a description changed
SELECT * FROM datamesh.diff_contracts(pg_temp.full_doc(), pg_temp.full_doc());
SELECT * FROM datamesh.diff_contracts(pg_temp.full_doc(),
    jsonb_set(jsonb_set(pg_temp.full_doc(), '{version}', '"1.0.1"'), '{description,purpose}', '"Things."'));

-- ---------------------------------------------------------------------------
-- diff_contracts: every rule the engine derives from two documents, under
-- FORWARD (the default)
-- ---------------------------------------------------------------------------
-- a contract of product ct_docs_data_products.x: properties, extra keys of
-- the schema entry and of the root, a version
CREATE FUNCTION pg_temp.d(props jsonb, schema_extra jsonb DEFAULT '{}', root jsonb DEFAULT '{}',
                          v text DEFAULT '1.0.0')
RETURNS jsonb LANGUAGE sql AS $$
SELECT jsonb_build_object('apiVersion', 'v3.1.0', 'kind', 'DataContract', 'id', 'ct_docs.x',
           'version', v, 'status', 'active',
           'schema', jsonb_build_array(jsonb_build_object('name', 'x',
               'physicalName', 'ct_docs_data_products.x', 'properties', props) || schema_extra))
       || root
$$;
-- dates relative to today written as TODAY, TODAY+n
CREATE FUNCTION pg_temp.dates(t text) RETURNS text LANGUAGE sql AS $$
SELECT replace(replace(replace(t, to_char(current_date, 'YYYY-MM-DD'), 'TODAY'),
                       to_char(current_date + 10, 'YYYY-MM-DD'), 'TODAY+10'),
               to_char(current_date + 30, 'YYYY-MM-DD'), 'TODAY+30')
$$;
CREATE FUNCTION pg_temp.today(days int DEFAULT 0) RETURNS text LANGUAGE sql AS $$
SELECT to_char(current_date + days, 'YYYY-MM-DD')
$$;
-- the changelog from old (version 1.0.0) to new (version 1.1.0)
CREATE FUNCTION pg_temp.diff(old jsonb, new jsonb)
RETURNS TABLE (path text, change text, severity text, detail text) LANGUAGE sql AS $$
SELECT path, change, severity, pg_temp.dates(detail)
  FROM datamesh.diff_contracts(old, jsonb_set(new, '{version}', '"1.1.0"'))
$$;

-- C1: a column removed
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "b", "physicalType": "text"}]'),
                           pg_temp.d('[{"name": "a", "physicalType": "integer"}]'));
-- C2: a column renamed (same place, same type)
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "b", "physicalType": "text"}]'),
                           pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "c", "physicalType": "text"}]'));
-- ... but another name of another type is a removal and an addition
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "b", "physicalType": "text"}]'),
                           pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "c", "physicalType": "date"}]'));
-- C3: a column added
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "physicalType": "integer"}]'),
                           pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "b", "logicalType": "string"}]'));
-- C4: the column order changed
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string"}, {"name": "c", "logicalType": "string"}]'),
                           pg_temp.d('[{"name": "c", "logicalType": "string"}, {"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string"}]'));
-- C5: another type family (physical and logical)
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "b", "physicalType": "date"}, {"name": "c", "logicalType": "integer"}]'),
                           pg_temp.d('[{"name": "a", "physicalType": "text"}, {"name": "b", "physicalType": "timestamp without time zone"}, {"name": "c", "logicalType": "string"}]'));
-- C6: widened, the base type (breaking) or a length, precision or scale (warning)
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "b", "physicalType": "varchar(10)"}, {"name": "c", "physicalType": "numeric(10,2)"}, {"name": "d", "physicalType": "varchar(10)"}, {"name": "e", "physicalType": "real"}]'),
                           pg_temp.d('[{"name": "a", "physicalType": "bigint"}, {"name": "b", "physicalType": "varchar(20)"}, {"name": "c", "physicalType": "numeric(12,2)"}, {"name": "d", "physicalType": "text"}, {"name": "e", "physicalType": "double precision"}]'));
-- C7: narrowed (warning), or changed in a way that cannot be ranked
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "physicalType": "bigint"}, {"name": "b", "physicalType": "varchar(20)"}, {"name": "c", "physicalType": "numeric(10,2)"}, {"name": "d", "physicalType": "char(10)"}, {"name": "e", "physicalType": "json"}]'),
                           pg_temp.d('[{"name": "a", "physicalType": "integer"}, {"name": "b", "physicalType": "varchar(10)"}, {"name": "c", "physicalType": "numeric(12,1)"}, {"name": "d", "physicalType": "varchar(10)"}, {"name": "e", "physicalType": "jsonb"}]'));
-- C8 and C9: required lost, required gained
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "logicalType": "string", "required": true}, {"name": "b", "logicalType": "string"}]'),
                           pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string", "required": true}]'));
-- C10 and C11: unique lost, unique gained
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "logicalType": "string", "unique": true}, {"name": "b", "logicalType": "string"}]'),
                           pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string", "unique": true}]'));
-- O4: the primary key changed, or removed (the key's uniqueness goes with it)
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "logicalType": "integer", "primaryKey": true, "primaryKeyPosition": 1}, {"name": "b", "logicalType": "integer", "primaryKey": true, "primaryKeyPosition": 2}]'),
                           pg_temp.d('[{"name": "a", "logicalType": "integer", "primaryKey": true, "primaryKeyPosition": 2}, {"name": "b", "logicalType": "integer", "primaryKey": true, "primaryKeyPosition": 1}]'));
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "logicalType": "integer", "primaryKey": true}]'),
                           pg_temp.d('[{"name": "a", "logicalType": "integer"}]'));
-- C12, C13, C14: allowed values (an invalidValues rule's validValues) widened,
-- narrowed, a value renamed, the list dropped or added
CREATE FUNCTION pg_temp.allowed(vals jsonb) RETURNS jsonb LANGUAGE sql AS $$
SELECT jsonb_build_array(jsonb_build_object('name', 'k', 'logicalType', 'string', 'quality',
    jsonb_build_array(jsonb_build_object('metric', 'invalidValues', 'arguments',
        jsonb_build_object('validValues', vals), 'mustBe', 0))))
$$;
SELECT * FROM pg_temp.diff(pg_temp.d(pg_temp.allowed('["a", "b"]')), pg_temp.d(pg_temp.allowed('["a", "b", "c"]')));
SELECT * FROM pg_temp.diff(pg_temp.d(pg_temp.allowed('["a", "b"]')), pg_temp.d(pg_temp.allowed('["a"]')));
SELECT * FROM pg_temp.diff(pg_temp.d(pg_temp.allowed('["a", "b"]')), pg_temp.d(pg_temp.allowed('["a", "x"]')));
SELECT * FROM pg_temp.diff(pg_temp.d(pg_temp.allowed('["a", "b"]')), pg_temp.d(pg_temp.allowed('["b", "a"]')));
SELECT * FROM pg_temp.diff(pg_temp.d(pg_temp.allowed('["a", "b"]')), pg_temp.d('[{"name": "k", "logicalType": "string"}]'));
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "k", "logicalType": "string"}]'), pg_temp.d(pg_temp.allowed('["a", "b"]')));
-- C15 and C16: bounds, lengths and patterns loosened or tightened
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "n", "logicalType": "number", "logicalTypeOptions": {"minimum": 0, "maximum": 100}},
                {"name": "s", "logicalType": "string", "logicalTypeOptions": {"minLength": 2, "maxLength": 10, "pattern": "^[a-z]+$"}}]'),
    pg_temp.d('[{"name": "n", "logicalType": "number", "logicalTypeOptions": {"minimum": -1, "exclusiveMaximum": 100}},
                {"name": "s", "logicalType": "string", "logicalTypeOptions": {"maxLength": 20}}]'));
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "n", "logicalType": "number", "logicalTypeOptions": {"minimum": 0}},
                {"name": "s", "logicalType": "string", "logicalTypeOptions": {"maxLength": 10}}]'),
    pg_temp.d('[{"name": "n", "logicalType": "number", "logicalTypeOptions": {"exclusiveMinimum": 0, "maximum": 5}},
                {"name": "s", "logicalType": "string", "logicalTypeOptions": {"minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"}}]'));
-- C17 and C18: personal data and classification added, changed, removed
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string", "customProperties": [{"property": "pii", "value": "email"}]}, {"name": "c", "logicalType": "string", "classification": "internal"}]'),
    pg_temp.d('[{"name": "a", "logicalType": "string", "customProperties": [{"property": "pii", "value": true}]}, {"name": "b", "logicalType": "string", "customProperties": [{"property": "pii", "value": "hash"}]}, {"name": "c", "logicalType": "string", "classification": "restricted"}]'));
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "b", "logicalType": "string", "customProperties": [{"property": "pii", "value": "email"}]}, {"name": "c", "logicalType": "string", "classification": "internal"}]'),
    pg_temp.d('[{"name": "b", "logicalType": "string", "customProperties": [{"property": "pii", "value": false}]}, {"name": "c", "logicalType": "string"}]'));
-- C20: names, descriptions, business names, tags
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "a", "logicalType": "string", "description": "old", "businessName": "A", "tags": ["x"]}]',
              root => '{"name": "x", "description": {"purpose": "old"}, "tags": ["t"]}'),
    pg_temp.d('[{"name": "a", "logicalType": "string", "description": "new", "tags": ["x", "y"]}]',
              root => '{"name": "y", "description": {"purpose": "new"}, "tags": ["t"]}'));
-- G1 and G2: quality rules removed, loosened, changed, added, tightened
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "a", "logicalType": "string", "quality": [{"id": "nulls", "metric": "nullValues", "mustBeLessThan": 5, "unit": "percent"}]}]',
              '{"quality": [{"id": "size", "metric": "rowCount", "mustBeGreaterThan": 10}, {"id": "gone", "metric": "rowCount", "mustBeLessThan": 1000000}, {"id": "dups", "metric": "duplicateValues", "mustBe": 0}]}'),
    pg_temp.d('[{"name": "a", "logicalType": "string", "quality": [{"id": "nulls", "metric": "nullValues", "mustBeLessThan": 1, "unit": "percent"}]}]',
              '{"quality": [{"id": "size", "metric": "rowCount", "mustBeGreaterThan": 5}, {"id": "dups", "metric": "duplicateValues", "mustBeLessThan": 2}, {"id": "new", "type": "sql", "query": "SELECT 0", "mustBe": 0}]}'));
SELECT * FROM pg_temp.diff(
    pg_temp.d('[]', '{"quality": [{"id": "range", "metric": "rowCount", "mustBeBetween": [10, 20]}]}'),
    pg_temp.d('[]', '{"quality": [{"id": "range", "metric": "rowCount", "mustBeBetween": [12, 18]}]}'));
-- G3: SLAs loosened, tightened, removed, added, changed
SELECT * FROM pg_temp.diff(
    pg_temp.d('[]', root => '{"slaProperties": [{"property": "freshness", "value": 4, "unit": "h"}, {"property": "retention", "value": 3, "unit": "y"}, {"property": "latency", "value": "PT1H"}, {"property": "frequency", "value": "daily"}, {"property": "availability", "value": "99%"}]}'),
    pg_temp.d('[]', root => '{"slaProperties": [{"property": "freshness", "value": 1, "unit": "d"}, {"property": "retention", "value": 1, "unit": "y"}, {"property": "latency", "value": 30, "unit": "m"}, {"property": "frequency", "value": "hourly"}, {"property": "support", "value": "24/7"}]}'));
-- G5: the end of support moved earlier; set inside the notice period
SELECT * FROM pg_temp.diff(
    pg_temp.d('[]', root => '{"status": "deprecated", "customProperties": [{"property": "endOfSupport", "value": "2999-12-31"}]}'),
    pg_temp.d('[]', root => '{"status": "deprecated", "customProperties": [{"property": "endOfSupport", "value": "2999-01-01"}]}'));
SELECT * FROM pg_temp.diff(
    pg_temp.d('[]', root => '{"customProperties": [{"property": "deprecationNoticeDays", "value": 30}]}'),
    pg_temp.d('[]', root => jsonb_build_object('status', 'deprecated', 'customProperties', jsonb_build_array(
        '{"property": "deprecationNoticeDays", "value": 30}'::jsonb,
        jsonb_build_object('property', 'endOfSupport', 'value', pg_temp.today(10))))));
-- a column's end of support inside the notice period
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "a", "logicalType": "string"}]', root => '{"customProperties": [{"property": "deprecationNoticeDays", "value": 30}]}'),
    pg_temp.d(jsonb_build_array(jsonb_build_object('name', 'a', 'logicalType', 'string', 'customProperties', jsonb_build_array(
        '{"property": "deprecated", "value": true}'::jsonb, jsonb_build_object('property', 'endOfSupport', 'value', pg_temp.today(10))))),
        root => '{"customProperties": [{"property": "deprecationNoticeDays", "value": 30}]}'));
-- the notice period is the longer of the old and the new version's:
-- dropping deprecationNoticeDays in the same version does not let an end of
-- support of today through (G5, and G8 for it)
SELECT * FROM pg_temp.diff(
    pg_temp.d('[]', root => '{"customProperties": [{"property": "deprecationNoticeDays", "value": 30}]}'),
    pg_temp.d('[]', root => jsonb_build_object('status', 'deprecated', 'customProperties', jsonb_build_array(
        jsonb_build_object('property', 'endOfSupport', 'value', pg_temp.today())))));
-- a change of the mode itself in the same major version is G8, as
-- publish_contract refuses it (see contracts.sql)
SELECT * FROM pg_temp.diff(pg_temp.d('[{"name": "a", "logicalType": "string"}]', root => '{"customProperties": [{"property": "compatibility", "value": "FORWARD"}]}'),
                           pg_temp.d('[{"name": "a", "logicalType": "string"}]', root => '{"customProperties": [{"property": "compatibility", "value": "NONE"}]}'));
-- G6: the contract, or a column, deprecated
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "a", "logicalType": "string"}]'),
    pg_temp.d('[{"name": "a", "logicalType": "string", "customProperties": [{"property": "deprecated", "value": true}, {"property": "endOfSupport", "value": "2999-01-01"}]}]',
              root => '{"status": "deprecated", "customProperties": [{"property": "endOfSupport", "value": "2999-12-31"}]}'));
-- G7: a deprecated column removed after its end of support; before it, C1
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string", "customProperties": [{"property": "deprecated", "value": true}, {"property": "endOfSupport", "value": "2001-01-01"}]}]'),
    pg_temp.d('[{"name": "a", "logicalType": "string"}]'));
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string", "customProperties": [{"property": "deprecated", "value": true}, {"property": "endOfSupport", "value": "2999-01-01"}]}]'),
    pg_temp.d('[{"name": "a", "logicalType": "string"}]'));
-- on the end of support day itself the column may go
SELECT * FROM pg_temp.diff(
    pg_temp.d(jsonb_build_array('{"name": "a", "logicalType": "string"}'::jsonb, jsonb_build_object('name', 'b', 'logicalType', 'string', 'customProperties', jsonb_build_array(
        '{"property": "deprecated", "value": true}'::jsonb, jsonb_build_object('property', 'endOfSupport', 'value', pg_temp.today()))))),
    pg_temp.d('[{"name": "a", "logicalType": "string"}]'));
-- a whole deprecated contract past its end of support: its columns may go
SELECT * FROM pg_temp.diff(
    pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string"}]',
              root => '{"status": "deprecated", "customProperties": [{"property": "endOfSupport", "value": "2001-01-01"}]}'),
    pg_temp.d('[{"name": "a", "logicalType": "string"}]',
              root => '{"status": "deprecated", "customProperties": [{"property": "endOfSupport", "value": "2001-01-01"}]}'));
-- O2: the contract names another view
SELECT * FROM pg_temp.diff(pg_temp.d('[]'), jsonb_set(pg_temp.d('[]'), '{schema,0,physicalName}', '"ct_docs_data_products.y"'));
-- G8: a breaking change needs a new major version; with one there is no G8
SELECT * FROM datamesh.diff_contracts(pg_temp.d('[{"name": "a", "logicalType": "string"}]'),
                                      pg_temp.d('[]', v => '1.0.1'));
SELECT * FROM datamesh.diff_contracts(pg_temp.d('[{"name": "a", "logicalType": "string"}]'),
                                      pg_temp.d('[]', v => '2.0.0'));
SELECT * FROM datamesh.diff_contracts(pg_temp.d('[{"name": "a", "logicalType": "string"}]', v => '3.4.5'),
                                      pg_temp.d('[]', v => '3.9.0'));
-- a lower version is no version check of diff_contracts: only G8
SELECT * FROM datamesh.diff_contracts(pg_temp.d('[{"name": "a", "logicalType": "string"}]', v => '2.0.0'),
                                      pg_temp.d('[]', v => '1.0.0'));

-- ---------------------------------------------------------------------------
-- The same changes under each mode (the old version's "compatibility"):
-- the rules each change gives, with their severities
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.in_mode(doc jsonb, mode text) RETURNS jsonb LANGUAGE sql AS $$
SELECT doc || jsonb_build_object('customProperties', jsonb_build_array(
    jsonb_build_object('property', 'compatibility', 'value', mode)))
$$;
CREATE FUNCTION pg_temp.severities(old jsonb, new jsonb, mode text) RETURNS text LANGUAGE sql AS $$
SELECT string_agg(change || ' ' || severity, ', ' ORDER BY change)
  FROM datamesh.diff_contracts(pg_temp.in_mode(old, mode),
                               pg_temp.in_mode(jsonb_set(new, '{version}', '"1.1.0"'), mode))
$$;
SELECT label,
       pg_temp.severities(old, new, 'FORWARD') AS forward,
       pg_temp.severities(old, new, 'BACKWARD') AS backward,
       pg_temp.severities(old, new, 'FULL') AS full,
       pg_temp.severities(old, new, 'NONE') AS none,
       pg_temp.severities(old, new, 'FULL_TRANSITIVE') AS full_transitive
  FROM (VALUES
    ('column removed',
     pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string"}]'),
     pg_temp.d('[{"name": "a", "logicalType": "string"}]')),
    ('column added',
     pg_temp.d('[{"name": "a", "logicalType": "string"}]'),
     pg_temp.d('[{"name": "a", "logicalType": "string"}, {"name": "b", "logicalType": "string"}]')),
    ('type widened',
     pg_temp.d('[{"name": "a", "physicalType": "integer"}]'), pg_temp.d('[{"name": "a", "physicalType": "bigint"}]')),
    ('type narrowed',
     pg_temp.d('[{"name": "a", "physicalType": "bigint"}]'), pg_temp.d('[{"name": "a", "physicalType": "integer"}]')),
    ('required lost',
     pg_temp.d('[{"name": "a", "logicalType": "string", "required": true}]'), pg_temp.d('[{"name": "a", "logicalType": "string"}]')),
    ('required gained',
     pg_temp.d('[{"name": "a", "logicalType": "string"}]'), pg_temp.d('[{"name": "a", "logicalType": "string", "required": true}]')),
    ('allowed values widened',
     pg_temp.d(pg_temp.allowed('["a"]')), pg_temp.d(pg_temp.allowed('["a", "b"]'))),
    ('allowed value renamed',
     pg_temp.d(pg_temp.allowed('["a"]')), pg_temp.d(pg_temp.allowed('["b"]'))),
    ('pii removed',
     pg_temp.d('[{"name": "a", "logicalType": "string", "customProperties": [{"property": "pii", "value": "redact"}]}]'),
     pg_temp.d('[{"name": "a", "logicalType": "string"}]')),
    ('quality rule added',
     pg_temp.d('[]'), pg_temp.d('[]', '{"quality": [{"metric": "rowCount", "mustBeGreaterThan": 0}]}')),
    ('view renamed',
     pg_temp.d('[]'), jsonb_set(pg_temp.d('[]'), '{schema,0,physicalName}', '"ct_docs_data_products.y"')),
    ('description changed',
     pg_temp.d('[]', root => '{"description": {"purpose": "a"}}'), pg_temp.d('[]', root => '{"description": {"purpose": "b"}}'))
  ) AS cases(label, old, new);

-- ---------------------------------------------------------------------------
-- Cleanup: drop_domain is judged by the contracts of the products it drops
-- ---------------------------------------------------------------------------
SELECT datamesh.drop_domain('ct_docs', true);
-- with enforcement off the domain goes, and the contract retires
SET datamesh.enforce = off;
SELECT datamesh.drop_domain('ct_docs', true);
RESET datamesh.enforce;
SELECT id, version, status FROM datamesh.contract WHERE product LIKE 'ct\_docs%';
SELECT product, version, rule, severity FROM datamesh.contract_event WHERE product LIKE 'ct\_docs%' ORDER BY rule;
SELECT * FROM datamesh.verify();
-- the catalog rows of this file go, so that it can run again in one database
DELETE FROM datamesh.contract WHERE product LIKE 'ct\_docs%';
DELETE FROM datamesh.contract_event WHERE product LIKE 'ct\_docs%';
SELECT * FROM datamesh.verify();
