#!/bin/bash
# The datamesh demo: on a fresh Debian 12 machine (root or sudo), installs
# what is missing, builds and installs the extension, starts a throw-away
# cluster with pg_virtualenv and walks through a small mesh (test/demo.sql),
# showing the errors a team meets when it breaks the layout.
set -eu
cd "$(dirname "$0")/.."
. test/setup-debian.sh
make -s
$SUDO make -s install
pg_virtualenv -t psql -X -q -v ON_ERROR_STOP=0 --echo-queries -f test/demo.sql
