#!/usr/bin/env bash
# The compose stack, run for real on a machine without a registry or Docker engine (as root, with podman):
#   1. builds the images (deploy/local/build-images.sh: Debian base, jlinked Java 25, infrastructure, the six
#      services from the jars the host's Maven built; unchanged inputs come from podman's image store),
#   2. starts docker-compose.yml + deploy/local/compose.local.yml with docker-compose against podman's
#      Docker-compatible API (`podman system service`), in its own project, on other host ports than the defaults,
#      with fresh secrets; compose itself starts each service once what it depends on is healthy,
#   3. waits for every healthcheck (and fails on any container that turns unhealthy, exits or is not healthy in time),
#   4. runs the walkthrough through the gateway: sign up, the verification mail's code, sign in (authorization code +
#      PKCE), the welcome mail, sign in as the first administrator from compose's secrets, her audit log,
#   5. prints the time to healthy and memory per container, and removes the stack and its volumes (on failure too).
# Usage: deploy/compose-smoke.sh [--no-build] [--keep]      (--keep: leave the stack running, say how to stop it)
# Needs: podman, runc, debootstrap, docker-compose, curl, openssl (Debian: apt-get install podman runc debootstrap
# docker-compose), the jars (./mvnw package), root. Environment: GATEWAY_PORT (18080), MERIDIAN_SMOKE_TIMEOUT (s, 420).
set -euo pipefail
# debootstrap, runc and chroot are in sbin, which a non-login root shell may leave off its PATH.
export PATH=$PATH:/usr/sbin:/sbin
cd "$(dirname "$0")/.."
ROOT=$PWD
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/deploy/local/containers.conf}
WORK=${MERIDIAN_LOCAL_WORK:-/var/tmp/meridian-local}
PROJECT=${MERIDIAN_SMOKE_PROJECT:-meridiansmoke}
TIMEOUT=${MERIDIAN_SMOKE_TIMEOUT:-420}
export GATEWAY_PORT=${GATEWAY_PORT:-18080} DISCOVERY_PORT=${DISCOVERY_PORT:-18761} MAILPIT_PORT=${MAILPIT_PORT:-18025}
export MERIDIAN_ISSUER=http://localhost:$GATEWAY_PORT
GATEWAY=http://localhost:$GATEWAY_PORT
# What the platform needs; Jaeger, Prometheus and Grafana have no image on this path (deploy/local/compose.local.yml).
SERVICES=(postgres redis kafka mailpit discovery-service user-service auth-service audit-service notification-service
  gateway-service)
build=true keep=false
for argument in "$@"; do
  case $argument in
    --no-build) build=false ;;
    --keep) keep=true ;;
    *) echo "usage: $0 [--no-build] [--keep]" >&2; exit 2 ;;
  esac
done

