#!/usr/bin/env bash
# The CI step users of the queued-deploy service run, as they run it: POST with curl, take job_id with
# jq, poll /status every 3 s printing the new output, stop on complete, fail on failed or not_found.
# Only POLL_SECONDS is added, so a test need not wait 3 s per poll.
set -euo pipefail
response=$(curl -sS -X POST "$DEPLOY_URL/deploy" \
  -H "Content-Type: application/json" \
  -H "x-deployster-token: $DEPLOY_TOKEN" \
  -d "$DEPLOY_BODY")
echo "$response" >&2
job_id=$(echo "$response" | jq -r '.job_id')
while true; do
  status_response=$(curl -sS "$DEPLOY_URL/status/$job_id" -H "x-deployster-token: $DEPLOY_TOKEN")
  status=$(echo "$status_response" | jq -r '.status')
  echo "$status_response" | jq -j '.logs // ""'
  case "$status" in
    complete) echo "deploy complete" >&2; exit 0 ;;
    failed|not_found) echo "deploy $status" >&2; exit 1 ;;
  esac
  sleep "${POLL_SECONDS:-3}"
done
