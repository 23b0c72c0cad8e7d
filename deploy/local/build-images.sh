#!/usr/bin/env bash
# Builds every image the compose stack needs without any container registry, with podman (as root):
#   localhost/meridian-local/debian:bookworm   debootstrap of Debian bookworm from the Debian mirror
#   localhost/meridian-local/jre:25            + a jlinked Java 25 runtime from this machine's JDK
#   localhost/meridian-local/{postgres,redis,kafka,greenmail}   from Debian packages and Maven Central's jars
#   meridian/<service>:dev                     deploy/Dockerfile on the local runtime, from the jars the host's Maven
#                                              built (<service>/target/<service>-0.1.0-SNAPSHOT.jar)
# Unchanged inputs cost nothing on a second run: the base and the runtime are tagged with a hash of what made them
# and skipped when podman already has that tag; the other images come from podman's layer cache.
# Usage: deploy/local/build-images.sh [--infra-only | --services-only | --step <image>...]
# Environment: DEBIAN_MIRROR (default: the first deb.debian.org-style URI this machine's apt uses), JAVA_HOME (the JDK
# to jlink from), MERIDIAN_LOCAL_WORK (scratch and caches, default /var/tmp/meridian-local).
set -euo pipefail
# debootstrap, runc and chroot are in sbin, which a non-login root shell may leave off its PATH.
export PATH=$PATH:/usr/sbin:/sbin
cd "$(dirname "$0")/../.."
ROOT=$PWD
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/deploy/local/containers.conf}
WORK=${MERIDIAN_LOCAL_WORK:-/var/tmp/meridian-local}
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SERVICES=(discovery-service gateway-service user-service auth-service audit-service notification-service)
PACKAGES=ca-certificates,curl,wget,tzdata,procps
# What the services need beside java.se: elliptic curves (JWT, TLS), JMX/JFR (metrics, diagnostics), DNS, jcmd
# (native memory figures), the unsupported API (Netty), zip file systems and every charset and locale a mail needs.
MODULES=java.se,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.jfr,jdk.unsupported,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.httpserver,jdk.security.auth,jdk.security.jgss,jdk.charsets,jdk.localedata,jdk.jcmd,jdk.attach,jdk.internal.jvmstat
mode=${1:-all}

