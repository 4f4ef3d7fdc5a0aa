#!/usr/bin/env bash
# Regenerates the cost-diff test's two real plans, test/fixtures/plans/{base,head}-prod.json: prod
# as committed, and prod with README's onboarding example (order-eta-rerank) added, the pull request
# a model team opens. Run it after a change of what plan.json holds or of prod's figures.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r models "$tmp/models"
bash scripts/readme-example.sh > "$tmp/models/order-eta-rerank.yaml"

# Exit 2 (a policy violation) still writes the plan; the comment shows violations too.
plan() { npm run -s plan -- --stack prod "$@" > /dev/null || [ $? -eq 2 ]; }
plan --out "$tmp/base"
plan --models "$tmp/models" --out "$tmp/head"
cp "$tmp/base/plan.json" test/fixtures/plans/base-prod.json
cp "$tmp/head/plan.json" test/fixtures/plans/head-prod.json
npx prettier --log-level warn --write test/fixtures/plans/*.json
echo "test/fixtures/plans: base $(grep -c . test/fixtures/plans/base-prod.json) lines, head $(grep -c . test/fixtures/plans/head-prod.json) lines"
