# pg_dump of a database with domains, products, labels, tags, descriptions
# and data contracts restores into a new database without errors, in plain
# and custom format, with an equal catalog (every discovery view, the
# search index), equal pseudonyms and with enforcement (of contracts and
# tag definitions too) active.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE ROLE sales_team;
	CREATE ROLE hr_team;
	CREATE ROLE consumers;
	CREATE ROLE analyst LOGIN IN ROLE consumers;
	CREATE ROLE auditor LOGIN IN ROLE consumers;
	CREATE DATABASE mesh;
	CREATE DATABASE mesh_plain;
	CREATE DATABASE mesh_custom;
});

$node->safe_psql('mesh', q{
	CREATE EXTENSION datamesh;
	SELECT datamesh.configure('consumer_role', 'consumers');
	SELECT datamesh.create_domain('sales', 'sales_team', description => 'Web shop sales');
	SELECT datamesh.create_domain('hr', 'hr_team', stage => 'prod', organization => 'acme');
	CREATE TABLE sales_raw.orders (id int PRIMARY KEY, email text);
	INSERT INTO sales_raw.orders (id, email) VALUES (1, 'ann@example.com');
	SECURITY LABEL FOR datamesh ON COLUMN sales_raw.orders.email IS 'pii:email';
	CREATE TABLE sales_raw.payments (id int, paid_on date) PARTITION BY RANGE (paid_on);
	CREATE TABLE sales_raw.payments_2022 PARTITION OF sales_raw.payments
		FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
	CREATE VIEW sales_intermediates.order_ids AS SELECT id FROM sales_raw.orders;
	CREATE FUNCTION sales_intermediates.order_total() RETURNS bigint LANGUAGE sql
		BEGIN ATOMIC SELECT count(*) FROM sales_raw.orders; END;
	CREATE TABLE sales_raw.customers (id int PRIMARY KEY, email text, name text, born date);
	INSERT INTO sales_raw.customers VALUES (1, 'ann@example.com', 'Ann', '1980-05-17'),
		(2, 'bob@example.org', 'Bob', '1990-01-02');
	SELECT datamesh.set_pii('sales_raw.customers', 'id', 'hash');
	SELECT datamesh.set_pii('sales_raw.customers', 'name', 'hash');
	SELECT datamesh.set_pii('sales_raw.customers', 'born', 'year');
	SELECT datamesh.publish_product('sales_intermediates.order_ids', 'orders', description => 'Order ids');
	SELECT datamesh.publish_product('sales_raw.customers');
	SELECT datamesh.grant_unmasked('sales_data_products.customers', 'auditor');
	SELECT datamesh.set_pseudonym_scope('acme_hr_prod', 'sales');
	CREATE VIEW acme_hr_prod_intermediates.order_count AS
		SELECT count(*) FROM sales_data_products.orders;
	-- a product bound by a data contract (in hr: the checks after the
	-- restore drop sales)
	CREATE TABLE acme_hr_prod_raw.staff (id int PRIMARY KEY, name text NOT NULL,
		email text, dept text NOT NULL);
	INSERT INTO acme_hr_prod_raw.staff (id, name, email, dept)
		VALUES (1, 'Ann', 'ann@example.com', 'sales'), (2, 'Bob', NULL, 'it');
	SELECT datamesh.set_pii('acme_hr_prod_raw.staff', 'email', 'email');
	SELECT datamesh.publish_product('acme_hr_prod_raw.staff', description => 'Staff');
	SELECT datamesh.publish_contract('acme_hr_prod_data_products.staff', $${
		"apiVersion": "v3.1.0", "kind": "DataContract", "id": "hr.staff",
		"name": "staff", "version": "1.0.0", "status": "active", "domain": "hr",
		"description": {"purpose": "Staff, one row per employee."},
		"schema": [{
			"name": "staff", "physicalName": "acme_hr_prod_data_products.staff",
			"physicalType": "view",
			"properties": [
				{"name": "id", "physicalType": "integer", "logicalType": "integer",
				 "required": true, "unique": true, "primaryKey": true, "primaryKeyPosition": 1},
				{"name": "name", "physicalType": "text", "logicalType": "string", "required": true},
				{"name": "email", "physicalType": "text", "logicalType": "string",
				 "classification": "restricted",
				 "customProperties": [{"property": "pii", "value": "email"}]},
				{"name": "dept", "physicalType": "text", "required": true,
				 "quality": [{"metric": "invalidValues", "mustBe": 0,
							  "arguments": {"validValues": ["sales", "it", "hr"]}}]}
			],
			"quality": [{"id": "not_empty", "metric": "rowCount", "mustBeGreaterThan": 0}]
		}],
		"customProperties": [{"property": "compatibility", "value": "FORWARD"}]
	}$$);
	-- a product withdrawn after the end of support of its deprecated
	-- contract: its versions retired, and an event recorded
	CREATE TABLE acme_hr_prod_raw.badges (id int PRIMARY KEY);
	SELECT datamesh.publish_product('acme_hr_prod_raw.badges');
	SELECT datamesh.publish_contract('acme_hr_prod_data_products.badges', $${
		"apiVersion": "v3.1.0", "kind": "DataContract", "id": "hr.badges",
		"version": "1.0.0", "status": "active",
		"schema": [{"name": "badges", "physicalName": "acme_hr_prod_data_products.badges",
					"properties": [{"name": "id", "physicalType": "integer"}]}],
		"customProperties": [{"property": "deprecationNoticeDays", "value": 0}]
	}$$);
	SELECT datamesh.publish_contract('acme_hr_prod_data_products.badges', jsonb_build_object(
		'apiVersion', 'v3.1.0', 'kind', 'DataContract', 'id', 'hr.badges',
		'version', '1.0.1', 'status', 'deprecated',
		'schema', $$[{"name": "badges", "physicalName": "acme_hr_prod_data_products.badges",
					 "properties": [{"name": "id", "physicalType": "integer"}]}]$$::jsonb,
		'customProperties', jsonb_build_array(
			jsonb_build_object('property', 'deprecationNoticeDays', 'value', 0),
			jsonb_build_object('property', 'endOfSupport', 'value', current_date::text))));
	SELECT datamesh.unpublish_product('acme_hr_prod_data_products.badges');
	-- tags and descriptions: defined and free-form, on a domain, products,
	-- a private table and columns
	SELECT datamesh.define_tag('tier', ARRAY['gold', 'silver'], 'Service level');
	SELECT datamesh.set_tag('sales_data_products.orders', 'tier', 'gold');
	SELECT datamesh.set_tag('sales_data_products.customers', 'certified');
	SELECT datamesh.set_tag('sales_data_products.customers', 'born', 'precision', 'year');
	SELECT datamesh.set_tag('sales_raw.orders', 'source', 'webshop');
	SELECT datamesh.set_domain_tag('sales', 'contact', 'sales-data@example.com');
	SELECT datamesh.describe('sales_data_products.customers', 'Customers of the web shop');
	SELECT datamesh.describe('sales_data_products.customers', 'born', 'Year of birth');
	SELECT datamesh.describe('sales_raw.orders', 'email', 'Address the order confirmation went to');
	-- set last, so that a restore meets raw tables before the setting
	SELECT datamesh.configure('raw_metadata', 'require');
});

