#!/usr/bin/env bash
# `npm test`: everything, in the order a failure is cheapest to see.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
npx vitest run
