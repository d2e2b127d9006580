#!/usr/bin/env bash
# Checks that the storage tests' PostgreSQL starts where a new user's clone may be:
#  - as root, in a folder only root can enter (as /root is), with no DATABASE_URL: embedded-postgres
#    runs initdb and postgres as the `postgres` user, which cannot reach anything in there;
#  - as an ordinary user (nobody), in a clone of their own.
# Both clones have nothing beside them (no ../shared). Run by .ci/run; needs root to switch users.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
check() { # <clone> — runs the PostgreSQL smoke test there, as whoever calls it
  cd "$1" && env -u DATABASE_URL -u CI -u CCHECK_CORPUS node node_modules/vitest/vitest.mjs run test/setup/postgres.test.ts
}
if [ "$(id -u)" != 0 ]; then
  echo "check-private-clone: not root; checking a clone as $(id -un) only"
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
  git clone -q "$repo" "$dir/ccheck"
  mkdir "$dir/ccheck/node_modules"
  for p in "$repo"/node_modules/* "$repo"/node_modules/.bin; do ln -s "$p" "$dir/ccheck/node_modules/"; done
  (check "$dir/ccheck")
  exit 0
fi

private="$(mktemp -d /root/ccheck-private-XXXXXX)"
public="$(mktemp -d)"
trap 'rm -rf "$private" "$public"' EXIT
chmod 700 "$private" # only root may enter, as /root itself
echo "check-private-clone: as root in $private (mode 700), no DATABASE_URL"
git clone -q "$repo" "$private/ccheck"
cp -al "$repo/node_modules" "$private/ccheck/node_modules" # hard links: no copy of 400 MB
(check "$private/ccheck")

echo "check-private-clone: as the ordinary user nobody, no DATABASE_URL"
git clone -q "$repo" "$public/ccheck"
# Its own node_modules folder (vite writes its temporary files there) of links to the packages.
mkdir "$public/ccheck/node_modules"
for p in "$repo"/node_modules/* "$repo"/node_modules/.bin; do ln -s "$p" "$public/ccheck/node_modules/"; done
chown -R nobody "$public"
chmod 755 "$public"
runuser -u nobody -- env HOME="$public" TMPDIR="$public" bash -c "$(declare -f check); check '$public/ccheck'"
