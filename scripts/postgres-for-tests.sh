#!/usr/bin/env bash
# Start a real PostgreSQL server for the tests (Debian's package) and print its URL.
# Idempotent: installs the server if missing, starts the cluster, creates a role and a
# database for the tests. Everything but the URL goes to stderr.
set -euo pipefail
exec 3>&1 1>&2
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 3>&- 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='openballot'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE openballot LOGIN PASSWORD 'openballot' CREATEDB\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='openballot_test'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE DATABASE openballot_test OWNER openballot\""
echo "postgresql+psycopg://openballot:openballot@127.0.0.1:5432/openballot_test" >&3
