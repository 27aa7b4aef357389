#!/usr/bin/env bash
# Issue 13's "fresh container (Node.js and npm only, no Chromium package)" run, approximated on this
# machine: a clean clone of main, `npm install` (which must compile better-sqlite3 with python3/make/g++
# here because GitHub's prebuilt binary is unreachable; on a machine with internet it downloads it), then
# python3, Chromium, PostgreSQL and etcd hidden from the tests, CI unset, and `npm test`.
# Run as root: unshare -m --propagation private bash scripts/node-only-run.sh > /tmp/nodeonly.log 2>&1
# It clones what is committed (not the working tree) to /tmp/nodeonly; the mounts end with the namespace.
set -uo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$(cd "$REPO/../shared" && pwd)"
rm -rf /tmp/nodeonly
# Tests read the public test data at ../shared/testdata beside the checkout, as CI lays it out.
ln -sfn "$SHARED" /tmp/shared
git clone -q "$REPO" /tmp/nodeonly
cd /tmp/nodeonly
git log --oneline -1
node --version; npm --version
npm install 2>&1 | tail -3
ls node_modules/better-sqlite3/build/Release/better_sqlite3.node
# Hide the programs: an empty dir over /usr/lib/postgresql, a copy of /usr/bin without them, and a PATH
# without pyenv's shims.
mount -t tmpfs tmpfs /usr/lib/postgresql
# The links point at a second mount of the real /usr/bin (a link to /usr/bin/x would point at itself).
mkdir -p /tmp/nodeonly-realbin /tmp/nodeonly-bin
mount --bind /usr/bin /tmp/nodeonly-realbin
rm -f /tmp/nodeonly-bin/*
for f in /usr/bin/*; do
  name="$(basename "$f")"
  case "$name" in
    chromium|chromedriver|python*|etcd|etcdctl|psql|pg_*|initdb|postgres) ;;
    *)
      # Resolve relative links (npm → ../lib/node_modules/…) now; a target inside /usr/bin is reached
      # through the second mount.
      target="$(readlink -f "$f")"
      case "$target" in /usr/bin/*) target="/tmp/nodeonly-realbin/${target#/usr/bin/}" ;; esac
      ln -sf "$target" "/tmp/nodeonly-bin/$name"
      ;;
  esac
done
mount --bind /tmp/nodeonly-bin /usr/bin
export PATH=/usr/local/bin:/usr/bin:/bin
unset CI
echo "hidden: $(command -v python3 || echo 'no python3') $(ls /usr/bin/chromium 2>&1 | head -1) $(ls /usr/lib/postgresql | wc -l) PG versions"
time npm test
echo "EXIT $?"
