#!/bin/bash
# Installs what datamesh needs to build and test on Debian 12, if missing.
# Sourced by test/run-all.sh and test/demo.sh; sets SUDO for the caller.
# Needs root or sudo.

if [ "$(id -u)" -eq 0 ]; then
    SUDO=
else
    SUDO=sudo
fi

dm_packages="postgresql-15 postgresql-server-dev-15 postgresql-contrib
    libjansson-dev libipc-run-perl python3-jsonschema pkg-config make gcc"
dm_missing=
for p in $dm_packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        dm_missing="$dm_missing $p"
done
if [ -n "$dm_missing" ]; then
    echo "installing:$dm_missing"
    $SUDO apt-get update -qq &&
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $dm_missing >/dev/null ||
        { echo "could not install:$dm_missing" >&2; exit 1; }
fi
