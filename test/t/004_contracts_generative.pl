# Generative, fail-closed test of data contracts at DDL time.
#
# Each scenario, in a domain of its own (g<N>), builds a random source (a
# raw table of 2-6 columns of random types, NOT NULLs, maybe a primary key
# and a unique index, an enum type, rows that satisfy them, 0-2
# intermediate views, 0-2 columns classified), publishes it as product
# g<N>_data_products.prod (sometimes read by another team's view) and gives
# it a TRUTHFUL contract: version 1.0.0, a random compatibility mode, the
# view's columns with format_type() as physicalType, required, unique and
# primaryKey only where the data (clear and masked) shows them, pii for
# masked columns sometimes.  Publishing it must succeed.
#
# Then it runs 5-15 random operations, each its own transaction (sometimes
# 2-3 in one explicit BEGIN ... COMMIT), as a team member or a superuser:
# DROP/SET NOT NULL, DROP/CREATE (UNIQUE) INDEX, DROP/ADD PRIMARY KEY, enum
# ADD VALUE/RENAME VALUE, REVOKE/GRANT SELECT on the product, unset_pii/
# set_pii, publish_product again (a random column list, the same one, all
# columns after ADD COLUMN), CREATE OR REPLACE VIEW of an intermediate,
# unpublish and publish in one transaction, two changes that undo each
# other in one transaction, INSERTs (valid rows, NULLs), a new contract
# version; and three paths beyond that list: the enum type renamed, an
# inheritance child of the source table, USAGE on the products' schema
# revoked.  After every transaction it checks:
#
#  - the invariant: datamesh.contract_problems(product) is empty -- the
#    database never commits a state that breaks the product's contract --
#    the product keeps its contract versions, and (every mode but NONE)
#    the consumer role can read the product (README, "What DDL is held
#    to": readable by the consumer role);
#  - an operation known up front to be harmless (GRANT, ADD COLUMN, a plain
#    index, valid rows, SET NOT NULL over data without NULLs in a
#    FORWARD-like mode, the same column list published again, unpublish and
#    publish again, changes that undo each other) committed, so the guard
#    does not simply refuse everything;
#  - a refused transaction failed with an SQLSTATE expected for what it
#    did (2BP01 for a contract, PostgreSQL's own codes otherwise) and
#    changed nothing (a snapshot of catalogs and data, equal before and
#    after).
#
# Rarely, a superuser commits a change with datamesh.enforce off: it gives
# a WARNING and datamesh.contract_event rows exactly when the product then
# breaks its contract; such a break is then undone (which must commit) or
# left, and at the end verify() must report exactly the products left
# broken.  A summary line gives scenarios, operations, transactions
# committed, refused by a contract and refused otherwise.
#
# Environment: DM_SEED (default 20261130), DM_SCENARIOS (default 40),
# DM_ONLY=N (run only scenario N; it makes the same choices as in a full
# run).  A failing scenario prints the seed, its number and every SQL
# statement it ran, in order, with the session that ran it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use JSON::PP;
use Time::HiRes qw(time);

my $seed = $ENV{DM_SEED} // 20261130;
my $nscenarios = $ENV{DM_SCENARIOS} // 40;
my $only = $ENV{DM_ONLY};
die "DM_ONLY must be a scenario number from 1" if defined $only && $only !~ /^[1-9][0-9]*$/;

my $started = time;

# one seed per scenario, drawn from the main seed, so that DM_ONLY=N makes
# the same choices as a full run
srand($seed);
my $last = defined $only && $only > $nscenarios ? $only : $nscenarios;
my @scenario_seeds = map { int(rand(2**31)) } 1 .. $last;
my @run = defined $only ? ($only) : (1 .. $nscenarios);

my $node = PostgreSQL::Test::Cluster->new('contracts_generative');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE gen_team;
	CREATE ROLE alice LOGIN IN ROLE gen_team;
	CREATE ROLE reader_team;
	CREATE ROLE carol LOGIN;
	CREATE DATABASE mesh;
});
$node->safe_psql('mesh', q{
	CREATE EXTENSION datamesh;
	SELECT datamesh.create_domain('readers', 'reader_team');
});

# two sessions: a superuser (checks, superuser operations) and alice, a
# member of the team that owns every scenario's domain
my $su = $node->background_psql('mesh', on_error_stop => 0);
my $alice = $node->background_psql('mesh', on_error_stop => 0,
	extra_params => [ '-U', 'alice' ]);
for my $s ($su, $alice)
{
	$s->set_query_timer_restart;
	$s->query("\\set VERBOSITY verbose");
}
my %session = (su => $su, alice => $alice);

my $json = JSON::PP->new->canonical;

# totals over all scenarios
my %total = (scenarios => 0, ops => 0, transactions => 0, committed => 0,
	refused_contract => 0, refused_other => 0, harmless => 0,
	enforce_off => 0, enforce_off_broke => 0, restored => 0);
my %broken;    # products left breaking their contract on purpose
my %by_kind;   # operation kind: [committed, refused by contract, refused otherwise]

# ------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------

sub chance { return rand() < $_[0]; }
sub pick { return $_[ int(rand(scalar @_)) ]; }

