#!/usr/bin/env bash
# A client of the three-route continuous-deployment API: POST /deploy/<repo>/<tag> (202 + Location),
# then GET the Location with curl -L until the 303 to /job_result leads to the result.
set -euo pipefail
headers=$(mktemp)
out=$(mktemp)
trap 'rm -f "$headers" "$out"' EXIT
curl -sS -X POST -D "$headers" -o /dev/null -H "Authorization: Bearer $DEPLOY_TOKEN" "$DEPLOY_URL/deploy/$DEPLOY_REPO/$DEPLOY_TAG"
location=$(tr -d '\r' < "$headers" | sed -n 's/^[Ll]ocation: //p')
echo "queued: $location" >&2
while true; do
  code=$(curl -sS -L -o "$out" -w '%{http_code}' -H "Authorization: Bearer $DEPLOY_TOKEN" "$location")
  case "$code" in
    202) sleep "${POLL_SECONDS:-2}" ;;
    200) cat "$out"; exit 0 ;;
    *) cat "$out"; echo "deploy failed: HTTP $code" >&2; exit 1 ;;
  esac
done