my %queries = (
	domains => q{SELECT domain, owner, organization, name, stage, description, tags, created_at
				 FROM datamesh.domains ORDER BY 1},
	tags => q{SELECT * FROM datamesh.tags ORDER BY 1, 2, 3},
	tag_definitions => q{SELECT * FROM datamesh.tag_definition ORDER BY 1},
	tag_labels => q{SELECT objoid::regclass::text, objsubid, label FROM pg_seclabel
					WHERE provider = 'datamesh_tags' ORDER BY 1, 2},
	descriptions => q{SELECT objoid::regclass::text, objsubid, description FROM pg_description
					  WHERE classoid = 'pg_class'::regclass
					  AND objoid::regclass::text ~ '^(sales|acme)_' ORDER BY 1, 2},
	search_index => q{SELECT * FROM datamesh.search_entry ORDER BY object, column_name NULLS FIRST},
	search => q{SET ROLE analyst; SELECT * FROM datamesh.search('customers birth')},
	search_member => q{SELECT * FROM datamesh.search('order')},
	lineage => q{SELECT * FROM datamesh.lineage('acme_hr_prod_intermediates.order_count')},
	freshness => q{SELECT product, freshness FROM datamesh.products ORDER BY 1},
	graph_mermaid => q{SELECT datamesh.mesh_graph()},
	graph_dot => q{SELECT datamesh.mesh_graph('dot')},
	lint => q{SELECT * FROM datamesh.lint()},
	settings => q{SELECT setting, value FROM datamesh.settings ORDER BY 1},
	schemas => q{SELECT nspname, nspowner::regrole, nspacl, obj_description(oid, 'pg_namespace')
				 FROM pg_namespace WHERE nspname ~ '^(sales|acme)_' ORDER BY 1},
	relations => q{SELECT oid::regclass::text, relkind, relowner::regrole, relacl
				   FROM pg_class WHERE relnamespace::regnamespace::text ~ '^(sales|acme)_'
				   ORDER BY 1},
	columns => q{SELECT attrelid::regclass::text, attname, format_type(atttypid, atttypmod), attnotnull
				 FROM pg_attribute WHERE attrelid::regclass::text ~ '^sales_raw\.' AND attnum > 0
				 AND NOT attisdropped ORDER BY 1, attnum},
	labels => q{SELECT objoid::regclass::text, objsubid, label FROM pg_seclabel
				WHERE provider = 'datamesh' ORDER BY 1, 2},
	data => q{SELECT id, email, _added_at IS NOT NULL FROM sales_raw.orders ORDER BY 1},
	triggers => q{SELECT evtname, evtenabled FROM pg_event_trigger ORDER BY 1},
	products => q{SELECT * FROM datamesh.products ORDER BY product},
	pii => q{SELECT * FROM datamesh.pii_columns ORDER BY 1, 2},
	keys => q{SELECT scope, key FROM datamesh.pseudonym_key ORDER BY 1},
	scopes => q{SELECT * FROM datamesh.pseudonym_scope ORDER BY 1},
	unmasked => q{SELECT * FROM datamesh.unmasked ORDER BY 1, 2},
	viewdefs => q{SELECT viewname, definition FROM pg_views WHERE schemaname ~ '_data_products$' ORDER BY 1},
	masked => q{SET ROLE analyst; SELECT * FROM sales_data_products.customers ORDER BY born},
	clear => q{SET ROLE auditor; SELECT * FROM sales_data_products.customers ORDER BY id},
	contracts => q{SELECT * FROM datamesh.contract ORDER BY id, major, minor, patch},
	contract_events => q{SELECT * FROM datamesh.contract_event ORDER BY at},
	current_contract => q{SELECT datamesh.contract('acme_hr_prod_data_products.staff')},
	contract_checks => q{SELECT * FROM datamesh.check_contract('acme_hr_prod_data_products.staff')},
);

