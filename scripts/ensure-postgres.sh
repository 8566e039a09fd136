#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for the @aimux/store-postgres tests, and that their
# database exists. With AIMUX_TEST_POSTGRES_URL set, it only checks that server. Otherwise it
# uses the local server on 127.0.0.1:5432: started from the existing Debian cluster when it is
# down, installed from Debian's package when PostgreSQL is not installed at all. Prints one line
# saying what it did; exits non-zero with the reason when PostgreSQL cannot be brought up.
set -uo pipefail

database=aimux_test
did=()

fail() {
  echo "ensure-postgres: $*" >&2
  exit 1
}

if [ -n "${AIMUX_TEST_POSTGRES_URL:-}" ]; then
  command -v pg_isready >/dev/null || fail "pg_isready not found, cannot check AIMUX_TEST_POSTGRES_URL"
  pg_isready -q -d "$AIMUX_TEST_POSTGRES_URL" -t 10 ||
    fail "no PostgreSQL server answers at AIMUX_TEST_POSTGRES_URL"
  echo "postgres: the server at AIMUX_TEST_POSTGRES_URL answers"
  exit 0
fi

answers() { pg_isready -q -h 127.0.0.1 -p 5432 -t 2; }

# Runs a command as the postgres superuser: through the local socket as the postgres system user
# when this script runs as root (peer authentication), else over TCP as the postgres role.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@" -h 127.0.0.1 -U postgres
  fi
}

if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  [ "$(id -u)" = 0 ] || fail "PostgreSQL is not installed, and installing it needs root"
  command -v apt-get >/dev/null || fail "PostgreSQL is not installed, and there is no apt-get to install it"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/dev/null ||
    fail "apt-get install postgresql failed"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  # A new cluster asks for a password over TCP: let the postgres role reach the test database
  # from this machine without one, as the tests connect.
  hba=/etc/postgresql/$version/main/pg_hba.conf
  sed -i "1i host $database postgres 127.0.0.1/32 trust" "$hba" || fail "cannot edit $hba"
  # The package may have started the cluster already: make it read the new line.
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload >/dev/null 2>&1
  did+=("installed PostgreSQL $version")
fi

if ! answers; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
    fail "cannot start the PostgreSQL $version cluster 'main'"
  did+=("started the $version cluster")
fi

for _ in $(seq 1 30); do
  answers && break
  sleep 1
done
answers || fail "PostgreSQL did not answer on 127.0.0.1:5432 within 30 seconds"

exists=$(as_postgres psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'") ||
  fail "cannot connect to PostgreSQL as the postgres role"
if [ "$exists" != 1 ]; then
  as_postgres createdb "$database" || fail "cannot create the database $database"
  did+=("created the database $database")
fi

if [ ${#did[@]} -eq 0 ]; then
  echo "postgres: already running on 127.0.0.1:5432, database $database present"
else
  summary=$(printf '%s, ' "${did[@]}")
  echo "postgres: ${summary%, }; running on 127.0.0.1:5432"
fi