say() { echo "smoke: $*"; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
for tool in podman runc docker-compose curl openssl; do
  command -v "$tool" > /dev/null || fail "$tool is not installed (apt-get install podman runc debootstrap docker-compose)"
done
[[ $(id -u) == 0 ]] || fail "run as root (podman's networks and memory limits here need it)"
mkdir -p "$WORK"

total=$SECONDS
if $build; then
  deploy/local/build-images.sh
fi

# Fresh secrets, each made the way .env.example says; the first administrator's among them.
env_file=$WORK/smoke.env
hex() { openssl rand -hex 32; }
b64() { openssl rand -base64 32; }
ADMIN_EMAIL=admin@meridian.test
ADMIN_PASSWORD=$(openssl rand -base64 18)
cat > "$env_file" <<EOF
EUREKA_USERNAME=meridian
EUREKA_PASSWORD=$(hex)
MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY=$(b64)
MERIDIAN_AUDIT_DATA_KEYS_MASTER_KEY=$(b64)
NOTIFICATION_SERVICE_CLIENT_SECRET=$(hex)
POSTGRES_PASSWORD=$(b64)
USER_SERVICE_DB_PASSWORD=$(b64)
AUTH_SERVICE_DB_PASSWORD=$(b64)
AUDIT_SERVICE_DB_PASSWORD=$(b64)
NOTIFICATION_SERVICE_DB_PASSWORD=$(b64)
FIRST_ADMIN_EMAIL=$ADMIN_EMAIL
FIRST_ADMIN_PASSWORD=$ADMIN_PASSWORD
GRAFANA_ADMIN_PASSWORD=$(b64)
EOF
chmod 600 "$env_file"

# podman's Docker-compatible API for docker-compose, on a socket of this run's own.
socket=$WORK/podman-$$.sock
podman system service --time=0 "unix://$socket" > "$WORK/podman-service.log" 2>&1 &
service_pid=$!
export DOCKER_HOST=unix://$socket COMPOSE_HTTP_TIMEOUT=300
compose() { docker-compose -p "$PROJECT" --env-file "$env_file" -f docker-compose.yml -f deploy/local/compose.local.yml "$@"; }
health_pid=
cleanup() {
  local status=$?
  [[ -n $health_pid ]] && kill "$health_pid" 2> /dev/null || true
  if [[ $status != 0 ]]; then
    say "state at the failure (each container's whole log in $WORK/logs/):"
    podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '  {{.Names}} {{.Status}}' || true
    for name in $(podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}' 2> /dev/null); do
      state=$(podman inspect --format '{{.State.Health.Status}} {{.State.Status}}' "$name" 2> /dev/null || true)
      mkdir -p "$WORK/logs"
      podman logs "$name" > "$WORK/logs/$name.log" 2>&1 || true
      if [[ $state != healthy* ]]; then
        say "last lines of $name ($state):"
        tail -n 25 "$WORK/logs/$name.log" | sed 's/^/    /' | cut -c1-400 || true
      fi
    done
  fi
  if $keep && [[ $status == 0 ]]; then
    say "left running (project $PROJECT). Stop it with:"
    say "  DOCKER_HOST=$DOCKER_HOST docker-compose -p $PROJECT --env-file $env_file -f docker-compose.yml -f deploy/local/compose.local.yml down -v; kill $service_pid"
  else
    compose down -v --remove-orphans > "$WORK/compose-down.log" 2>&1 || true
    kill "$service_pid" 2> /dev/null || true
    rm -f "$socket"
  fi
  exit $status
}
trap cleanup EXIT
for _ in $(seq 50); do [[ -S $socket ]] && break; sleep 0.1; done
[[ -S $socket ]] || fail "podman system service did not open $socket"

# podman runs healthchecks from systemd timers; without systemd (containers, CI machines) nothing runs them, so this
# loop does: each container's check, every 2 s, as often as podman lets (`podman healthcheck run` keeps its state,
# start period and retries).
(
  while true; do
    for name in $(podman ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}' 2> /dev/null); do
      podman healthcheck run "$name" > /dev/null 2>&1 &
    done
    wait
    sleep 2
  done
) &
health_pid=$!

say "starting ${SERVICES[*]}"
started=$SECONDS
compose up -d --no-build "${SERVICES[@]}" > "$WORK/compose-up.log" 2>&1 &
up_pid=$!

# Every container healthy: the time each took from the start, and a failure as soon as one turns unhealthy or exits.
declare -A healthy_at=()
while ((${#healthy_at[@]} < ${#SERVICES[@]})); do
  ((SECONDS - started < TIMEOUT)) || fail "not healthy within $TIMEOUT s: $(printf '%s ' "${SERVICES[@]}") (healthy: ${!healthy_at[*]})"
  for service in "${SERVICES[@]}"; do
    [[ -n ${healthy_at[$service]:-} ]] && continue
    name=${PROJECT}_${service}_1
    state=$(podman inspect --format '{{.State.Health.Status}}/{{.State.Status}}/{{.RestartCount}}' "$name" 2> /dev/null || true)
    case $state in
      healthy/*) healthy_at[$service]=$((SECONDS - started)); say "$service healthy after ${healthy_at[$service]} s" ;;
      unhealthy/*) fail "$service is unhealthy" ;;
      */exited/* | */stopped/*) fail "$service exited" ;;
    esac
  done
  if ! kill -0 "$up_pid" 2> /dev/null && ! wait "$up_pid"; then
    cat "$WORK/compose-up.log" >&2
    fail "docker-compose up failed"
  fi
  sleep 1
done
up_in=$((SECONDS - started))
say "all ${#SERVICES[@]} containers healthy in $up_in s"

say "memory per container (limit):"
podman stats --no-stream --format '{{.Name}} {{.MemUsage}}' \
  | grep "^${PROJECT}_" | sed "s/^${PROJECT}_\(.*\)_1 /\1 /" | sort | awk '{printf "smoke:   %-22s %s\n", $1, substr($0, length($1) + 2)}'
for service in "${SERVICES[@]}"; do
  name=${PROJECT}_${service}_1
  if ! podman inspect --format "{{.RestartCount}}" "$name" | grep -qx 0; then
    # Why it stopped is in the log of its earlier run(s): podman keeps one log across a container's restarts.
    say "note: $service restarted; what its log says went wrong:"
    podman logs "$name" 2>&1 | grep -E 'ERROR|FAILED|Caused by|OutOfMemory|Exception:' | head -n 15 | cut -c1-400 \
      | sed 's/^/    /' || true
  fi
done

# The walkthrough, through the gateway's published port. Mail is read in the catcher's container over IMAP.
JSON='Content-Type: application/json'
mailbox=${PROJECT}_mailpit_1
mail() { # <address> <subject word>: the body of the newest mail to <address> whose subject has the word
  local n
  for _ in $(seq 30); do
    n=$(podman exec "$mailbox" curl -s -u "$1:x" "imap://127.0.0.1:1143/INBOX" -X "SEARCH SUBJECT \"$2\"" 2> /dev/null \
      | tr -d '\r' | sed -n 's/^\* SEARCH//p' | tr ' ' '\n' | grep . | tail -1 || true)
    if [[ -n $n ]]; then
      podman exec "$mailbox" curl -s -u "$1:x" "imap://127.0.0.1:1143/INBOX;MAILINDEX=$n" 2> /dev/null | tr -d '\r'
      return 0
    fi
    sleep 1
  done
  return 1
}
EMAIL=ada-$RANDOM$RANDOM@example.com
# Healthy is not yet reachable through the gateway, which finds user-service through Eureka (registry fetched every
# 30 s, its response cache 30 s): until the gateway has an instance, or while it holds only the one a restart replaced,
# it answers 503 — and nothing is created, so the sign-up is sent again, for up to two minutes. Any other answer ends it.
signup_started=$SECONDS
while true; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/api/users" -H "$JSON" \
    -d '{"email":"'"$EMAIL"'","name":"Ada Lovelace","password":"correct horse battery"}' || true)
  [[ $status == 503 ]] && (( SECONDS - signup_started < 120 )) || break
  sleep 5
done
[[ $status == 202 ]] || fail "sign-up answered $status"
say "signed up $EMAIL through the gateway (202, $(( SECONDS - signup_started )) s after the stack was healthy)"
verification=$(mail "$EMAIL" "address") || fail "no verification mail for $EMAIL in the catcher"
code=$(grep -v http <<< "$verification" | grep -oE '\b[0-9]{6}\b' | head -1 || true)
[[ -n $code ]] || fail "no code in the verification mail"
status=$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/api/users/email-verification" -H "$JSON" \
  -d '{"email":"'"$EMAIL"'","code":"'"$code"'"}' || true)
[[ $status == 2* ]] || fail "the address was not verified ($status)"
say "address verified with the mail's code ($status)"
# Healthy is not yet able to sign in: auth-service finds user-service through Eureka, whose registry it fetches every
# 30 s outside the dev profile (and the registry's response cache is 30 s too), so the first credentials check can
# find no user-service instance for up to a minute after both are healthy. The first sign-in is tried until it works
# or two minutes pass; how long it took is printed.
signin_started=$SECONDS
until token=$(MERIDIAN_URL=$GATEWAY devstack/sign-in.sh "$EMAIL" 'correct horse battery' 2> "$WORK/sign-in.err"); do
  if (( SECONDS - signin_started > 120 )); then
    cat "$WORK/sign-in.err" >&2
    fail "she could not sign in within 120 s of the stack being healthy"
  fi
  sleep 5
done
say "first sign-in possible $(( SECONDS - signin_started )) s after the stack was healthy"
me=$(curl -s "$GATEWAY/api/users/me" -H "Authorization: Bearer $token" || true)
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' <<< "$me")
[[ -n $id ]] || fail "GET /api/users/me: $me"
say "signed in as her (authorization code + PKCE): id $id"
welcome=$(mail "$EMAIL" "Welcome") || fail "no welcome mail for $EMAIL in the catcher"
say "welcome mail caught: $(grep -m1 '^Subject:' <<< "$welcome")"
admin=$(MERIDIAN_URL=$GATEWAY devstack/sign-in.sh "$ADMIN_EMAIL" "$ADMIN_PASSWORD") \
  || fail "the first administrator from compose's secrets could not sign in"
for _ in $(seq 30); do
  audit=$(curl -s -w ' %{http_code}' "$GATEWAY/api/audit/users/$id/events" -H "Authorization: Bearer $admin" || true)
  [[ $audit == *' 200' && $audit == *'"type"'* ]] && break
  sleep 1
done
[[ $audit == *' 200' && $audit == *'"type"'* ]] || fail "her audit log, read by the administrator: $audit"
say "her audit log, read by the first administrator: $(grep -o '"type":"[^"]*"' <<< "$audit" | sort -u | tr '\n' ' ')"
case $audit in *"correct horse"* | *"$code"*) fail "a password or code in the audit log" ;; esac

say "PASSED: ${#SERVICES[@]} containers healthy in $up_in s, walkthrough passed; $((SECONDS - total)) s in all"