my %before;
$before{$_} = $node->safe_psql('mesh', $queries{$_}) for keys %queries;
like($before{domains}, qr/acme_hr_prod/, 'source mesh has its domains');
is($node->safe_psql('mesh', q{SELECT count(*) FROM datamesh.verify()}), '0', 'source mesh verifies');
is($node->safe_psql('mesh', q{SELECT string_agg(id || ' ' || version || ' ' || status, ', ' ORDER BY id, version)
							  FROM datamesh.contract}),
	'hr.badges 1.0.0 retired, hr.badges 1.0.1 retired, hr.staff 1.0.0 active',
	'source mesh has an active contract and a withdrawn one');
is($node->safe_psql('mesh', q{SELECT product || ' ' || rule FROM datamesh.contract_event}),
	'acme_hr_prod_data_products.badges G7', 'source mesh has a contract event');
like($node->safe_psql('mesh', q{SELECT contract_version || ' ' || contract_status FROM datamesh.products
								WHERE product = 'acme_hr_prod_data_products.staff'}),
	qr/^1\.0\.0 active$/, 'source product shows its contract');
is($node->safe_psql('mesh', q{SELECT count(*) FROM datamesh.check_contract('acme_hr_prod_data_products.staff')
							  WHERE status <> 'pass'}),
	'0', 'source product fulfils its contract');

