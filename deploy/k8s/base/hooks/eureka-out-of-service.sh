#!/bin/bash
# preStop hook: take this instance out of Eureka, then wait while the callers notice, before Kubernetes sends SIGTERM.
# Without it the instance stays UP in the registry until Spring deregisters it on SIGTERM, after the web server has
# stopped taking requests: callers route lb:// requests to a pod that refuses them.
#
# Usage: eureka-out-of-service.sh APP SECONDS. APP is spring.application.name (Eureka upper-cases it). Reads
# EUREKA_URL (comma-separated http://user:password@host:port/eureka/, as the service does) and
# EUREKA_INSTANCE_INSTANCEID (the pod's name, as the service registers it). Sets the instance's status to
# OUT_OF_SERVICE on each registry it can reach (an override the instance's own heartbeats do not undo; the registries
# replicate it to each other): clients list UP instances only. Then sleeps SECONDS, the time a caller may still hold
# the old list (docs/deployment.md, "Leaving Eureka"). A registry that cannot be reached is reported and skipped: the
# sleep still runs, and Spring still deregisters on SIGTERM.
# Only bash and coreutils: the runtime image has no curl.
set -u
app=${1:?usage: eureka-out-of-service.sh APP SECONDS}
seconds=${2:?usage: eureka-out-of-service.sh APP SECONDS}
id=${EUREKA_INSTANCE_INSTANCEID:?EUREKA_INSTANCE_INSTANCEID unset}
IFS=, read -ra registries <<< "${EUREKA_URL:?EUREKA_URL unset}"
for registry in "${registries[@]}"; do
  rest=${registry#http://}
  credentials=${rest%%@*}
  rest=${rest#*@}
  address=${rest%%/*}
  path=/${rest#*/}
  host=${address%:*}
  port=${address##*:}
  authorization=$(printf '%s' "$credentials" | base64 -w0)
  if ! exec 3<>"/dev/tcp/$host/$port"; then
    echo "eureka-out-of-service: $address unreachable" >&2
    continue
  fi
  printf 'PUT %sapps/%s/%s/status?value=OUT_OF_SERVICE HTTP/1.0\r\nHost: %s\r\nAuthorization: Basic %s\r\nContent-Length: 0\r\n\r\n' \
    "$path" "${app^^}" "$id" "$address" "$authorization" >&3
  read -r -t 5 status <&3 || status="no answer"
  exec 3>&-
  echo "eureka-out-of-service: $address ${status%$'\r'}"
done
sleep "$seconds"
