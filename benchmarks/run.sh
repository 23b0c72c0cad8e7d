#!/usr/bin/env bash
# Runs one benchmark harness (see README.md): builds the jars it needs, then the harness, which records its table
# under benchmarks/results/.
#   benchmarks/run.sh user-service   get-by-id and sign-up throughput and latency (needs wrk: apt-get install wrk)
#   benchmarks/run.sh consumers      audit and notification consumer throughput and publish-to-row lag
#   benchmarks/run.sh auth-service   client_credentials tokens/s and access-token validations/s
#   benchmarks/run.sh gateway        the same request direct, through nginx and through the gateway (wrk, nginx);
#                                    BENCH_OPTS=-Dbench.warm-up=true: a fresh gateway's first 20 s under full load,
#                                    with and without the JDK's AOT cache (gateway-warm-up.md)
#   benchmarks/run.sh devstack       the local platform's start-up time and each process's memory (devstack.sh)
#   benchmarks/run.sh faults         system-tests' fault scenario with long phases (30 s each, FAULTS_HOLD to change):
#                                    its table and chart to results/faults-long-run.{txt,png}; needs root (iptables)
# Uses this machine's PostgreSQL and Redis when they answer (else embedded ones) and Kafka as a local process.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  devstack) exec benchmarks/devstack.sh ;;
  faults) main=faults ;
    [ "$(id -u)" = 0 ] && command -v iptables >/dev/null \
      || { echo "faults needs root and iptables (its partition fault): apt-get install -y iptables" >&2; exit 1; } ;;
  user-service) main=UserServiceBenchmark; modules=user-service ;
    command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; } ;;
  consumers) main=ConsumerBenchmark; modules=audit-service,notification-service ;;
  auth-service) main=AuthServiceBenchmark; modules=auth-service ;;
  gateway) main=GatewayBenchmark; modules=user-service,gateway-service,benchmarks/plain-gateway ;
    for tool in wrk nginx; do
      command -v $tool >/dev/null || PATH=$PATH:/usr/sbin command -v $tool >/dev/null \
        || { echo "$tool is needed: apt-get install -y --no-install-recommends wrk nginx-light" >&2; exit 1; }
    done
    export PATH=$PATH:/usr/sbin ;;
  *) echo "usage: benchmarks/run.sh user-service|consumers|auth-service|gateway|devstack|faults" >&2; exit 2 ;;
esac
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
answers 127.0.0.1 5432 && export MERIDIAN_POSTGRES_URL=${MERIDIAN_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}
answers 127.0.0.1 6379 && export MERIDIAN_REDIS_URL=${MERIDIAN_REDIS_URL:-redis://127.0.0.1:6379}
export MERIDIAN_DOCKER=${MERIDIAN_DOCKER:-false}

if [ "$main" = faults ]; then
  # The same test as in CI (FaultScenarioIT starts its own PostgreSQL, Redis, Kafka and SMTP), with the issue's
  # phase lengths: about 20 minutes.
  exec ./mvnw -B verify -pl system-tests -am -Djacoco.skip -Dspotless.check.skip \
    -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=FaultScenarioIT -Dfailsafe.failIfNoSpecifiedTests=false -Dfaults=true \
    -Dfaults.hold="${FAULTS_HOLD:-30s}" -Dfaults.settle="${FAULTS_SETTLE:-20s}" \
    -Dfaults.report="$PWD/benchmarks/results/faults-long-run.txt" \
    -Dfaults.chart="$PWD/benchmarks/results/faults-long-run.png"
fi

# One reactor build: the harness's classpath then names the freshly built platform jars.
./mvnw -q -B package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
  -DskipTests -Djacoco.skip -Dspotless.check.skip -pl "benchmarks,$modules" -am
# BENCH_OPTS: harness options, e.g. -Dbench.backlog=2000 -Dbench.rate=100 (consumers).
"$JAVA_HOME/bin/java" -Dmeridian.root="$PWD" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_OPTS:-} \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  "dev.meridian.benchmarks.$main" benchmarks/results
