#!/usr/bin/env bash
# As in Kafka's distribution: the broker's API versions, or a non-zero exit when it does not answer.
exec java -Xmx128m -XX:TieredStopAtLevel=1 -Xshare:auto -cp '/opt/kafka/libs/*' \
  org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
