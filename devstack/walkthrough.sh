#!/usr/bin/env bash
# The walkthrough devstack prints once the platform is up: sign up, mail, sign in, API, audit log, trace.
# Run it from the repository's root against a running devstack; every run signs up a new user. The system test
# DevstackWalkthroughIT runs this file against devstack.
set -euo pipefail

# 1. Sign up (through the gateway; public). The answer is the new account, with its id.
EMAIL=ada-$RANDOM$RANDOM@example.com
ID=$(curl -s localhost:8080/api/users -H 'Content-Type: application/json' \
  -d '{"email":"'$EMAIL'","name":"Ada Lovelace","password":"correct horse battery"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
echo "signed up $EMAIL as $ID"

# 2. Sign in as her (authorization code + PKCE, as a native app does) and call the API with her token.
TOKEN=$(devstack/sign-in.sh "$EMAIL" 'correct horse battery')
curl -s localhost:8080/api/users/me -H "Authorization: Bearer $TOKEN"; echo
curl -s -o /dev/null -w 'without a token: %{http_code}\n' localhost:8080/api/users/me

# 3. Her welcome mail, caught by the mailbox (waits up to 10 s for it).
curl -s "localhost:8025/?to=$EMAIL"

# 4. Her audit log, read by the development administrator (created by user-service's dev profile).
ADMIN=$(devstack/sign-in.sh admin@example.com dev-only-admin-password)
AUDIT=$(curl -s "localhost:8080/api/audit/users/$ID/events" -H "Authorization: Bearer $ADMIN"); echo "$AUDIT"

# 5. The sign-up's trace (its id is in the audit entry), gateway → user-service → Kafka → audit-service and
#    notification-service: the services in it. Spans reach Zipkin about a second after the request.
TRACE=$(sed 's/.*"traceId":"\([0-9a-f]*\)".*/\1/' <<<"$AUDIT")
sleep 2
curl -s "localhost:9411/api/v2/trace/$TRACE" | grep -o '"serviceName":"[a-z-]*"' | sort -u
echo "see it drawn: http://localhost:9411/zipkin/traces/$TRACE"
