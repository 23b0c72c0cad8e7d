#!/usr/bin/env bash
# KAFKA_* -> server.properties (after the apache/kafka image: "_" is ".", "__" is "_", "___" is "-"), format the log
# directory with CLUSTER_ID when it is empty, then run the broker in the foreground (it stops on SIGTERM).
set -euo pipefail
config=/opt/kafka/config/server.properties
: > "$config"
while IFS='=' read -r name value; do
  case $name in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS) continue ;;
    KAFKA_*)
      key=${name#KAFKA_}; key=${key,,}; key=${key//___/-}; key=${key//__/@}; key=${key//_/.}; key=${key//@/_}
      printf '%s=%s\n' "$key" "$value" >> "$config" ;;
  esac
done < <(env)
logs=$(sed -n 's/^log\.dirs=//p' "$config"); logs=${logs:-/var/lib/kafka/data}
if [[ ! -f $logs/meta.properties ]]; then
  : "${CLUSTER_ID:?CLUSTER_ID is required to format an empty log directory}"
  java -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format --ignore-formatted -t "$CLUSTER_ID" -c "$config"
fi
# shellcheck disable=SC2086 # the options are word lists
exec java ${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20} \
  ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*' kafka.Kafka "$config"
