# Data contracts are ODCS v3.1.0 documents.  Every document that
# datamesh.contract() returns (and every version datamesh.contract keeps)
# validates against the official JSON Schema (test/odcs/, checked with
# python3-jsonschema, the validator its "$schema" names) and equals the
# document that was published; a document the schema rejects,
# publish_contract rejects too.
use strict;
use warnings;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $schema = 'test/odcs/odcs-json-schema-v3.1.0.json';
ok(-f $schema, 'the ODCS v3.1.0 schema is in the tree');

# Debian's python3-jsonschema lives in /usr/bin/python3's path
my $python = $ENV{PYTHON} // (-x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3');
my $dir = PostgreSQL::Test::Utils::tempdir;

# Validates the documents named after the schema; prints the validator's
# class, then one line per error (path and message); exit status 1 if any.
my $validator = "$dir/validate.py";
append_to_file($validator, <<'PY');
import json
import sys

import jsonschema

with open(sys.argv[1]) as f:
    schema = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
print(cls.__name__)
errors = 0
for name in sys.argv[2:]:
    with open(name) as f:
        doc = json.load(f)
    for e in cls(schema).iter_errors(doc):
        path = "".join("[%d]" % p if isinstance(p, int) else "." + p for p in e.absolute_path)
        print("$" + path, e.message)
        errors += 1
sys.exit(1 if errors else 0)
PY

my ($out, $err);
my $have = IPC::Run::run([ $python, '-c', 'import jsonschema' ], '>', \$out, '2>', \$err);
ok($have, "$python imports jsonschema")
  or diag("install python3-jsonschema (test/setup-debian.sh does): $err");

# validates one document (JSON text); returns (valid, validator output)
my $nfile = 0;
sub odcs_validate
{
	my ($json) = @_;
	my $file = "$dir/doc" . ++$nfile . '.json';
	append_to_file($file, $json);
	my ($stdout, $stderr) = ('', '');
	my $ok = IPC::Run::run([ $python, $validator, $schema, $file ], '>', \$stdout, '2>', \$stderr);
	return ($ok, $stdout . $stderr);
}

my ($valid, $report) = odcs_validate('{}');
like($report, qr/^Draft201909Validator$/m, 'the schema is checked as draft 2019-09');
ok(!$valid, 'an empty document is not a contract');

my $json = JSON::PP->new->canonical;

my $node = PostgreSQL::Test::Cluster->new('contracts');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE ROLE sales_team;
	CREATE ROLE consumers;
	CREATE ROLE alice LOGIN IN ROLE sales_team;
	CREATE EXTENSION datamesh;
	SELECT datamesh.configure('consumer_role', 'consumers');
	SELECT datamesh.create_domain('sales', 'sales_team', description => 'Web shop sales');
	SET ROLE alice;
	CREATE TABLE sales_raw.customers (id int PRIMARY KEY, name text);
	INSERT INTO sales_raw.customers (id, name) VALUES (1, 'Ann'), (2, 'Bob');
	SELECT datamesh.publish_product('sales_raw.customers');
	CREATE TABLE sales_raw.orders (
		id int PRIMARY KEY,
		customer_email text,
		amount numeric(12,2) NOT NULL CHECK (amount >= 0),
		status text NOT NULL,
		ordered_at timestamptz NOT NULL DEFAULT now());
	INSERT INTO sales_raw.orders (id, customer_email, amount, status) VALUES
		(1, 'ann@example.com', 42.50, 'paid'),
		(2, 'bob@example.org', 17.00, 'shipped'),
		(3, NULL, 0, 'cancelled');
	SELECT datamesh.set_pii('sales_raw.orders', 'customer_email', 'email');
	SELECT datamesh.publish_product('sales_raw.orders', description => 'Orders, one row per order');
});

# publishes as alice, a member of the domain's team; returns (exit status, stdout, stderr)
sub publish
{
	my ($product, $doc) = @_;
	return $node->psql('postgres',
		"SET ROLE alice;\n\\set VERBOSITY verbose\n"
		  . "SELECT datamesh.publish_contract('$product', \$odcs\$$doc\$odcs\$)");
}

