#!/usr/bin/env bash
# `npm test`: every stage, in the order a failure is cheapest to see, each with a summary line
# (result, passed/failed/skipped, seconds):
#   unit             vitest, project "unit" (everything under test/ but test/browser and test/pack)
#   kernel protocol  test/kernel/test_protocol.py with Debian's jupyter_client
#   conformance      the official jupyter_kernel_test suite (test/kernel/test_conformance.py)
#   notebooks        each notebook through jupyter nbconvert --execute (to notebook, to html), then optlab run over all
#   browser          vitest, project "browser": exported pages and classic Notebook in headless Chromium
#   pack             vitest, project "pack": `npm pack` of a fresh copy installed from the tarball
# It stops at the first stage that fails, then prints the summary of the stages that ran and names
# the rest. The last line is the totals alone: "N passed, N failed, N skipped" (CI reads it).
# The kernel stages use a kernelspec in a temporary prefix (JUPYTER_PATH), never the user's dirs.
set -uo pipefail
cd "$(dirname "$0")/.."
. test/stages.sh
OPTLAB_TEST_T0=$(stage_now)
work="$(mktemp -d "${TMPDIR:-/tmp}/optlab-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export OPTLAB_STAGES="$work/stages.tsv"
: >"$OPTLAB_STAGES"

finish() { stages_summary "$@"; }

echo "== build (tsc)"
if ! npm run --silent build; then
  echo "== build FAILED: no stage ran" >&2
  finish unit "kernel protocol" conformance notebooks browser pack
  exit 1
fi

# A vitest project as a stage; counts from vitest's JSON report.
vitest_stage() {
  local name=$1 start rc
  start=$(stage_now)
  echo "== $name: vitest run --project $name"
  npx vitest run --project "$name" --reporter=default --reporter=json --outputFile.json="$work/$name.json"
  rc=$?
  # shellcheck disable=SC2046
  stage_record "$name" $(vitest_counts "$work/$name.json") "$start" "$rc"
  return "$rc"
}

vitest_stage unit || { finish "kernel protocol" conformance notebooks browser pack; exit 1; }
# The notebooks stage leaves its executed notebooks and pages here; the browser stage opens them.
export OPTLAB_NOTEBOOK_OUTPUTS="$work/notebooks"
if ! bash test/kernel/run-python.sh protocol conformance notebooks; then
  mapfile -t rest < <(cat "$OPTLAB_STAGES.not-run" 2>/dev/null)
  finish "${rest[@]}" browser pack
  exit 1
fi
vitest_stage browser || { finish pack; exit 1; }
vitest_stage pack || { finish; exit 1; }
finish
