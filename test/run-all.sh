#!/usr/bin/env bash
# `npm test`: everything, in the order a failure is cheapest to see.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
npx vitest run
# Kernel (needs the build): the official conformance suite and protocol tests with Debian's
# jupyter_client, every notebook through `jupyter nbconvert --execute` and `optlab run`; the
# kernelspec goes into a temporary prefix (JUPYTER_PATH), never the user's Jupyter dirs.
bash test/kernel/run-python.sh
