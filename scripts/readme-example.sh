#!/usr/bin/env bash
# Prints README's onboarding example, the model file a team adds (the yaml block starting
# `name: order-eta-rerank`), so the fixtures and the test of that example read the README itself.
set -euo pipefail
cd "$(dirname "$0")/.."
awk '/^```yaml$/ { getline first; if (first == "name: order-eta-rerank") { on = 1; print first }; next }
     on && /^```$/ { exit }
     on { print }' README.md