# publishes a document, then checks what contract() returns
sub publish_and_check
{
	my ($name, $product, $doc, $version) = @_;

	my ($ok, $rep) = odcs_validate($doc);
	ok($ok, "$name: the document sent validates against the ODCS schema") or diag($rep);
	my ($ret, $stdout, $stderr) = publish($product, $doc);
	is($stdout, $version, "$name: publish_contract returns version $version") or diag($stderr);

	my $back = $node->safe_psql('postgres', "SELECT datamesh.contract('$product')");
	($ok, $rep) = odcs_validate($back);
	ok($ok, "$name: contract() output validates against the ODCS schema") or diag($rep);
	is($node->safe_psql('postgres',
			"SELECT datamesh.contract('$product') = \$odcs\$$doc\$odcs\$::jsonb"),
		't', "$name: contract() returns the document published")
	  or diag("sent: $doc\nback: $back");
	is($node->safe_psql('postgres',
			"SELECT contract_version || ' ' || contract_status FROM datamesh.products WHERE product = '$product'"),
		"$version " . $json->decode($doc)->{status}, "$name: datamesh.products shows the version");
	return $back;
}

# (1) the least a contract must say
my $minimal = <<'JSON';
{
  "apiVersion": "v3.1.0",
  "kind": "DataContract",
  "id": "sales.customers",
  "version": "1.0.0",
  "status": "active",
  "schema": [{
    "name": "customers",
    "physicalName": "sales_data_products.customers",
    "properties": [
      { "name": "id", "physicalType": "integer" },
      { "name": "name", "logicalType": "string" }
    ]
  }]
}
JSON
publish_and_check('minimal', 'sales_data_products.customers', $minimal, '1.0.0');