say() { echo "images: $*"; }
mkdir -p "$WORK"
mirror() {
  if [[ -n ${DEBIAN_MIRROR:-} ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(grep -hoE '(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
    | grep -oE 'https?://[^ ]+' | head -1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}
hash_of() { printf '%s\n' "$@" | sha256sum | cut -c1-12; }

build_debian() {
  local url key tag rootfs
  url=$(mirror)
  key=$(hash_of bookworm minbase "$PACKAGES")
  tag=localhost/meridian-local/debian:bookworm-$key
  if podman image exists "$tag"; then
    say "debian base $tag (cached)"
  else
    say "debian base: debootstrap bookworm from $url"
    rootfs=$WORK/rootfs-$key
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include="$PACKAGES" bookworm "$rootfs" "$url" > "$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log"; exit 1; }
    chroot "$rootfs" apt-get clean
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log
    tar -C "$rootfs" -c . | podman import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$tag" > /dev/null 2>&1
    rm -rf "$rootfs"
  fi
  podman tag "$tag" localhost/meridian-local/debian:bookworm
}

build_jre() {
  local version key tag context
  version=$("$JDK/bin/java" -version 2>&1 | tr '\n' ' ')
  key=$(hash_of "$version" "$MODULES" "$(podman image inspect --format '{{.Id}}' localhost/meridian-local/debian:bookworm)")
  tag=localhost/meridian-local/jre:25-$key
  if podman image exists "$tag"; then
    say "java runtime $tag (cached)"
  else
    say "java runtime: jlink from $JDK ($version)"
    context=$WORK/jre-context
    rm -rf "$context" && mkdir -p "$context"
    "$JDK/bin/jlink" --add-modules "$MODULES" --include-locales en,de,fr --strip-debug --no-man-pages \
      --no-header-files --generate-cds-archive --output "$context/jre" > /dev/null
    podman build -q -f "$ROOT/deploy/local/jre/Containerfile" -t "$tag" "$context" > /dev/null
    rm -rf "$context"
  fi
  podman tag "$tag" localhost/meridian-local/jre:25
}

# The Kafka and GreenMail jars from Maven Central, through the project's Maven (offline once they are in ~/.m2).
jars() { # <profile> <folder>: $WORK/jars/<folder>, fetched again when deploy/local/pom.xml changes
  local key
  key=$(sha256sum deploy/local/pom.xml | cut -c1-12)
  if [[ $(cat "$WORK/jars/$2.key" 2>/dev/null) != "$key" ]]; then
    rm -rf "${WORK:?}/jars/$2"
    say "jars for $2 from Maven Central"
    # One Maven build at a time on a shared machine: a person's run waits for the lock. A caller that is itself inside
    # a build holding it (ComposeStackIT) sets MERIDIAN_MAVEN_LOCK empty; waiting there would never end.
    local lock=() lock_file=${MERIDIAN_MAVEN_LOCK-/tmp/meridian-maven.lock}
    [[ -n $lock_file && -e $lock_file ]] && lock=(flock "$lock_file")
    "${lock[@]}" ./mvnw -B -q -f deploy/local/pom.xml -P "$1" \
      org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy-dependencies \
      -DoutputDirectory="$WORK/jars/$2" -DincludeScope=runtime
    echo "$key" > "$WORK/jars/$2.key"
  fi
}

infra() { # <name>: deploy/local/<name>, with extra context from $WORK when given
  say "$1"
  podman build -q --network host -f "$ROOT/deploy/local/$1/Containerfile" -t "localhost/meridian-local/$1:latest" "${2:-deploy/local/$1}" > /dev/null
}

build_postgres() { infra postgres; }
build_redis() { infra redis; }
build_kafka() {
  jars kafka kafka
  rm -rf "$WORK/kafka-context" && mkdir -p "$WORK/kafka-context"
  cp -r deploy/local/kafka/bin "$WORK/kafka-context/bin"
  cp -r "$WORK/jars/kafka" "$WORK/kafka-context/libs"
  infra kafka "$WORK/kafka-context"
}
build_greenmail() {
  jars '!kafka,greenmail' greenmail
  rm -rf "$WORK/greenmail-context" && mkdir -p "$WORK/greenmail-context"
  cp "$WORK"/jars/greenmail/greenmail-standalone-*.jar "$WORK/greenmail-context/greenmail-standalone.jar"
  infra greenmail "$WORK/greenmail-context"
}
build_infra() { build_postgres; build_redis; build_kafka; build_greenmail; }

build_services() {
  local service jar context
  for service in "${SERVICES[@]}"; do
    jar=$service/target/$service-0.1.0-SNAPSHOT.jar
    [[ -f $jar ]] || { echo "images: $jar is missing: build the jars first (README, ./mvnw package)" >&2; exit 1; }
    # The jar's content (not its bytes: every package stamps new times), the Dockerfile and the runtime: when an image
    # made from the same is there, it is kept, and its AOT cache is not trained again.
    local key
    key=$(hash_of "$(deploy/local/jar-content.py "$jar")" "$(sha256sum deploy/Dockerfile)" \
      "$(podman image inspect --format '{{.Id}}' localhost/meridian-local/jre:25)")
    if [[ $(podman image inspect --format '{{index .Labels "dev.meridian.inputs"}}' "meridian/$service:dev" 2> /dev/null) == "$key" ]]; then
      say "meridian/$service:dev (cached: the same jar content)"
      continue
    fi
    context=$WORK/context-$service
    rm -rf "$context" && mkdir -p "$context"
    cp "$jar" "$context/app.jar"
    local start=$SECONDS
    podman build -q -f "$ROOT/deploy/Dockerfile" --build-arg SERVICE="$service" --build-arg JARS=prebuilt \
      --build-arg BUILD_IMAGE=localhost/meridian-local/jre:25 --build-arg BASE_IMAGE=localhost/meridian-local/jre:25 \
      --label "dev.meridian.inputs=$key" -t "meridian/$service:dev" "$context" > /dev/null
    say "meridian/$service:dev ($((SECONDS - start)) s)"
  done
}

start=$SECONDS
case $mode in
  all) steps=(debian jre infra services) ;;
  --infra-only) steps=(debian jre infra) ;;
  --services-only) steps=(services) ;;
  --step) steps=("${@:2}") ;;
  *) echo "usage: $0 [--infra-only | --services-only | --step debian|jre|infra|postgres|redis|kafka|greenmail|services...]" >&2; exit 2 ;;
esac
for step in "${steps[@]}"; do
  case $step in
    debian | jre | infra | services) "build_$step" ;;
    postgres | redis | kafka | greenmail) "build_$step" ;;
  esac
done
say "done in $((SECONDS - start)) s"
