#!/bin/bash
# Runs every test suite of datamesh on a fresh Debian 12 machine, as root or
# with sudo: installs what is missing, builds and installs the extension,
# runs pg_regress and the isolation specs in a throw-away cluster
# (pg_virtualenv), runs the TAP tests as a non-root user (initdb refuses
# root), and ends with one line "N passed, M failed" over all suites.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
. test/setup-debian.sh

passed=0
failed=0
log=$(mktemp -d)

count_regress() {
    # pg_regress (PostgreSQL 15) prints one "test NAME ... ok|FAILED" line per test
    local out=$1 ok bad
    ok=$(grep -cE '^(test| ) *[A-Za-z0-9_]+ +\.\.\. (ok|ignored)' "$out")
    bad=$(grep -cE '^(test| ) *[A-Za-z0-9_]+ +\.\.\. .*(FAILED|failed)' "$out")
    passed=$((passed + ok))
    failed=$((failed + bad))
    echo "$2: $ok passed, $bad failed"
}

echo "== build"
if ! { make -s clean && make -s && $SUDO make -s install; } >"$log/build" 2>&1; then
    cat "$log/build"
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi
grep -E 'warning|error' "$log/build" || true

run_suite() {
    # $1: name, $2: diffs file, rest: make arguments
    local name=$1 diffs=$2 rc
    shift 2
    echo "== $name (pg_virtualenv make installcheck $*)"
    pg_virtualenv -t make installcheck "$@" >"$log/$name" 2>&1
    rc=$?
    grep -E '^(test| ) *[A-Za-z0-9_]+ +\.\.\. ' "$log/$name"
    count_regress "$log/$name" "$name"
    if [ $rc -ne 0 ]; then
        [ -f "$diffs" ] && { echo "---- $diffs"; cat "$diffs"; }
        # a failure before any test ran (server, build) still counts
        grep -qE '\.\.\. ' "$log/$name" || { tail -30 "$log/$name"; failed=$((failed + 1)); }
    fi
}
run_suite pg_regress regression.diffs ISOLATION=
run_suite isolation output_iso/regression.diffs REGRESS=

# every regression file also passes alone, in a cluster of its own
echo "== pg_regress, each file alone"
alone_ok=0
alone_bad=0
for t in $(make -s print-regress); do
    case $t in setup|cleanup) continue ;; esac
    if pg_virtualenv -t make installcheck REGRESS="$t" ISOLATION= >"$log/alone" 2>&1 &&
        grep -qE "^(test| ) *$t +\.\.\. ok" "$log/alone"; then
        alone_ok=$((alone_ok + 1))
    else
        alone_bad=$((alone_bad + 1))
        echo "$t alone: FAILED"
        [ -f regression.diffs ] && head -40 regression.diffs
    fi
done
passed=$((passed + alone_ok))
failed=$((failed + alone_bad))
echo "each file alone: $alone_ok passed, $alone_bad failed"

echo "== TAP (prove)"
if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses root: run in a copy owned by postgres
    tapdir=$(mktemp -d)
    cp -a "$top/." "$tapdir/"
    chown -R postgres "$tapdir"
    (cd "$tapdir" && runuser -u postgres -- make tap) >"$log/tap" 2>&1
    rm -rf "$tapdir"
else
    make tap >"$log/tap" 2>&1
fi
cat "$log/tap" | grep -vE '^(echo|\+\+\+)' | tail -40
tests=$(sed -nE 's/^Files=[0-9]+, Tests=([0-9]+),.*/\1/p' "$log/tap")
tests=${tests:-0}
if grep -q '^Result: PASS' "$log/tap"; then
    passed=$((passed + tests))
else
    bad=$(sed -nE 's/.*Failed ([0-9]+)\/[0-9]+ subtests.*/\1/p' "$log/tap" | awk '{ s += $1 } END { print s + 0 }')
    bad=${bad:-0}
    [ "$bad" -gt 0 ] || bad=1
    passed=$((passed + tests - bad))
    [ $passed -ge 0 ] || passed=0
    failed=$((failed + bad))
fi

rm -rf "$log"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