sub shuffle
{
	my @a = @_;
	for (my $i = $#a; $i > 0; $i--)
	{
		my $j = int(rand($i + 1));
		@a[ $i, $j ] = @a[ $j, $i ];
	}
	return @a;
}

# a query in the superuser session that must not fail; its output lines
sub su_lines
{
	my ($sql) = @_;
	$su->{stderr} = '';
	my $out = $su->query($sql);
	die "query failed: $su->{stderr}\nquery: $sql\n" if $su->{stderr} =~ /ERROR/;
	return grep { $_ ne '' } split /\n/, $out;
}

# Runs one transaction (a list of statements, each ending in ";") in a
# session.  Returns whether it committed, the SQLSTATE of the first
# statement that failed, and what psql printed on stderr.
sub run_tx
{
	my ($who, $stmts) = @_;
	my $s = $session{$who};
	my $script = join('', map { "$_\n\\echo '\@\@' :SQLSTATE\n" } @$stmts);
	$s->{stderr} = '';
	my $out = $s->query($script);
	my @states = ($out =~ /^\@\@ (\S+)$/mg);
	die "lost track of the statements of a transaction:\n$out\n$s->{stderr}"
	  unless @states == @$stmts;
	my ($failed) = grep { $_ ne '00000' } @states;
	return {
		committed => !defined $failed,
		sqlstate => $failed // '00000',
		stderr => $s->{stderr},
		out => $out,
	};
}

# ------------------------------------------------------------------------
# column types
# ------------------------------------------------------------------------

my @types = ('integer', 'bigint', 'text', 'numeric(10,2)', 'timestamptz', 'enum', 'boolean');

# the type of a format_type() output, back
sub type_of_format
{
	my ($S, $fmt) = @_;
	return 'timestamptz' if $fmt eq 'timestamp with time zone';
	return 'enum' if $fmt eq $S->{enum};
	return $fmt;
}

sub logical_type
{
	my ($type) = @_;
	return {
		integer => 'integer', bigint => 'integer', 'numeric(10,2)' => 'number',
		text => 'string', timestamptz => 'timestamp', enum => 'string',
		boolean => 'boolean'
	}->{$type};
}

my @words = ('ann@example.com', 'bob@example.org', 'cy', 'dora@mail.net', 'eve',
	'x@y', 'frank.lee@example.com', 'gil');

# a literal of a type: fresh (unique in the scenario) or random
sub literal
{
	my ($S, $type, $fresh) = @_;
	my $k = ++$S->{k};
	if ($type eq 'integer' || $type eq 'bigint')
	{
		return $fresh ? 1000 + $k : int(rand(20));
	}
	if ($type eq 'text')
	{
		return $fresh ? "'u$k\@example.com'" : "'" . pick(@words) . "'";
	}
	if ($type eq 'numeric(10,2)')
	{
		return $fresh ? sprintf('%d.25', 100000 + $k) : sprintf('%.2f', rand(100));
	}
	if ($type eq 'timestamptz')
	{
		return $fresh
		  ? "'2027-01-01 00:00:00+00'::timestamptz + interval '$k minutes'"
		  : "'2026-0" . (1 + int(rand(9))) . "-1" . int(rand(10)) . " 10:00:00+00'";
	}
	if ($type eq 'boolean')
	{
		return pick('true', 'false');
	}
	if ($type eq 'enum')
	{
		my @labels = @{ $S->{labels} };
		return 'NULL' unless @labels;
		return "'" . pick(@labels) . "'::$S->{enum}";
	}
	die "no literal for $type";
}

# the same value computed: keeps type and typmod, but is no plain column
sub computed
{
	my ($S, $col, $type) = @_;
	return {
		integer => "($col + 0)::integer",
		bigint => "($col + 0)::bigint",
		text => "($col || '')",
		'numeric(10,2)' => "($col + 0)::numeric(10,2)",
		timestamptz => "($col + interval '0 seconds')",
		boolean => "($col AND true)",
		enum => "(${col}::text)::$S->{enum}",
	}->{$type};
}

# ------------------------------------------------------------------------
# the state of a scenario, as the catalogs and the data describe it
# ------------------------------------------------------------------------

sub state_sql
{
	my ($S) = @_;
	my ($raw, $int, $prod, $like) = ($S->{raw}, $S->{int}, $S->{product}, "g$S->{n}\\_%");
	return qq{
SELECT 'T|' || attname || '|' || format_type(atttypid, atttypmod) || '|' || attnotnull
  FROM pg_attribute WHERE attrelid = '$raw.t'::regclass AND attnum > 0 AND NOT attisdropped
   AND attname !~ '^_' ORDER BY attnum;
SELECT 'U|' || key || '|' || count(*) FILTER (WHERE jsonb_typeof(value) = 'null') || '|'
       || count(DISTINCT value) FILTER (WHERE jsonb_typeof(value) <> 'null') || '|' || count(*)
  FROM $raw.t t, jsonb_each(to_jsonb(t)) WHERE key !~ '^_' GROUP BY key ORDER BY key;
SELECT 'N|' || count(*) FROM $raw.t;
SELECT 'I|' || c.relname || '|' || i.indisunique || '|' || i.indisprimary || '|'
       || (SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
            WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid = '$raw.t'::regclass ORDER BY c.relname;
SELECT 'E|' || coalesce(string_agg(enumlabel, ',' ORDER BY enumsortorder), '')
  FROM pg_enum WHERE enumtypid = (SELECT oid FROM pg_type WHERE typnamespace = '$raw'::regnamespace AND typtype = 'e');
SELECT 'L|' || object || '|' || column_name || '|' || strategy
  FROM datamesh.pii_columns WHERE object LIKE '$like' ORDER BY 1;
SELECT 'V|' || c.relname || '|' || regexp_replace(pg_get_viewdef(c.oid), '\\s+', ' ', 'g')
  FROM pg_class c WHERE c.relnamespace = '$int'::regnamespace AND c.relkind = 'v' ORDER BY 1;
SELECT 'D|' || coalesce(c.relacl::text, '') || '|' || regexp_replace(pg_get_viewdef(c.oid), '\\s+', ' ', 'g')
  FROM pg_class c WHERE c.oid = to_regclass('$prod');
SELECT 'C|' || attname || '|' || format_type(atttypid, atttypmod)
  FROM pg_attribute WHERE attrelid = to_regclass('$prod') AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;
SELECT 'R|' || source || '|' || coalesce(array_to_string(columns, ','), '*') || '|' || status
  FROM datamesh.products WHERE product = '$prod';
SELECT 'X|' || (SELECT count(*) FROM datamesh.contract WHERE product = '$prod')
       || '|' || (SELECT count(*) FROM datamesh.contract_event WHERE product = '$prod');
SELECT 'Q|' || problem || '|' || coalesce(detail, '') FROM datamesh.contract_problems('$prod');
};
}

# the state: its lines (the snapshot) and what the generator needs of it
sub get_state
{
	my ($S) = @_;
	my @lines = su_lines(state_sql($S));
	my %st = (lines => \@lines, cols => [], stats => {}, indexes => [],
		labels => [], pii => [], views => {}, product_cols => [], problems => [],
		acl => undef, product_def => undef, rows => 0);
	foreach my $l (@lines)
	{
		my ($tag, @f) = split /\|/, $l, -1;
		if ($tag eq 'T')
		{
			push @{ $st{cols} }, { name => $f[0], type => type_of_format($S, $f[1]),
				notnull => $f[2] eq 'true' };
		}
		elsif ($tag eq 'U')
		{
			$st{stats}{ $f[0] } = { nulls => $f[1], distinct => $f[2], total => $f[3] };
		}
		elsif ($tag eq 'N') { $st{rows} = $f[0]; }
		elsif ($tag eq 'I')
		{
			push @{ $st{indexes} }, { name => $f[0], unique => $f[1] eq 'true',
				primary => $f[2] eq 'true', cols => $f[3] };
		}
		elsif ($tag eq 'E') { $st{labels} = [ grep { $_ ne '' } split /,/, $f[0] ]; }
		elsif ($tag eq 'L')
		{
			push @{ $st{pii} }, { object => $f[0], col => $f[1], strategy => $f[2] };
		}
		elsif ($tag eq 'V')
		{
			my ($name, $def) = split /\|/, join('|', @f), 2;
			$st{views}{$name} = $def;
		}
		elsif ($tag eq 'D')
		{
			my ($acl, $def) = split /\|/, join('|', @f), 2;
			$st{acl} = $acl;
			$st{product_def} = $def;
		}
		elsif ($tag eq 'C')
		{
			push @{ $st{product_cols} }, { name => $f[0], format => $f[1] };
		}
		elsif ($tag eq 'R')
		{
			$st{published_cols} = [ split /,/, $f[1] ];
			$st{status} = $f[2];
		}
		elsif ($tag eq 'X')
		{
			$st{versions} = $f[0];
			$st{events} = $f[1];
		}
		elsif ($tag eq 'Q') { push @{ $st{problems} }, join('|', @f); }
	}
	$S->{labels} = $st{labels};
	return \%st;
}

# the strategy each product column is masked with, read off its view
sub masks_of
{
	my ($def) = @_;
	my %mask;
	return \%mask unless defined $def;
	while ($def =~ /datamesh\.mask_(\w+)\((?:[^()]|\([^()]*\))*\) AS (\w+)/g)
	{
		$mask{$2} = $1;
	}
	return \%mask;
}

# per column: NULLs, distinct non-NULL values and rows of a relation
sub data_stats
{
	my ($rel) = @_;
	my %stats;
	foreach my $l (su_lines(qq{
SELECT key || '|' || count(*) FILTER (WHERE jsonb_typeof(value) = 'null') || '|'
       || count(DISTINCT value) FILTER (WHERE jsonb_typeof(value) <> 'null') || '|' || count(*)
  FROM $rel r, jsonb_each(to_jsonb(r)) GROUP BY key}))
	{
		my ($k, $nulls, $distinct, $total) = split /\|/, $l;
		$stats{$k} = { nulls => $nulls, distinct => $distinct, total => $total };
	}
	return \%stats;
}

# ------------------------------------------------------------------------
# the truthful contract of the product as it is now
# ------------------------------------------------------------------------

sub truthful_contract
{
	my ($S, $st, $version, $previous) = @_;
	my $masks = masks_of($st->{product_def});
	my $pstats = data_stats($S->{product});
	my $sstats = data_stats($S->{source});
	my ($rows) = su_lines("SELECT count(*) FROM $S->{product}");
	my %old;
	if ($previous)
	{
		$old{ $_->{name} } = $_ foreach @{ $previous->{schema}[0]{properties} };
	}
	my ($pk_col) = map { $_->{cols} } grep { $_->{primary} } @{ $st->{indexes} };

	my @props;
	my @unique_ok;
	foreach my $c (@{ $st->{product_cols} })
	{
		my $name = $c->{name};
		my $type = type_of_format($S, $c->{format});
		my $p = $pstats->{$name} // { nulls => 0, distinct => 0, total => 0 };
		my $s = $sstats->{$name} // { nulls => 0, distinct => 0, total => 0 };
		my $required_ok = $p->{nulls} == 0 && $s->{nulls} == 0;
		my $unique_ok = $required_ok && $p->{distinct} == $p->{total}
		  && $s->{distinct} == $s->{total};
		my $o = $old{$name} // {};
		my %prop = (name => $name, physicalType => $c->{format});
		$prop{logicalType} = logical_type($type) if chance(0.5) && logical_type($type);
		$prop{required} = JSON::PP::true
		  if $required_ok && ($o->{required} || chance(0.6));
		$prop{unique} = JSON::PP::true
		  if $unique_ok && ($o->{unique} || chance(0.5));
		push @unique_ok, $name if $unique_ok;
		if (my $m = $masks->{$name})
		{
			# a masked column may say so; a new version keeps what the
			# previous one said (dropping it is C18)
			my ($old_pii) = grep { $_->{property} eq 'pii' } @{ $o->{customProperties} // [] };
			if ($old_pii || chance(0.5))
			{
				$prop{customProperties} =
				  [ { property => 'pii', value => chance(0.5) ? $m : JSON::PP::true } ];
			}
			$prop{classification} = 'restricted' if $o->{classification} || chance(0.3);
		}
		$prop{description} = "Column $name." if chance(0.2);
		push @props, \%prop;
	}

	# a primary key of one column where the data has one: the table's own
	# if the product shows it, else maybe another unique column
	my ($old_pk) = grep { $_->{primaryKey} } values %old;
	my $pk;
	if ($old_pk && grep { $_ eq $old_pk->{name} } @unique_ok)
	{
		$pk = $old_pk->{name};
	}
	elsif (!$old_pk && defined $pk_col && (grep { $_ eq $pk_col } @unique_ok) && chance(0.7))
	{
		$pk = $pk_col;
	}
	elsif (!$old_pk && @unique_ok && chance(0.2))
	{
		$pk = pick(@unique_ok);
	}
	if (defined $pk)
	{
		foreach my $prop (@props)
		{
			next unless $prop->{name} eq $pk;
			$prop->{primaryKey} = JSON::PP::true;
			$prop->{primaryKeyPosition} = 1;
		}
	}

	my %doc = (
		apiVersion => 'v3.1.0',
		kind => 'DataContract',
		id => "g$S->{n}.prod",
		name => 'prod',
		version => $version,
		status => 'active',
		domain => "g$S->{n}",
		schema => [ {
				name => 'prod',
				physicalName => $S->{product},
				physicalType => 'view',
				properties => \@props,
				($rows > 0 && chance(0.3)
					? (quality => [ { id => 'not_empty', metric => 'rowCount',
						mustBeGreaterThan => 0 } ])
					: ())
			} ],
		customProperties => [ { property => 'compatibility', value => $S->{mode} } ],
	);
	$doc{description} = { purpose => "Scenario $S->{n}." } if chance(0.5);
	return \%doc;
}

sub publish_contract_sql
{
	my ($S, $doc) = @_;
	my $text = $json->encode($doc);
	return "SELECT datamesh.publish_contract('$S->{product}', \$c\$$text\$c\$);";
}

# ------------------------------------------------------------------------
# operations
# ------------------------------------------------------------------------

# DDL is judged by FORWARD's rules in every mode (NONE: governance only):
# a product that gives more than its contract promises keeps it
my @forward_like = ('FORWARD', 'FORWARD_TRANSITIVE', 'BACKWARD', 'FULL', 'NONE');

sub forward_like
{
	my ($S) = @_;
	return scalar grep { $_ eq $S->{mode} } @forward_like;
}

# the relations a label can go on: the table and the views
sub labelable
{
	my ($S, $st) = @_;
	my @rels = ([ "$S->{raw}.t", [ map { [ $_->{name}, $_->{type} ] } @{ $st->{cols} } ] ]);
	foreach my $v (@{ $S->{views} })
	{
		push @rels, [ "$S->{int}.$v", [ map { [ $_->{name}, $_->{type} ] } @{ $S->{cols} } ] ];
	}
	return @rels;
}

# the columns of the product's source now
sub source_cols
{
	my ($S, $st) = @_;
	my @cols = @{ $S->{views} } ? @{ $S->{cols} } : @{ $st->{cols} };
	return map { $_->{name} } @cols;
}

# the product's recorded column list, as an argument of publish_product
sub published_cols_arg
{
	my ($st) = @_;
	my @c = @{ $st->{published_cols} };
	return 'NULL' if @c == 1 && $c[0] eq '*';
	return 'ARRAY[' . join(', ', map { "'$_'" } @c) . ']::name[]';
}

# An operation: kind, statements, and what is known of it up front:
# harmless (must commit), the SQLSTATEs other than 2BP01 it may fail with.
# Returns undef when the state offers nothing for it.
sub gen_op
{
	my ($S, $st, $kind) = @_;
	my $t = "$S->{raw}.t";
	my @cols = @{ $st->{cols} };
	my ($pk) = grep { $_->{primary} } @{ $st->{indexes} };

	if ($kind eq 'drop_not_null')
	{
		my @c = grep { $_->{notnull} } @cols;
		return undef unless @c;
		my $c = pick(@c);
		return { kind => $kind, stmts => ["ALTER TABLE $t ALTER COLUMN $c->{name} DROP NOT NULL;"],
			allowed => ['42P16'] };
	}
	if ($kind eq 'set_not_null')
	{
		my @c = grep { !$_->{notnull} } @cols;
		return undef unless @c;
		my $c = pick(@c);
		my $nulls = ($st->{stats}{ $c->{name} } // { nulls => 0 })->{nulls};
		return { kind => $kind, stmts => ["ALTER TABLE $t ALTER COLUMN $c->{name} SET NOT NULL;"],
			allowed => ['23502'], harmless => ($nulls == 0 && forward_like($S)),
			set_not_null => 1 };
	}
	if ($kind eq 'drop_unique')
	{
		my @i = grep { $_->{unique} && !$_->{primary} } @{ $st->{indexes} };
		return undef unless @i;
		my $i = pick(@i);
		return { kind => $kind, stmts => ["DROP INDEX $S->{raw}.$i->{name};"], allowed => [] };
	}
	if ($kind eq 'create_unique' || $kind eq 'create_index')
	{
		my @c = grep { $_->{type} !~ /^(boolean|enum)$/ } @cols;
		return undef unless @c;
		my $c = pick(@c);
		my $k = ++$S->{k};
		if ($kind eq 'create_index')
		{
			return { kind => $kind, stmts => ["CREATE INDEX t_$c->{name}_i$k ON $t ($c->{name});"],
				allowed => [], harmless => 1 };
		}
		return { kind => $kind, stmts => ["CREATE UNIQUE INDEX t_$c->{name}_u$k ON $t ($c->{name});"],
			allowed => ['23505'] };
	}
	if ($kind eq 'drop_pkey')
	{
		return undef unless $pk;
		return { kind => $kind, stmts => ["ALTER TABLE $t DROP CONSTRAINT $pk->{name};"], allowed => [] };
	}
	if ($kind eq 'add_pkey')
	{
		return undef if $pk;
		my @c = grep { $_->{type} =~ /^(integer|bigint|text)$/ } @cols;
		return undef unless @c;
		my $c = pick(@c);
		return { kind => $kind, stmts => ["ALTER TABLE $t ADD PRIMARY KEY ($c->{name});"],
			allowed => [ '23505', '23502' ] };
	}
	if ($kind eq 'enum_add')
	{
		my $k = ++$S->{k};
		return { kind => $kind, stmts => ["ALTER TYPE $S->{enum} ADD VALUE 'v$k';"], allowed => [] };
	}
	if ($kind eq 'enum_rename')
	{
		return undef unless @{ $st->{labels} };
		my $l = pick(@{ $st->{labels} });
		my $k = ++$S->{k};
		return { kind => $kind, stmts => ["ALTER TYPE $S->{enum} RENAME VALUE '$l' TO 'r$k';"],
			allowed => [] };
	}
	if ($kind eq 'rename_enum_type')
	{
		my $k = ++$S->{k};
		return { kind => $kind, stmts => ["ALTER TYPE $S->{enum} RENAME TO e$k;"],
			allowed => [], new_enum => "$S->{raw}.e$k" };
	}
	if ($kind eq 'create_child')
	{
		my $k = ++$S->{k};
		return { kind => $kind, stmts => ["CREATE TABLE $S->{raw}.tc$k () INHERITS ($t);"],
			allowed => [] };
	}
	if ($kind eq 'revoke_usage')
	{
		return { kind => $kind,
			stmts => ["REVOKE USAGE ON SCHEMA g$S->{n}_data_products FROM PUBLIC;"], allowed => [] };
	}
	if ($kind eq 'revoke')
	{
		return { kind => $kind, stmts => ["REVOKE SELECT ON $S->{product} FROM PUBLIC;"], allowed => [] };
	}
	if ($kind eq 'grant')
	{
		return { kind => $kind, stmts => ["GRANT SELECT ON $S->{product} TO PUBLIC;"],
			allowed => [], harmless => 1 };
	}
	if ($kind eq 'unset_pii')
	{
		return undef unless @{ $st->{pii} };
		my $l = pick(@{ $st->{pii} });
		return { kind => $kind,
			stmts => ["SELECT datamesh.unset_pii('$l->{object}', '$l->{col}');"], allowed => [] };
	}
	if ($kind eq 'set_pii')
	{
		my ($rel, $rcols) = @{ pick(labelable($S, $st)) };
		my @c = grep { $_->[1] =~ /^(integer|bigint|text)$/ } @$rcols;
		my ($c, $strategy);
		if (@c && !chance(0.15))
		{
			$c = pick(@c);
			$strategy = $c->[1] eq 'text' ? pick('redact', 'hash', 'email') : pick('redact', 'hash');
		}
		else
		{
			# maybe a strategy the type does not support
			$c = pick(@$rcols);
			$strategy = pick('redact', 'hash', 'email');
		}
		return { kind => $kind,
			stmts => ["SELECT datamesh.set_pii('$rel', '$c->[0]', '$strategy');"],
			allowed => ['42804'] };
	}
	if ($kind eq 'republish_subset')
	{
		my @src = source_cols($S, $st);
		my @sub = grep { chance(0.7) } @src;
		@sub = (pick(@src)) unless @sub;
		@sub = shuffle(@sub) if chance(0.3);
		return { kind => $kind, single => 1,
			stmts => [ "SELECT datamesh.publish_product('$S->{source}', 'prod', ARRAY["
				  . join(', ', map { "'$_'" } @sub) . "]::name[]);" ],
			allowed => [] };
	}
	if ($kind eq 'republish_same')
	{
		return undef unless $st->{published_cols};
		return { kind => $kind, single => 1,
			stmts => [ "SELECT datamesh.publish_product('$S->{source}', 'prod', "
				  . published_cols_arg($st) . ");" ],
			allowed => [], harmless => 1 };
	}
	if ($kind eq 'replace_view')
	{
		return undef unless @{ $S->{views} };
		my $i = int(rand(scalar @{ $S->{views} }));
		return { kind => $kind, stmts => [ view_sql($S, $i, 1) ], allowed => [] };
	}
	if ($kind eq 'unpublish_republish')
	{
		return undef unless $st->{published_cols};
		return { kind => $kind, single => 1, block => 1,
			stmts => [ "SELECT datamesh.unpublish_product('$S->{product}');",
				"SELECT datamesh.publish_product('$S->{source}', 'prod', "
				  . published_cols_arg($st) . ");" ],
			allowed => [], harmless => !$S->{reader} };
	}
	if ($kind eq 'add_column')
	{
		my $k = ++$S->{k};
		my $type = pick(@types);
		my $fmt = $type eq 'enum' ? $S->{enum} : $type;
		return { kind => $kind, stmts => ["ALTER TABLE $t ADD COLUMN x$k $fmt;"],
			allowed => [], harmless => 1 };
	}
	if ($kind eq 'republish_all')
	{
		return { kind => $kind, single => 1,
			stmts => ["SELECT datamesh.publish_product('$S->{source}', 'prod');"],
			# under NONE a contracted column removed before may come back
			# unmasked (C18 is governance, breaking in every mode)
			allowed => [], harmless => ($S->{mode} ne 'NONE' && !$S->{reader}) };
	}
	if ($kind eq 'insert_valid' || $kind eq 'insert_nulls')
	{
		my @rows;
		my $nulls = $kind eq 'insert_nulls';
		my $bad = $nulls && chance(0.3);    # a NULL into a NOT NULL column
		my @notnull = grep { $_->{notnull} } @cols;
		my $victim = $bad && @notnull ? pick(@notnull)->{name} : undef;
		for (1 .. ($nulls ? 1 : 1 + int(rand(2))))
		{
			my @v;
			foreach my $c (@cols)
			{
				if (defined $victim && $c->{name} eq $victim) { push @v, 'NULL'; }
				elsif ($nulls && !$c->{notnull}) { push @v, 'NULL'; }
				else { push @v, literal($S, $c->{type}, 1); }
			}
			push @rows, '(' . join(', ', @v) . ')';
		}
		return { kind => $kind,
			stmts => [ "INSERT INTO $t (" . join(', ', map { $_->{name} } @cols) . ') VALUES '
				  . join(', ', @rows) . ';' ],
			allowed => [ '23502', '23505' ], harmless => !defined $victim,
			insert_nulls => $nulls };
	}
	if ($kind eq 'net_zero')
	{
		# two changes in one transaction that undo each other: the net
		# effect is no change, so it commits in every mode
		my @variants;
		my %in_pk = map { $_ => 1 } ($pk ? split(/,/, $pk->{cols}) : ());
		foreach my $c (grep { $_->{notnull} && !$in_pk{ $_->{name} } } @cols)
		{
			push @variants, [ "ALTER TABLE $t ALTER COLUMN $c->{name} DROP NOT NULL;",
				"ALTER TABLE $t ALTER COLUMN $c->{name} SET NOT NULL;" ];
		}
		foreach my $i (grep { $_->{unique} && !$_->{primary} } @{ $st->{indexes} })
		{
			push @variants, [ "DROP INDEX $S->{raw}.$i->{name};",
				"CREATE UNIQUE INDEX $i->{name} ON $t ($i->{cols});" ];
		}
		push @variants, [ "ALTER TABLE $t DROP CONSTRAINT $pk->{name};",
			"ALTER TABLE $t ADD CONSTRAINT $pk->{name} PRIMARY KEY ($pk->{cols});" ] if $pk;
		foreach my $l (@{ $st->{pii} })
		{
			push @variants, [ "SELECT datamesh.unset_pii('$l->{object}', '$l->{col}');",
				"SELECT datamesh.set_pii('$l->{object}', '$l->{col}', '$l->{strategy}');" ];
		}
		push @variants, [ "REVOKE SELECT ON $S->{product} FROM PUBLIC;",
			"GRANT SELECT ON $S->{product} TO PUBLIC;" ] if ($st->{acl} // '') =~ /(^|[{,])=r/;
		if (@{ $st->{labels} })
		{
			my $l = pick(@{ $st->{labels} });
			my $k = ++$S->{k};
			push @variants, [ "ALTER TYPE $S->{enum} RENAME VALUE '$l' TO 'z$k';",
				"ALTER TYPE $S->{enum} RENAME VALUE 'z$k' TO '$l';" ];
		}
		for my $i (0 .. $#{ $S->{views} })
		{
			my $def = $st->{views}{ $S->{views}[$i] } // next;
			$def =~ s/^\s+//;
			$def .= ';' unless $def =~ /;$/;
			push @variants, [ view_sql($S, $i, 1),
				"CREATE OR REPLACE VIEW $S->{int}.$S->{views}[$i] AS $def" ];
		}
		if ($st->{published_cols} && !$S->{reader})
		{
			my @src = source_cols($S, $st);
			push @variants, [ "SELECT datamesh.publish_product('$S->{source}', 'prod', ARRAY['"
				  . pick(@src) . "']::name[]);",
				"SELECT datamesh.publish_product('$S->{source}', 'prod', "
				  . published_cols_arg($st) . ");" ];
		}
		my $k = ++$S->{k};
		push @variants, [ "ALTER TABLE $t ADD COLUMN y$k integer;", "ALTER TABLE $t DROP COLUMN y$k;" ];
		return { kind => $kind, single => 1, block => 1, stmts => pick(@variants),
			allowed => [], harmless => 1 };
	}
	if ($kind eq 'publish_contract')
	{
		return undef unless @{ $st->{product_cols} };
		my $minor = ++$S->{minor};
		my $doc = truthful_contract($S, $st, "1.$minor.0", $S->{contract});
		return { kind => $kind, single => 1, stmts => [ publish_contract_sql($S, $doc) ],
			allowed => [ '22023', '23514' ], doc => $doc };
	}
	die "unknown operation $kind";
}

# weights of the operations
my @weighted = (
	[ drop_not_null => 3 ], [ set_not_null => 3 ], [ drop_unique => 2 ],
	[ create_unique => 2 ], [ create_index => 1 ], [ drop_pkey => 2 ],
	[ add_pkey => 1 ], [ enum_add => 2 ], [ enum_rename => 2 ], [ revoke => 2 ],
	[ grant => 2 ], [ unset_pii => 2 ], [ set_pii => 2 ], [ republish_subset => 2 ],
	[ republish_same => 1 ], [ replace_view => 3 ], [ unpublish_republish => 2 ],
	[ add_column_republish => 2 ], [ insert_valid => 2 ], [ insert_nulls => 2 ],
	[ publish_contract => 1 ], [ net_zero => 3 ],
	# paths beyond the list of the brief: an enum type renamed, an
	# inheritance child of the source table, USAGE on the products' schema
	[ rename_enum_type => 1 ], [ create_child => 1 ], [ revoke_usage => 1 ],
);
my $weights = 0;
$weights += $_->[1] foreach @weighted;

sub pick_kind
{
	my $r = rand($weights);
	foreach my $w (@weighted)
	{
		return $w->[0] if ($r -= $w->[1]) < 0;
	}
	return $weighted[-1][0];
}

# CREATE [OR REPLACE] VIEW of intermediate view i: every column of the
# table as it was created, sometimes one computed, sometimes a WHERE
sub view_sql
{
	my ($S, $i, $replace) = @_;
	my $from = $i == 0 ? "$S->{raw}.t" : "$S->{int}.$S->{views}[ $i - 1 ]";
	my @exprs;
	my $computed = chance($replace ? 0.5 : 0.3) ? int(rand(scalar @{ $S->{cols} })) : -1;
	# where each column comes from: itself, or (a replaced view, sometimes)
	# two columns of one type swapped -- same names and types, other data
	my @from = map { $_->{name} } @{ $S->{cols} };
	if ($replace && chance(0.25))
	{
		my @pairs;
		for my $a (0 .. $#from)
		{
			for my $b ($a + 1 .. $#from)
			{
				push @pairs, [ $a, $b ] if $S->{cols}[$a]{type} eq $S->{cols}[$b]{type};
			}
		}
		if (@pairs)
		{
			my ($a, $b) = @{ pick(@pairs) };
			@from[ $a, $b ] = @from[ $b, $a ];
		}
	}
	for my $j (0 .. $#{ $S->{cols} })
	{
		my $c = $S->{cols}[$j];
		push @exprs, $j == $computed || ($replace && chance(0.1))
		  ? computed($S, $from[$j], $c->{type}) . " AS $c->{name}"
		  : $from[$j] eq $c->{name} ? $c->{name}
		  : "$from[$j] AS $c->{name}";
	}
	my $first = $S->{cols}[0]{name};
	my $where = pick('', '', '', ' WHERE true', " WHERE $first IS NOT NULL",
		" WHERE NOT ($first IS NULL AND false)");
	return ($replace ? 'CREATE OR REPLACE VIEW' : 'CREATE VIEW')
	  . " $S->{int}.$S->{views}[$i] AS SELECT " . join(', ', @exprs) . " FROM $from$where;";
}

# ------------------------------------------------------------------------
# a scenario
# ------------------------------------------------------------------------

# The SQL a scenario ran, for a replay; and its failures.
sub logsql
{
	my ($S, $who, $stmts, $note) = @_;
	push @{ $S->{log} }, "-- as $who" . (defined $note ? ": $note" : '');
	push @{ $S->{log} }, @$stmts;
}

sub fail_scenario
{
	my ($S, $what) = @_;
	push @{ $S->{failures} }, $what;
}

# runs one setup transaction that must commit
sub setup_tx
{
	my ($S, $who, $stmts) = @_;
	logsql($S, $who, $stmts);
	my $r = run_tx($who, $stmts);
	if (!$r->{committed})
	{
		fail_scenario($S, "setup failed ($r->{sqlstate}): $r->{stderr}");
		return 0;
	}
	return 1;
}

sub new_scenario
{
	my ($n) = @_;
	srand($scenario_seeds[ $n - 1 ]);
	return {
		n => $n,
		raw => "g${n}_raw",
		int => "g${n}_intermediates",
		product => "g${n}_data_products.prod",
		enum => "g${n}_raw.e",
		mode => pick('FORWARD', 'BACKWARD', 'FULL', 'NONE', 'FORWARD_TRANSITIVE'),
		k => 0,
		minor => 0,
		log => [],
		failures => [],
		views => [],
		labels => [],
		counts => { ops => 0, transactions => 0, committed => 0, refused_contract => 0,
			refused_other => 0, harmless => 0 },
	};
}

sub run_scenario
{
	my ($S) = @_;
	my $n = $S->{n};

	# the source: a raw table of random columns, an enum type, rows
	my $ncols = 2 + int(rand(5));
	my @cols = map { { name => "c$_", type => pick(@types), notnull => chance(0.4) } } 1 .. $ncols;
	$S->{cols} = \@cols;
	my @pk_candidates = grep { $_->{type} =~ /^(integer|bigint|text)$/ } @cols;
	my $pk = @pk_candidates && chance(0.5) ? pick(@pk_candidates) : undef;
	$pk->{notnull} = 1 if $pk;
	my @uq_candidates = grep { $_->{type} =~ /^(integer|bigint|text|numeric\(10,2\)|timestamptz)$/
		  && (!$pk || $_ != $pk) } @cols;
	my $uq = @uq_candidates && chance(0.5) ? pick(@uq_candidates) : undef;
	my @labels = (shuffle('red', 'green', 'blue', 'amber'))[ 0 .. 1 + int(rand(3)) ];
	$S->{labels} = \@labels;

	return $S unless setup_tx($S, 'su', ["SELECT datamesh.create_domain('g$n', 'gen_team');"]);

	my @setup = ("CREATE TYPE $S->{enum} AS ENUM (" . join(', ', map { "'$_'" } @labels) . ');',
		"CREATE TABLE $S->{raw}.t ("
		  . join(', ', map { "$_->{name} " . ($_->{type} eq 'enum' ? $S->{enum} : $_->{type})
			  . ($_->{notnull} ? ' NOT NULL' : '') } @cols)
		  . ($pk ? ", PRIMARY KEY ($pk->{name})" : '') . ');');
	push @setup, "CREATE UNIQUE INDEX t_$uq->{name}_key ON $S->{raw}.t ($uq->{name});" if $uq;
	my @rows;
	for (1 .. 3 + int(rand(3)))
	{
		push @rows, '(' . join(', ', map {
			my $c = $_;
			($pk && $c == $pk) || ($uq && $c == $uq) ? literal($S, $c->{type}, 1)
			  : !$c->{notnull} && chance(0.3) ? 'NULL'
			  : literal($S, $c->{type}, 0) } @cols) . ')';
	}
	push @setup, "INSERT INTO $S->{raw}.t (" . join(', ', map { $_->{name} } @cols)
	  . ') VALUES ' . join(', ', @rows) . ';';
	return $S unless setup_tx($S, 'alice', \@setup);

	# 0-2 views between table and product
	my $nviews = int(rand(3));
	for my $i (0 .. $nviews - 1)
	{
		push @{ $S->{views} }, "v" . ($i + 1);
		return $S unless setup_tx($S, 'alice', [ view_sql($S, $i, 0) ]);
	}
	$S->{source} = @{ $S->{views} } ? "$S->{int}.$S->{views}[-1]" : "$S->{raw}.t";

	# 0-2 columns classified, on the table or a view
	my $st = get_state($S);
	for (1 .. int(rand(3)))
	{
		my ($rel, $rcols) = @{ pick(labelable($S, $st)) };
		my @c = grep { $_->[1] =~ /^(integer|bigint|text)$/ } @$rcols;
		next unless @c;
		my $c = pick(@c);
		my $strategy = $c->[1] eq 'text' ? pick('redact', 'hash', 'email') : pick('redact', 'hash');
		return $S unless setup_tx($S, 'alice', ["SELECT datamesh.set_pii('$rel', '$c->[0]', '$strategy');"]);
	}

	# the product, maybe read by another team
	return $S unless setup_tx($S, 'alice', ["SELECT datamesh.publish_product('$S->{source}', 'prod');"]);
	if (chance(0.25))
	{
		$S->{reader} = 1;
		return $S unless setup_tx($S, 'su',
			["CREATE VIEW readers_intermediates.r$n AS SELECT count(*) AS n FROM $S->{product};"]);
	}

	# the truthful contract
	$st = get_state($S);
	my $doc = truthful_contract($S, $st, '1.0.0');
	$S->{contract} = $doc;
	my $sql = publish_contract_sql($S, $doc);
	logsql($S, 'alice', [$sql], "contract, mode $S->{mode}");
	my $r = run_tx('alice', [$sql]);
	if (!$r->{committed})
	{
		fail_scenario($S, "publishing the truthful contract failed ($r->{sqlstate}): $r->{stderr}");
		return $S;
	}
	$st = get_state($S);
	if (@{ $st->{problems} })
	{
		fail_scenario($S, "the product breaks its contract right after publishing it:\n"
			  . join("\n", @{ $st->{problems} }));
		return $S;
	}

	# the operations
	my $nops = 5 + int(rand(11));
	my $break_at = chance(0.3) ? int(rand($nops)) : -1;
	my $done = 0;
	while ($done < $nops && !@{ $S->{failures} } && !$S->{broken})
	{
		my @txs;    # each: { who, ops => [op...] }
		if ($done == $break_at)
		{
			$done++;
			enforce_off_break($S, $st) or next;
			$st = get_state($S);
			next;
		}
		my $kind = pick_kind();
		if ($kind eq 'add_column_republish')
		{
			# two transactions: ADD COLUMN, then publish all columns
			my $who = chance(0.2) ? 'su' : 'alice';
			push @txs, { who => $who, ops => [ gen_op($S, $st, 'add_column') ] };
			push @txs, { who => $who, ops => [ gen_op($S, $st, 'republish_all') ] };
		}
		else
		{
			my $op = gen_op($S, $st, $kind);
			next unless $op;
			my @ops = ($op);
			# sometimes 2-3 operations in one explicit transaction
			if (!$op->{single} && chance(0.2))
			{
				for (1 .. 1 + int(rand(2)))
				{
					my $more = gen_op($S, $st, pick_kind_simple());
					push @ops, $more if $more && !$more->{single};
				}
			}
			push @txs, { who => (chance(0.2) ? 'su' : 'alice'), ops => \@ops };
		}
		foreach my $tx (@txs)
		{
			$done += scalar @{ $tx->{ops} };
			$st = run_op_tx($S, $st, $tx);
			last if @{ $S->{failures} };
		}
	}

	# every product readable again (REVOKE may commit under NONE), then
	# verify() has nothing to say of this scenario but a product broken
	# on purpose
	if (!@{ $S->{failures} } && !$S->{broken})
	{
		my $grant = { kind => 'grant SELECT and USAGE again',
			stmts => [ "GRANT SELECT ON $S->{product} TO PUBLIC;",
				"GRANT USAGE ON SCHEMA g${n}_data_products TO PUBLIC;" ],
			allowed => [], harmless => 1 };
		$st = run_op_tx($S, $st, { who => 'alice', ops => [$grant] });
	}
	if (!@{ $S->{failures} })
	{
		my @v = su_lines("SELECT object || '|' || problem || '|' || coalesce(detail, '')"
			  . " FROM datamesh.verify() WHERE object LIKE 'g$n\\_%'");
		if ($S->{broken})
		{
			my @other = grep { !/^\Q$S->{product}\E\|/ } @v;
			fail_scenario($S, "verify() does not report the product broken with enforcement off")
			  unless @v > @other;
			fail_scenario($S, "verify() reports more than the product broken on purpose:\n"
				  . join("\n", @other)) if @other;
		}
		elsif (@v)
		{
			fail_scenario($S, "verify() is not empty at the end of the scenario:\n" . join("\n", @v));
		}
	}
	return $S;
}

# operations that go into an explicit transaction with others
sub pick_kind_simple
{
	my $k;
	do { $k = pick_kind() } while ($k eq 'add_column_republish');
	return $k;
}

# what a consumer (carol, a role with no privileges of its own) gets when
# reading the product: '' or the error
sub consumer_read_error
{
	my ($S) = @_;
	$su->{stderr} = '';
	$su->query("SET ROLE carol;\nSELECT count(*) FROM $S->{product};\nRESET ROLE;");
	return $su->{stderr} =~ /ERROR/ ? $su->{stderr} : '';
}

# Runs the transaction of one or more operations and checks it; returns
# the state after it.
sub run_op_tx
{
	my ($S, $st, $tx) = @_;
	my @ops = grep { defined } @{ $tx->{ops} };
	return $st unless @ops;
	my @stmts = map { @{ $_->{stmts} } } @ops;
	my $explicit = @ops > 1 || $ops[0]{block};
	@stmts = ('BEGIN;', @stmts, 'COMMIT;') if $explicit;
	my $kinds = join(' + ', map { $_->{kind} } @ops);
	my $harmless = !grep { !$_->{harmless} } @ops;
	# valid rows with NULLs and SET NOT NULL, judged on the state before
	# both, do not go together
	$harmless = 0 if (grep { $_->{set_not_null} } @ops) && (grep { $_->{insert_nulls} } @ops);
	my %allowed = ('2BP01' => 1);
	$allowed{$_} = 1 foreach map { @{ $_->{allowed} } } @ops;
	if (@ops > 1)
	{
		# one operation of a block can trip over another: a label renamed
		# before a row uses it, a unique index or NOT NULL before the rows
		$allowed{$_} = 1 foreach ('22P02', '55P04', '22023', '23502', '23505', '42P16', '42704');
	}

	$S->{counts}{ops} += @ops;
	$S->{counts}{transactions}++;
	my $r = run_tx($tx->{who}, \@stmts);
	my $outcome = $r->{committed} ? 'committed' : "refused $r->{sqlstate}";
	logsql($S, $tx->{who}, \@stmts, "$kinds" . ($harmless ? ' (harmless)' : '') . " -> $outcome");
	if ($r->{committed})
	{
		$S->{enum} = $_->{new_enum} foreach grep { $_->{new_enum} } @ops;
	}
	my $after = get_state($S);

	my $tally = $by_kind{ @ops > 1 && !$ops[0]{block} ? 'block of 2-3' : $kinds } //= [ 0, 0, 0 ];
	if ($r->{committed})
	{
		$tally->[0]++;
		$S->{counts}{committed}++;
		$S->{counts}{harmless}++ if $harmless;
		$S->{contract} = $ops[0]{doc} if $ops[0]{doc};
		if ($r->{stderr} =~ /breaks the data contract/)
		{
			fail_scenario($S, "$kinds committed with a contract warning while enforcement is on:\n$r->{stderr}");
		}
	}
	else
	{
		if ($r->{sqlstate} eq '2BP01' && $r->{stderr} =~ /would break the data contract/)
		{
			$tally->[1]++;
			$S->{counts}{refused_contract}++;
		}
		else
		{
			$tally->[2]++;
			$S->{counts}{refused_other}++;
		}
		if ($harmless)
		{
			fail_scenario($S, "harmless $kinds was refused ($r->{sqlstate}):\n$r->{stderr}");
		}
		elsif (!$allowed{ $r->{sqlstate} })
		{
			fail_scenario($S, "$kinds failed with unexpected SQLSTATE $r->{sqlstate}:\n$r->{stderr}");
		}
		if (join("\n", @{ $st->{lines} }) ne join("\n", @{ $after->{lines} }))
		{
			fail_scenario($S, "$kinds was refused but changed something:\n"
				  . diff_lines($st->{lines}, $after->{lines}));
		}
	}
	if (($after->{versions} // 0) < ($st->{versions} // 0) || !$after->{versions})
	{
		fail_scenario($S, "after $kinds ($outcome) the product lost contract versions: "
			  . ($st->{versions} // 0) . ' before, ' . ($after->{versions} // 0) . ' after');
	}
	if (@{ $after->{problems} })
	{
		fail_scenario($S, "after $kinds ($outcome) the product breaks its contract:\n"
			  . join("\n", @{ $after->{problems} }));
	}
	# the promise of every mode but NONE: the consumer role reads the
	# product (README, "What DDL is held to": O3)
	if ($r->{committed} && $S->{mode} ne 'NONE')
	{
		my $err = consumer_read_error($S);
		fail_scenario($S, "after $kinds ($outcome) a consumer cannot read the product:\n$err")
		  if $err ne '';
	}
	return $after;
}

sub diff_lines
{
	my ($a, $b) = @_;
	my %in_a = map { $_ => 1 } @$a;
	my %in_b = map { $_ => 1 } @$b;
	return join("\n", (map { "- $_" } grep { !$in_b{$_} } @$a),
		(map { "+ $_" } grep { !$in_a{$_} } @$b));
}

# A superuser commits a breaking change with datamesh.enforce off: it must
# commit with a WARNING and contract_event rows exactly when the product
# then breaks its contract.  Then it is undone (which must commit), or
# left, and the scenario ends.
sub enforce_off_break
{
	my ($S, $st) = @_;
	my @choices;
	foreach my $kind ('revoke', 'unset_pii', 'drop_not_null', 'drop_pkey', 'drop_unique',
		'enum_add', 'enum_rename')
	{
		my $op = gen_op($S, $st, $kind);
		push @choices, $op if $op;
	}
	return 0 unless @choices;
	my $op = pick(@choices);
	my @stmts = ('BEGIN;', 'SET LOCAL datamesh.enforce = off;', @{ $op->{stmts} }, 'COMMIT;');
	$S->{counts}{ops}++;
	$S->{counts}{transactions}++;
	$total{enforce_off}++;
	my $r = run_tx('su', \@stmts);
	logsql($S, 'su', \@stmts, "$op->{kind} with enforcement off -> "
		  . ($r->{committed} ? 'committed' : "refused $r->{sqlstate}"));
	my $after = get_state($S);
	if (!$r->{committed})
	{
		$S->{counts}{refused_other}++;
		fail_scenario($S, "$op->{kind} with enforcement off failed ($r->{sqlstate}):\n$r->{stderr}")
		  unless grep { $_ eq $r->{sqlstate} } @{ $op->{allowed} };
		return 1;
	}
	$S->{counts}{committed}++;
	my $warned = $r->{stderr} =~ /WARNING:  (?:01000: )?committing a change that breaks the data contract of product \Q$S->{product}\E/;
	my $events = $after->{events} - $st->{events};
	my $problems = scalar @{ $after->{problems} };
	if ($warned != ($problems > 0) || $warned != ($events > 0))
	{
		fail_scenario($S, "$op->{kind} with enforcement off: warning "
			  . ($warned ? 'given' : 'not given') . ", $events new contract_event rows, "
			  . "$problems contract problems:\n$r->{stderr}\n" . join("\n", @{ $after->{problems} }));
		return 1;
	}
	return 1 unless $warned;
	$total{enforce_off_broke}++;

	# undo it, or leave it broken
	my %undo = (
		revoke => sub { "GRANT SELECT ON $S->{product} TO PUBLIC;" },
		unset_pii => sub {
			my ($obj, $col) = $op->{stmts}[0] =~ /unset_pii\('([^']+)', '([^']+)'\)/;
			my ($l) = grep { $_->{object} eq $obj && $_->{col} eq $col } @{ $st->{pii} };
			"SELECT datamesh.set_pii('$obj', '$col', '$l->{strategy}');";
		},
		drop_not_null => sub {
			my ($col) = $op->{stmts}[0] =~ /ALTER COLUMN (\w+) DROP/;
			"ALTER TABLE $S->{raw}.t ALTER COLUMN $col SET NOT NULL;";
		},
		drop_pkey => sub {
			my ($i) = grep { $_->{primary} } @{ $st->{indexes} };
			"ALTER TABLE $S->{raw}.t ADD CONSTRAINT $i->{name} PRIMARY KEY ($i->{cols});";
		},
		drop_unique => sub {
			my ($name) = $op->{stmts}[0] =~ /DROP INDEX \w+\.(\w+)/;
			my ($i) = grep { $_->{name} eq $name } @{ $st->{indexes} };
			"CREATE UNIQUE INDEX $name ON $S->{raw}.t ($i->{cols});";
		},
		enum_rename => sub {
			my ($from, $to) = $op->{stmts}[0] =~ /RENAME VALUE '(\w+)' TO '(\w+)'/;
			"ALTER TYPE $S->{enum} RENAME VALUE '$to' TO '$from';";
		},
	);
	if ($undo{ $op->{kind} } && chance(0.5))
	{
		my $undo = { kind => "undo $op->{kind}", stmts => [ $undo{ $op->{kind} }->() ],
			allowed => [], harmless => 1 };
		$total{restored}++;
		run_op_tx($S, $after, { who => 'alice', ops => [$undo] });
		return 1;
	}
	$S->{broken} = 1;
	$broken{ $S->{product} } = 1;
	return 1;
}

# ------------------------------------------------------------------------
# the run
# ------------------------------------------------------------------------

foreach my $n (@run)
{
	my $S = new_scenario($n);
	eval { run_scenario($S); 1 } or fail_scenario($S, "error: $@");
	$total{scenarios}++;
	$total{$_} += $S->{counts}{$_} foreach keys %{ $S->{counts} };
	my $ok = ok(!@{ $S->{failures} },
		"scenario $n (mode $S->{mode}, $S->{counts}{transactions} transactions: "
		  . "$S->{counts}{committed} committed, $S->{counts}{refused_contract} refused by contract, "
		  . "$S->{counts}{refused_other} refused otherwise)");
	if (!$ok)
	{
		diag("replay: DM_SEED=$seed DM_ONLY=$n (scenario seed $scenario_seeds[$n - 1])");
		diag($_) foreach @{ $S->{failures} };
		diag("SQL of scenario $n so far:\n" . join("\n", @{ $S->{log} }));
	}
}

# verify() of the whole mesh: only the products broken on purpose
my %reported;
my @lines = eval { su_lines("SELECT object || '|' || problem FROM datamesh.verify()") };
ok(!$@, 'verify() runs') or diag($@);
foreach my $l (@lines)
{
	my ($object) = split /\|/, $l;
	$reported{$object} = 1;
}
is_deeply([ sort keys %reported ], [ sort keys %broken ],
	'verify() reports exactly the products broken with enforcement off')
  or diag(join("\n", @lines));

# the guard neither lets everything through nor refuses everything
ok($total{committed} > 0 && $total{refused_contract} > 0,
	'some transactions committed, some were refused by a contract')
  unless defined $only;

diag(sprintf('seed %s: %d scenarios, %d operations in %d transactions: %d committed '
	  . '(%d harmless), %d refused by contract, %d refused otherwise; with enforcement off '
	  . '%d changes, %d of them breaking (%d undone); %.1f s',
	$seed, $total{scenarios}, $total{ops}, $total{transactions}, $total{committed},
	$total{harmless}, $total{refused_contract}, $total{refused_other}, $total{enforce_off},
	$total{enforce_off_broke}, $total{restored}, time - $started));

note("by operation (committed / refused by contract / refused otherwise):\n"
	  . join("\n", map { sprintf('%-40s %4d %4d %4d', $_, @{ $by_kind{$_} }) } sort keys %by_kind));

$su->quit;
$alice->quit;
$node->stop;
done_testing();
