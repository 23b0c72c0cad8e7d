#!/usr/bin/env bash
# user-service load benchmark: builds the jars, then runs UserServiceBenchmark (see README.md).
# Uses this machine's PostgreSQL and Redis when they answer (else embedded ones), Kafka as a local process,
# and wrk (Debian package `wrk`) as the load generator.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
answers 127.0.0.1 5432 && export MERIDIAN_POSTGRES_URL=${MERIDIAN_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}
answers 127.0.0.1 6379 && export MERIDIAN_REDIS_URL=${MERIDIAN_REDIS_URL:-redis://127.0.0.1:6379}
export MERIDIAN_DOCKER=${MERIDIAN_DOCKER:-false}

./mvnw -q -B package -DskipTests -Djacoco.skip -Dspotless.check.skip -pl benchmarks,user-service -am
./mvnw -q -B -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
"$JAVA_HOME/bin/java" -Dmeridian.root="$PWD" \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.meridian.benchmarks.UserServiceBenchmark benchmarks/results
