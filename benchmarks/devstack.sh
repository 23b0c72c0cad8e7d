#!/usr/bin/env bash
# Start-up time and memory of the local platform (benchmarks/run.sh devstack): builds devstack as the README says,
# starts it as a newcomer would (fully embedded infrastructure: the MERIDIAN_* variables are cleared), records how
# long until "platform up" and each process's resident memory (RSS, from /proc) when up and again after the
# walkthrough ran, then stops it. The first run after a build trains the services' AOT caches (devstack's
# StartupCache); when none is there yet, one such run goes first and is recorded apart, then the measured run starts
# from the caches as every later run does. Writes benchmarks/results/devstack.md.
#   DEVSTACK_BUILD=no   skip the build (the jars are fresh); MAVEN_ARGS (Maven's own) e.g. -Dmaven.repo.local=...
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
unset MERIDIAN_POSTGRES_URL MERIDIAN_REDIS_URL MERIDIAN_KAFKA_BOOTSTRAP_SERVERS MERIDIAN_SMTP_URL
export MERIDIAN_DOCKER=false
result=benchmarks/results/devstack.md
log=$(mktemp)

build_seconds=skipped
if [ "${DEVSTACK_BUILD:-yes}" != no ]; then
  build_started=$(date +%s)
  ./mvnw -q -B -pl devstack -am package -DskipTests -Djacoco.skip -Dspotless.check.skip
  build_seconds="$(( $(date +%s) - build_started )) s"
fi

devstack=
trap '[ -n "$devstack" ] && kill $devstack 2>/dev/null; wait 2>/dev/null || true; rm -f "$log"' EXIT
start_devstack() {
  "$JAVA_HOME/bin/java" -jar devstack/target/devstack.jar >"$log" 2>&1 &
  devstack=$!
  until grep -q "platform up in" "$log"; do
    kill -0 $devstack 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 1
  done
}
stop_devstack() { kill $devstack; wait $devstack || true; devstack=; }

training="(caches were already trained)"
if ! ls ./*-service/target/devstack-aot/*.aot >/dev/null 2>&1; then
  start_devstack
  training="$(sed -n 's/.*platform up in \([0-9]*\) s.*/\1/p' "$log") s"
  stop_started=$(date +%s)
  stop_devstack
  training="$training, then $(( $(date +%s) - stop_started )) s to stop while writing the caches"
fi
start_devstack
lines_before_up=$(( $(grep -n -m1 'Meridian is up' "$log" | cut -d: -f1) - 1 ))
up_seconds=$(sed -n 's/.*platform up in \([0-9]*\) s.*/\1/p' "$log")
# "devstack: <name, padded to 24> <detail> (<seconds> s)" or "... ready on :port in <seconds> s (log ...)"
components=$(grep '^devstack: ' "$log" | sed 's/^devstack: //' | grep -v '^logs in\|platform up' \
  | sed -E 's/^(.{24}).*[ (]([0-9.]+) s(\)| \(.*\))?$/| \1 | \2 |/; s/ +\|/ |/')

# name → RSS in MB: each JVM by the jar it runs, embedded PostgreSQL and Redis summed over their processes.
memory() {
  local pid name rss
  declare -A total=()
  local postmaster
  postmaster=$(pgrep -f 'embedded-pg.*/bin/postgres' || true)
  for pid in $(pgrep -f 'devstack.jar|\.jar$|zipkin-server.jar|redis-server' || true) $postmaster \
    $([ -n "$postmaster" ] && pgrep -P "$postmaster"); do
    [ -r /proc/$pid/status ] || continue
    args=$(tr '\0' ' ' </proc/$pid/cmdline)
    case "$args" in
      *devstack.jar*) name="devstack (Kafka broker, mailbox, trace relay)" ;;
      *zipkin-server.jar*) name="Zipkin" ;;
      *-0.1.0-SNAPSHOT.jar*) name=$(sed -E 's#.*/([a-z-]+)-0\.1\.0-SNAPSHOT\.jar.*#\1#' <<<"$args") ;;
      *postgres*) name="PostgreSQL (all processes)" ;;
      *redis-server*) name="Redis" ;;
      *) continue ;;
    esac
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    total[$name]=$(( ${total[$name]:-0} + ${rss:-0} ))
  done
  for name in "${!total[@]}"; do printf '%s\t%d\n' "$name" $(( total[$name] / 1024 )); done | sort
}
sleep 5
at_up=$(memory)
bash devstack/walkthrough.sh >/dev/null
sleep 2
after=$(memory)

{
  echo "# devstack: start-up time and memory"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) by \`benchmarks/run.sh devstack\` on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB,"
  echo "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1). Fully embedded infrastructure (no MERIDIAN_* variables)."
  echo
  echo "Build (\`./mvnw -q -pl devstack -am package -DskipTests\`, warm Maven repository): ${build_seconds}."
  echo "First run after the build (trains the AOT caches): up in ${training}."
  echo "**Platform up in ${up_seconds} s** (the jar started → last service ready, from the caches; target: 45 s)."
  echo "Console: ${lines_before_up} lines before \"Meridian is up\"."
  echo
  echo "| component | ready after (s, its own start) |"
  echo "|---|---|"
  echo "$components"
  echo
  echo "| process | RSS when up (MB) | RSS after the walkthrough (MB) |"
  echo "|---|---|---|"
  join -t $'\t' <(echo "$at_up") <(echo "$after") | awk -F'\t' '{printf "| %s | %s | %s |\n", $1, $2, $3; up+=$2; after+=$3} END {printf "| **total** | **%d** | **%d** |\n", up, after}'
  echo
  echo "Services run with devstack's small-JVM options (\`-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1\`) and"
  echo "their AOT cache (\`-XX:AOTCache\`), started side by side after the infrastructure and the registry;"
  echo "Zipkin with \`-Xmx256m\`. PostgreSQL's RSS counts its shared buffers once per process that touched them, so"
  echo "its total overstates what it uses."
} >"$result"
cat "$result"