my $dir = PostgreSQL::Test::Utils::tempdir;
my $plain = "$dir/mesh.sql";
my $custom = "$dir/mesh.dump";
$node->command_ok([ 'pg_dump', '-d', $node->connstr('mesh'), '-f', $plain ],
	'pg_dump, plain format');
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('mesh'), '-f', $custom ],
	'pg_dump, custom format');

# restore with psql: no error at all
my ($stdout, $stderr);
my $rc = $node->psql('mesh_plain', undef,
	extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $plain ],
	stdout => \$stdout, stderr => \$stderr);
is($rc, 0, 'plain dump restores with psql');
unlike($stderr, qr/ERROR/, 'plain restore prints no error');
unlike($stderr, qr/WARNING/, 'plain restore prints no warning');

# pg_restore: exit status 0, nothing on stderr (no error, no warning)
$node->command_checks_all([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('mesh_custom'), $custom ],
	0, [qr/^$/], [qr/^$/], 'custom dump restores with pg_restore');

foreach my $db ('mesh_plain', 'mesh_custom')
{
	foreach my $name (sort keys %queries)
	{
		is($node->safe_psql($db, $queries{$name}), $before{$name},
			"$db: $name equal to the source");
	}

	# every product is what datamesh would generate, every key in place
	is($node->safe_psql($db, q{SELECT count(*) FROM datamesh.verify()}), '0',
		"$db: datamesh.verify() finds nothing after the restore");

	# enforcement is active in the restored database, in a fresh session
	my ($ret, $out, $err) = $node->psql($db,
		'CREATE VIEW public.leak AS SELECT * FROM sales_raw.orders');
	isnt($ret, 0, "$db: rule 2 still refuses reading a private table");
	like($err, qr/cannot make view public\.leak depend on private table sales_raw\.orders of domain "sales"/,
		"$db: rule 2 error text");

	($ret, $out, $err) = $node->psql($db, 'CREATE TABLE sales_raw.bare (id int)');
	like($err, qr/has no column "_added_at"/, "$db: raw_metadata 'require' restored and enforced");

	($ret, $out, $err) = $node->psql($db, 'DROP SCHEMA sales_queries');
	like($err, qr/cannot drop schema "sales_queries" of domain "sales"/, "$db: rule 6 enforced");

	($ret, $out, $err) = $node->psql($db,
		q{SECURITY LABEL FOR datamesh ON COLUMN sales_raw.orders.email IS 'pii:nonsense'});
	like($err, qr/invalid datamesh security label/, "$db: label provider active in a fresh session");
	($ret, $out, $err) = $node->psql($db,
		q{SECURITY LABEL FOR datamesh_tags ON TABLE sales_raw.orders IS '{"tier": "bronze"}'});
	like($err, qr/value "bronze" is not allowed for tag "tier"/,
		"$db: tags provider active in a fresh session, with the restored tag definitions");
	($ret, $out, $err) = $node->psql($db,
		q{SELECT datamesh.set_tag('sales_data_products.orders', 'tier', 'bronze')});
	like($err, qr/value "bronze" is not allowed for tag "tier"/, "$db: set_tag checks the restored definitions");
	# the search index follows changes after the restore
	$node->safe_psql($db, q{SELECT datamesh.describe('sales_data_products.orders', 'Order ids of the shop, restored')});
	like($node->safe_psql($db, q{SET ROLE analyst; SELECT object || ' ' || matched FROM datamesh.search('restored')}),
		qr/^sales_data_products\.orders description: Order ids of the shop, restored$/,
		"$db: the search index follows a new description");

	# the contract is enforced: a DDL that breaks it does not commit
	($ret, $out, $err) = $node->psql($db,
		"\\set VERBOSITY verbose\nALTER TABLE acme_hr_prod_raw.staff ALTER name DROP NOT NULL");
	isnt($ret, 0, "$db: a change that breaks the restored contract fails");
	like($err, qr/ERROR:  2BP01: transaction would break the data contract of product acme_hr_prod_data_products\.staff/,
		"$db: contract error and SQLSTATE");
	like($err, qr/Contract "hr\.staff" version 1\.0\.0 \(FORWARD\), rule C8/, "$db: contract error names the version and rule");
	is($node->safe_psql($db, q{SELECT attnotnull FROM pg_attribute
							   WHERE attrelid = 'acme_hr_prod_raw.staff'::regclass AND attname = 'name'}),
		't', "$db: the breaking change was rolled back");
	($ret, $out, $err) = $node->psql($db,
		q{SELECT datamesh.unset_pii('acme_hr_prod_raw.staff', 'email')});
	like($err, qr/transaction would break the data contract of product acme_hr_prod_data_products\.staff/,
		"$db: unmasking a contracted column fails");
	# the restored versions are the history a new version is checked against
	($ret, $out, $err) = $node->psql($db,
		q{SELECT datamesh.publish_contract('acme_hr_prod_data_products.staff', datamesh.contract('acme_hr_prod_data_products.staff'))});
	like($err, qr/contract "hr\.staff" version 1\.0\.0 is not higher than the published version 1\.0\.0/,
		"$db: a restored version is not published twice");
	is($node->safe_psql($db,
		q{SELECT datamesh.publish_contract('acme_hr_prod_data_products.staff',
			jsonb_set(datamesh.contract('acme_hr_prod_data_products.staff'), '{version}', '"1.1.0"'))}),
		'1.1.0', "$db: a new contract version publishes after restore");
	is($node->safe_psql($db, q{SELECT contract_version FROM datamesh.products
							   WHERE product = 'acme_hr_prod_data_products.staff'}),
		'1.1.0', "$db: the new version is current");

	# products keep working: pseudonyms are stable, a new label regenerates
	$node->safe_psql($db, q{SELECT datamesh.set_pii('sales_raw.customers', 'email', 'email')});
	like($node->safe_psql($db, q{SET ROLE analyst; SELECT email FROM sales_data_products.customers WHERE born < '1985-01-01'}),
		qr/^a\*\*\*\@example\.com$/, "$db: a new label regenerates the restored product");
	($ret, $out, $err) = $node->psql($db,
		q{SET ROLE analyst; SELECT datamesh.mask_hash('Ann'::text, 'sales_data_products.customers')});
	like($err, qr/reserved for data product views/, "$db: pseudonyms stay out of reach");
	is($node->safe_psql($db, q{SELECT count(*) FROM datamesh.verify()}), '0',
		"$db: datamesh.verify() finds nothing after a label on the restored mesh");

	# the mesh keeps working: a new domain and a new raw table
	$node->safe_psql($db, q{SELECT datamesh.create_domain('billing', 'sales_team')});
	is($node->safe_psql($db, q{SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'billing\_%'}),
		'6', "$db: create_domain works after restore");
	$node->safe_psql($db, q{SELECT datamesh.drop_domain('sales', force => true)});
	is($node->safe_psql($db, q{SELECT to_regclass('acme_hr_prod_intermediates.order_count') IS NULL}),
		't', "$db: drop_domain with force works after restore");
}

$node->stop;
done_testing();
