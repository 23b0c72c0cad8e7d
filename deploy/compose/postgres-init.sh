#!/usr/bin/env bash
# Run once by the postgres image (/docker-entrypoint-initdb.d) on an empty data directory: one login role per
# service, each owning only its own database, with the password from the environment; nobody else may connect to
# it. The superuser (POSTGRES_USER) is for the operator, never for a service. Flyway creates the tables at start-up.
set -euo pipefail

database() { # <database> <role> <password>
  if [[ -z $3 ]]; then
    echo "postgres-init: no password for role $2 (see .env.example)" >&2
    exit 1
  fi
  # psql variables (:"name" quotes an identifier, :'value' a literal): a password is never spliced into SQL.
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v database="$1" -v role="$2" -v password="$3" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
}

database user_service user_service "${USER_SERVICE_DB_PASSWORD:-}"
database auth_service auth_service "${AUTH_SERVICE_DB_PASSWORD:-}"
database audit_service audit_service "${AUDIT_SERVICE_DB_PASSWORD:-}"
database notification_service notification_service "${NOTIFICATION_SERVICE_DB_PASSWORD:-}"
