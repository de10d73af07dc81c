# Sourced by the benchmarks: builds and installs the extension, then runs
# the calling script again inside a throw-away cluster (pg_virtualenv) whose
# data directory lives in /dev/shm when it can (on disk, file creation and
# removal drift the numbers by a factor of two over a few minutes).  The
# arguments are the server options (-o name=value ...).  Inside the
# cluster (DM_BENCH_INNER set) it does nothing.
if [ -z "${DM_BENCH_INNER:-}" ]; then
    make -s
    if [ "$(id -u)" -eq 0 ]; then make -s install; else sudo make -s install; fi
    datadir=
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        datadir=$(mktemp -u /dev/shm/datamesh-bench.XXXXXX)
    fi
    exec env DM_BENCH_INNER=1 pg_virtualenv ${datadir:+-c "-d $datadir"} "$@" bash "$0"
fi