# (2) a contract using much of ODCS, datamesh's custom properties included
my $rich = <<'JSON';
{
  "apiVersion": "v3.1.0",
  "kind": "DataContract",
  "id": "sales.orders",
  "name": "orders",
  "version": "1.0.0",
  "status": "active",
  "domain": "sales",
  "dataProduct": "web shop",
  "tenant": "acme",
  "tags": ["sales", "orders"],
  "contractCreatedTs": "2025-01-15T09:30:00+00:00",
  "description": {
    "purpose": "Web shop orders, one row per order.",
    "limitations": "No orders placed by phone.",
    "usage": "Sales reporting and forecasts.",
    "authoritativeDefinitions": [
      { "type": "privacy-statement", "url": "https://example.com/privacy.pdf" }
    ],
    "customProperties": [{ "property": "reviewedBy", "value": "legal" }]
  },
  "authoritativeDefinitions": [
    { "type": "canonical", "url": "https://example.com/contracts/sales.orders.json",
      "description": "Canonical URL of the latest version." }
  ],
  "servers": [
    { "server": "mesh", "type": "postgres", "host": "localhost", "port": 5432,
      "database": "postgres", "schema": "sales_data_products", "environment": "prod",
      "description": "The data mesh database." }
  ],
  "team": {
    "name": "sales_team",
    "description": "The web shop's sales team.",
    "members": [
      { "username": "alice", "name": "Alice", "role": "owner", "dateIn": "2024-01-01" },
      { "username": "carol", "role": "data steward", "dateIn": "2023-03-01",
        "dateOut": "2024-01-01", "replacedByUsername": "alice" }
    ]
  },
  "support": [
    { "channel": "#sales-data", "tool": "slack", "scope": "interactive",
      "url": "https://example.slack.com/archives/sales-data" },
    { "channel": "sales-data-announce", "tool": "email", "scope": "announcements",
      "url": "mailto:sales-data@example.com" }
  ],
  "roles": [
    { "role": "consumers", "access": "read", "description": "Every consumer of the mesh.",
      "firstLevelApprovers": "sales_team" },
    { "role": "sales_team", "access": "write" }
  ],
  "price": { "priceAmount": 0, "priceCurrency": "EUR", "priceUnit": "megabyte" },
  "slaDefaultElement": "orders.ordered_at",
  "slaProperties": [
    { "property": "freshness", "value": 4, "unit": "h", "element": "orders.ordered_at" },
    { "property": "retention", "value": 3, "unit": "y" },
    { "property": "latency", "value": "PT1H", "driver": "operational" },
    { "property": "generalAvailability", "value": "2025-02-01T00:00:00+00:00" }
  ],
  "schema": [{
    "id": "orders_obj",
    "name": "orders",
    "physicalName": "sales_data_products.orders",
    "physicalType": "view",
    "logicalType": "object",
    "businessName": "Orders",
    "description": "Successful and cancelled web shop orders.",
    "tags": ["finance"],
    "dataGranularityDescription": "One row per order",
    "authoritativeDefinitions": [
      { "type": "businessDefinition", "url": "https://example.com/glossary/order" }
    ],
    "properties": [
      { "id": "order_id", "name": "id", "physicalType": "integer", "logicalType": "integer",
        "required": true, "unique": true, "primaryKey": true, "primaryKeyPosition": 1,
        "businessName": "order number", "description": "Order number.",
        "criticalDataElement": true, "examples": [1, 2],
        "classification": "internal" },
      { "name": "customer_email", "physicalType": "text", "logicalType": "string",
        "description": "Who ordered; masked for consumers.",
        "classification": "restricted", "tags": ["pii"],
        "customProperties": [{ "property": "pii", "value": "email" }] },
      { "name": "amount", "physicalType": "numeric(12,2)", "logicalType": "number",
        "required": true, "logicalTypeOptions": { "minimum": 0 },
        "quality": [
          { "metric": "nullValues", "mustBe": 0, "dimension": "completeness",
            "severity": "error", "description": "Every order has an amount." }
        ] },
      { "name": "status", "physicalType": "text", "logicalType": "string", "required": true,
        "quality": [
          { "metric": "invalidValues", "mustBe": 0, "dimension": "conformity",
            "arguments": { "validValues": ["paid", "shipped", "cancelled"] } }
        ] },
      { "name": "ordered_at", "physicalType": "timestamp with time zone",
        "logicalType": "timestamp", "required": true }
    ],
    "quality": [
      { "id": "not_empty", "type": "library", "metric": "rowCount", "mustBeGreaterThan": 0,
        "dimension": "completeness", "schedule": "0 20 * * *", "scheduler": "cron" },
      { "id": "no_huge_orders", "type": "sql", "mustBe": 0,
        "query": "SELECT count(*) FROM ${object} WHERE amount > 1000000" }
    ]
  }],
  "customProperties": [
    { "property": "compatibility", "value": "FORWARD" },
    { "property": "deprecationNoticeDays", "value": 90 },
    { "property": "costCenter", "value": "CC-4711", "description": "not datamesh's: kept as is" }
  ]
}
JSON
publish_and_check('rich', 'sales_data_products.orders', $rich, '1.0.0');
is($node->safe_psql('postgres',
		q{SELECT string_agg(check_name || ' ' || status, ', ' ORDER BY check_name)
		  FROM datamesh.check_contract('sales_data_products.orders') WHERE status <> 'pass'}),
	'', 'the rich contract\'s checks pass on the data');

# (3) a later version: more description, a tag, a tighter quality rule
my $later = $json->decode($rich);
$later->{version} = '1.1.0';
$later->{description}{purpose} = 'Web shop orders, one row per order, since 2020.';
push @{ $later->{tags} }, 'gold';
push @{ $later->{schema}[0]{properties}[1]{quality} },
  { metric => 'nullValues', mustBeLessOrEqualTo => 50, unit => 'percent', dimension => 'completeness' };
$later = $json->encode($later);
publish_and_check('later', 'sales_data_products.orders', $later, '1.1.0');

# (4) deprecated on the way out, with an end of support and a deprecated column
my $deprecated = $json->decode($later);
$deprecated->{version} = '1.2.0';
$deprecated->{status} = 'deprecated';
push @{ $deprecated->{customProperties} }, { property => 'endOfSupport', value => '2099-12-31' };
push @{ $deprecated->{schema}[0]{properties}[1]{customProperties} },
  { property => 'deprecated', value => JSON::PP::true },
  { property => 'endOfSupport', value => '2099-12-31' };
