#!/usr/bin/env bash
# Prints the mlops-platform:canaryTraffic value a deploy sets before `pulumi up` to keep the canary
# levels the deployed stack holds (tools/carry-canary-levels.ts); nothing when none is held. The deploy
# workflow runs it for each stack:
#   bash scripts/held-canary-levels.sh <org>/mlops-platform/<stack> <stack>
# A stack without the output yet (a first deployment, or a stack not created) holds nothing. Any other
# failure of `pulumi stack output` (credentials, the backend unreachable) stops the deploy: read as
# "nothing held", it would bring a rolled-back canary back at its spec's trafficPercent.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 <org>/<project>/<stack> <stack name (Pulumi.<name>.yaml)>" >&2
  exit 2
fi
fqn=$1
short=$2
cd "$(dirname "$0")/.."
err=$(mktemp)
trap 'rm -f "$err"' EXIT
if out=$(pulumi stack output canaryTraffic --json --stack "$fqn" 2>"$err"); then
  :
elif grep -qE "does not have output property|no stack named" "$err"; then
  out=""
else
  echo "pulumi stack output canaryTraffic --stack $fqn failed; not deploying without the levels it holds:" >&2
  cat "$err" >&2
  exit 1
fi
# The specs are checked even without output: a deploy of broken specs stops here, named.
printf '%s' "$out" | npm run --silent carry-canary-levels -- --stack "$short"
