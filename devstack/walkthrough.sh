#!/usr/bin/env bash
# The walkthrough devstack prints once the platform is up: sign up, verify the address from the mail, sign in, API,
# forgot password and reset from the mail, audit log, trace. Run it from the repository's root against a running
# devstack; every run signs up a new user. The system test DevstackWalkthroughIT runs this file against devstack.
set -euo pipefail
JSON='Content-Type: application/json'

# 1. Sign up (through the gateway; public). 202 whether or not the address already has an account: sign-up does
#    not tell who is registered. The address gets a verification mail.
EMAIL=ada-$RANDOM$RANDOM@example.com
curl -s -w ' (%{http_code})\n' localhost:8080/api/users -H "$JSON" \
  -d '{"email":"'$EMAIL'","name":"Ada Lovelace","password":"correct horse battery"}'

# 2. The verification mail, caught by the mailbox (waits up to 30 s for it): a link to a page, and the same as a
#    code to type. The code, sent back with the address, verifies it.
curl -s "localhost:8025/?to=$EMAIL&subject=email%20address"
CODE=$(curl -s "localhost:8025/?to=$EMAIL&subject=email%20address" | sed -n 's/.*confirmation page: \([0-9]\{6\}\).*/\1/p' | head -1)
curl -s -o /dev/null -w 'address verified: %{http_code}\n' localhost:8080/api/users/email-verification -H "$JSON" \
  -d '{"email":"'$EMAIL'","code":"'$CODE'"}'

# 3. Sign in as her (authorization code + PKCE, as a native app does) and call the API with her token.
TOKEN=$(devstack/sign-in.sh "$EMAIL" 'correct horse battery')
ME=$(curl -s localhost:8080/api/users/me -H "Authorization: Bearer $TOKEN"); echo "$ME"
ID=$(sed 's/.*"id":"\([^"]*\)".*/\1/' <<<"$ME")
echo "signed up $EMAIL as $ID"
curl -s -o /dev/null -w 'without a token: %{http_code}\n' localhost:8080/api/users/me

# 4. Her welcome mail, sent once the address was verified.
curl -s "localhost:8025/?to=$EMAIL&subject=welcome"

# 5. Forgot password: 202 for every address. The mail's link (30 minutes, once) opens the reset page; here its
#    token goes straight to the API with a new password. Every session she had ends; she signs in with the new one.
curl -s -w ' (%{http_code})\n' localhost:8080/api/users/password-reset -H "$JSON" -d '{"email":"'$EMAIL'"}'
LINK=$(curl -s "localhost:8025/?to=$EMAIL&subject=reset" | grep -oE 'https?://[^ ]*/account/reset-password\?token=[A-Za-z0-9_-]+' | head -1)
echo "reset link: $LINK"
curl -s -o /dev/null -w 'password reset: %{http_code}\n' localhost:8080/api/users/password-reset/confirm -H "$JSON" \
  -d '{"token":"'"${LINK#*token=}"'","password":"a new and longer passphrase"}'
sleep 2 # auth-service hears of the reset through Kafka and puts her tokens on the revocation list
curl -s -o /dev/null -w 'the old token after the reset: %{http_code}\n' localhost:8080/api/users/me \
  -H "Authorization: Bearer $TOKEN"
TOKEN=$(devstack/sign-in.sh "$EMAIL" 'a new and longer passphrase')
curl -s -o /dev/null -w 'signed in with the new password: %{http_code}\n' localhost:8080/api/users/me \
  -H "Authorization: Bearer $TOKEN"

# 6. Her audit log, read by the development administrator (created by user-service's dev profile): no link, code or
#    password in it.
ADMIN=$(devstack/sign-in.sh admin@example.com dev-only-admin-password)
AUDIT=$(curl -s "localhost:8080/api/audit/users/$ID/events" -H "Authorization: Bearer $ADMIN"); echo "$AUDIT"

# 7. The sign-up's trace (its id is in the first audit entry), gateway → user-service → Kafka → audit-service and
#    notification-service: the services in it. Spans reach Zipkin about a second after the request.
TRACE=$(grep -o '"traceId":"[0-9a-f]*"' <<<"$AUDIT" | head -1 | sed 's/.*:"\([0-9a-f]*\)"/\1/')
sleep 2
curl -s "localhost:9411/api/v2/trace/$TRACE" | grep -o '"serviceName":"[a-z-]*"' | sort -u
echo "see it drawn: http://localhost:9411/zipkin/traces/$TRACE"