$deprecated = $json->encode($deprecated);
publish_and_check('deprecated', 'sales_data_products.orders', $deprecated, '1.2.0');

# every version kept validates, and is the document sent
my %sent = (
	'sales.customers 1.0.0' => $minimal,
	'sales.orders 1.0.0' => $rich,
	'sales.orders 1.1.0' => $later,
	'sales.orders 1.2.0' => $deprecated);
foreach my $key (sort keys %sent)
{
	my ($id, $version) = split / /, $key;
	my $doc = $node->safe_psql('postgres',
		"SELECT document FROM datamesh.contract WHERE id = '$id' AND version = '$version'");
	my ($ok, $rep) = odcs_validate($doc);
	ok($ok, "stored $key validates against the ODCS schema") or diag($rep);
	is($node->safe_psql('postgres',
			"SELECT document = \$odcs\$$sent{$key}\$odcs\$::jsonb FROM datamesh.contract"
			  . " WHERE id = '$id' AND version = '$version'"),
		't', "stored $key is the document sent");
}

# Documents the schema rejects: each is the minimal contract with one
# fault; jsonschema and publish_contract must both reject it, and
# publish_contract must name the path of the fault (of a missing key, the
# key's path).
my @invalid = (
	[ 'unknown root key', '$.bogus', sub { $_[0]{bogus} = 1 } ],
	[ 'unknown key of a property', '$.schema[0].properties[0].nullable',
		sub { $_[0]{schema}[0]{properties}[0]{nullable} = JSON::PP::false } ],
	[ 'unknown key of a schema object', '$.schema[0].columns',
		sub { $_[0]{schema}[0]{columns} = [] } ],
	[ 'kind not DataContract', '$.kind', sub { $_[0]{kind} = 'Contract' } ],
	[ 'apiVersion not a version of ODCS', '$.apiVersion', sub { $_[0]{apiVersion} = 'v9.9.9' } ],
	[ 'status not a string', '$.status', sub { $_[0]{status} = 1 } ],
	[ 'id missing', '$.id', sub { delete $_[0]{id} } ],
	[ 'description a string', '$.description', sub { $_[0]{description} = 'Customers' } ],
	[ 'tags not an array', '$.tags', sub { $_[0]{tags} = 'sales' } ],
	[ 'logicalType not of ODCS', '$.schema[0].properties[1].logicalType',
		sub { $_[0]{schema}[0]{properties}[1]{logicalType} = 'text' } ],
	[ 'server type unknown', '$.servers[0].type',
		sub { $_[0]{servers} = [ { server => 'mesh', type => 'nosuchdb' } ] } ],
	[ 'postgres server without host', '$.servers[0].host',
		sub { $_[0]{servers} = [ { server => 'mesh', type => 'postgres', port => 5432,
			database => 'postgres', schema => 'sales_data_products' } ] } ],
	[ 'quality dimension unknown', '$.schema[0].quality[0].dimension',
		sub { $_[0]{schema}[0]{quality} = [ { metric => 'rowCount', mustBeGreaterThan => 0,
			dimension => 'speed' } ] } ],
	[ 'quality metric unknown', '$.schema[0].quality[0].metric',
		sub { $_[0]{schema}[0]{quality} = [ { metric => 'rowsCounted', mustBeGreaterThan => 0 } ] } ],
	[ 'custom property without value', '$.customProperties[0].value',
		sub { $_[0]{customProperties} = [ { property => 'compatibility' } ] } ],
	[ 'team member with unknown key', '$.team.members[0].email',
		sub { $_[0]{team} = { name => 'sales', members => [ { username => 'alice', email => 'a@example.com' } ] } } ],
	[ 'role without role', '$.roles[0].role', sub { $_[0]{roles} = [ { access => 'read' } ] } ],
	[ 'support channel missing', '$.support[0].channel', sub { $_[0]{support} = [ { tool => 'slack' } ] } ],
	[ 'SLA value an object', '$.slaProperties[0].value',
		sub { $_[0]{slaProperties} = [ { property => 'freshness', value => { hours => 4 } } ] } ],
	[ 'price amount a string', '$.price.priceAmount',
		sub { $_[0]{price} = { priceAmount => '9.95' } } ],
);
foreach my $case (@invalid)
{
	my ($name, $path, $fault) = @$case;
	my $doc = $json->decode($minimal);
	$doc->{version} = '1.0.1';
	$fault->($doc);
	$doc = $json->encode($doc);

	my ($ok, $rep) = odcs_validate($doc);
	ok(!$ok, "$name: jsonschema rejects it") or diag($doc);
	my ($ret, $stdout, $stderr) = publish('sales_data_products.customers', $doc);
	isnt($ret, 0, "$name: publish_contract rejects it") or diag($doc);
	like($stderr, qr/ERROR:  22023: invalid data contract at \Q$path\E\n/,
		"$name: publish_contract names $path");
}
is($node->safe_psql('postgres', q{SELECT datamesh.contract('sales_data_products.customers')->>'version'}),
	'1.0.0', 'no rejected document was published');

