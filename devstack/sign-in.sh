#!/usr/bin/env bash
# Signs a user in the way a native app does (OAuth 2.1 authorization code + PKCE, RFC 7636, with a loopback
# redirect, RFC 8252) and prints the access token. For devstack and local runs: it uses the dev profile's public
# client `meridian-cli` and answers the login form itself, as the person at the browser would.
#
#   TOKEN=$(devstack/sign-in.sh ada@example.com 'correct horse battery')
#
# MERIDIAN_URL (default http://localhost:8080) is the gateway.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <email> <password>" >&2
  exit 2
fi
email=$1
password=$2
gateway=${MERIDIAN_URL:-http://localhost:8080}
client=meridian-cli
redirect=http://127.0.0.1:8400/callback

cookies=$(mktemp)
trap 'rm -f "$cookies"' EXIT
base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
verifier=$(openssl rand 32 | base64url)
challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | base64url)
state=$(openssl rand 16 | base64url)
http() { curl -sS --max-time 10 -b "$cookies" -c "$cookies" "$@"; }

# 1. The authorization request: the server keeps it in the session and sends the browser to its login page — on
#    the gateway, where the browser's cookies are.
login=$(http -o /dev/null -w '%{redirect_url}' "$gateway/oauth2/authorize?response_type=code&client_id=$client&scope=openid%20profile&state=$state&redirect_uri=$redirect&code_challenge=$challenge&code_challenge_method=S256")
if [[ $login != "$gateway/login" ]]; then
  echo "sign-in: expected a redirect to $gateway/login, got '$login'" >&2
  exit 1
fi

# 2. The login form, with its CSRF token; then the credentials.
csrf=$(http "$gateway/login" | sed -n 's/.*name="_csrf"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
if [[ -z $csrf ]]; then
  echo "sign-in: no login form at $gateway/login" >&2
  exit 1
fi
back=$(http -o /dev/null -w '%{redirect_url}' "$gateway/login" \
  --data-urlencode "username=$email" --data-urlencode "password=$password" --data-urlencode "_csrf=$csrf")
if [[ $back != */oauth2/authorize* ]]; then
  echo "sign-in: refused (wrong email or password?)" >&2
  exit 1
fi

# 3. Back to the authorization request, now signed in: the answer redirects to the loopback address with the code.
callback=$(http -o /dev/null -w '%{redirect_url}' "$gateway/oauth2/authorize?${back#*\?}")
code=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$callback")
if [[ -z $code || $callback != *"state=$state"* ]]; then
  echo "sign-in: no authorization code in the redirect ($callback)" >&2
  exit 1
fi

# 4. The code and the PKCE verifier for the tokens.
tokens=$(http "$gateway/oauth2/token" -d grant_type=authorization_code -d client_id=$client \
  --data-urlencode "code=$code" -d redirect_uri=$redirect -d code_verifier="$verifier")
sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p' <<<"$tokens"
