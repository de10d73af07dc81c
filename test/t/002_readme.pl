# Every ```sql block of README.md runs, in order, in one fresh database, as
# printed.  A block raises no error unless it says so: the lines
# "-- ERROR:  ...", "-- DETAIL:  ..." and "-- HINT:  ..." after a statement are
# the messages it must raise, in that order.  Other comment lines that look
# like psql's output ("--  col", "-- ---", "-- (n rows)") must appear in what
# psql prints, in order; a line that ends in "(example...)" shows an example
# value and is compared up to the value only.  As in psql by default, a
# block goes on after an error.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $readme = slurp_file('README.md');
my @blocks;
while ($readme =~ /^```sql\n(.*?)^```/msg)
{
	push @blocks, $1;
}
ok(@blocks >= 5, 'README.md has sql blocks');

my $node = PostgreSQL::Test::Cluster->new('readme');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE readme');

# trims and squeezes blanks, so that psql's padding does not matter
sub norm
{
	my ($line) = @_;
	$line =~ s/\s+/ /g;
	$line =~ s/^ | $//g;
	return $line;
}

my $n = 0;
foreach my $block (@blocks)
{
	$n++;
	my (@errors, @outputs);
	foreach my $line (split /\n/, $block)
	{
		if ($line =~ /^-- ((?:ERROR|DETAIL|HINT):  .*)$/)
		{
			push @errors, $1;
		}
		elsif ($line =~ /^-- ( .*|-+\+?.*|\(\d+ rows?\))$/ && $line !~ /^-- \.\.\./)
		{
			my $out = $1;
			$out =~ s/\s*\(example[^)]*\)\s*$//;
			# an example value: compare what comes before it
			if ($line =~ /\(example/)
			{
				my @cells = split /\|/, $out;
				pop @cells;
				$out = join('|', @cells);
			}
			push @outputs, norm($out);
		}
	}

	my ($ret, $stdout, $stderr) = $node->psql('readme', $block, on_error_stop => 0,
		extra_params => [ '-P', 'format=aligned', '-P', 'tuples_only=off', '-P', 'footer=on' ]);
	my @got_errors = map { s/^psql:<stdin>:\d+: //r } grep { /^(psql:<stdin>:\d+: )?(ERROR|DETAIL|HINT):/ } split /\n/, $stderr;
	if (@errors)
	{
		is_deeply(\@got_errors, \@errors, "block $n raises the errors it shows");
	}
	else
	{
		is(scalar(@got_errors), 0, "block $n runs without error")
		  or diag($stderr);
	}

	# the printed outputs appear in order
	my @lines = map { norm($_) } split /\n/, $stdout;
	my $pos = 0;
	my $missing;
	foreach my $want (@outputs)
	{
		my $found = 0;
		while ($pos < @lines)
		{
			my $have = $lines[ $pos++ ];
			if (index($have, $want) == 0)
			{
				$found = 1;
				last;
			}
		}
		if (!$found)
		{
			$missing = $want;
			last;
		}
	}
	ok(!defined $missing, "block $n prints what it shows")
	  or diag("missing: $missing\n---\n$stdout");
}

$node->stop;
done_testing();