# Documents the schema accepts, in shapes the contracts above do not use:
# datamesh reads them too (diff_contracts parses and validates a document
# without the requirements of publishing).
my @valid = (
	[ 'team as an array of members (deprecated form)',
		sub { $_[0]{team} = [ { username => 'alice', role => 'owner' } ] } ],
	[ 'text and custom quality rules',
		sub { $_[0]{schema}[0]{quality} = [
			{ type => 'text', description => 'Names are as the customer wrote them.' },
			{ type => 'custom', engine => 'soda', implementation => { checks => [] } } ] } ],
	[ 'nested object and array properties',
		sub { push @{ $_[0]{schema}[0]{properties} },
			{ name => 'address', logicalType => 'object',
			  properties => [ { name => 'city', logicalType => 'string' } ] },
			{ name => 'phones', logicalType => 'array', logicalTypeOptions => { minItems => 1 },
			  items => { logicalType => 'string' } } } ],
	[ 'relationships', sub {
		$_[0]{schema}[0]{relationships} = [ { type => 'foreignKey', from => 'customers.id', to => 'people.id' } ];
		$_[0]{schema}[0]{properties}[0]{relationships} = [ { to => 'people.id' } ] } ],
	[ 'a local server and an api server', sub { $_[0]{servers} = [
		{ server => 'files', type => 'local', path => '/data/customers.csv', format => 'csv' },
		{ server => 'api', type => 'api', location => 'https://example.com/customers' } ] } ],
	[ 'typed logicalTypeOptions', sub {
		$_[0]{schema}[0]{properties}[0]{logicalType} = 'integer';
		$_[0]{schema}[0]{properties}[0]{logicalTypeOptions} = { minimum => 1, exclusiveMaximum => 1000000 };
		$_[0]{schema}[0]{properties}[1]{logicalTypeOptions} = { maxLength => 100, pattern => '^[A-Z]' } } ],
	[ 'a between rule and a custom property of any value', sub {
		$_[0]{schema}[0]{quality} = [ { metric => 'rowCount', mustBeBetween => [ 1, 1000 ] } ];
		$_[0]{customProperties} = [ { property => 'lineage', value => { upstream => [ 'crm' ] } },
			{ property => 'reviewed', value => undef } ] } ],
);
foreach my $case (@valid)
{
	my ($name, $change) = @$case;
	my $doc = $json->decode($minimal);
	$change->($doc);
	$doc = $json->encode($doc);

	my ($ok, $rep) = odcs_validate($doc);
	ok($ok, "$name: jsonschema accepts it") or diag($rep);
	my ($ret, $stdout, $stderr) = $node->psql('postgres',
		"SELECT count(*) FROM datamesh.diff_contracts(\$odcs\$$doc\$odcs\$, \$odcs\$$doc\$odcs\$)");
	is($ret, 0, "$name: datamesh reads it") or diag($stderr);
}

is($node->safe_psql('postgres', q{SELECT count(*) FROM datamesh.verify()}), '0',
	'datamesh.verify() finds nothing');

$node->stop;
done_testing();
