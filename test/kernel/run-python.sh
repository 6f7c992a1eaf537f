#!/usr/bin/env bash
# The kernel's Python-side tests (Debian's jupyter_client, jupyter_kernel_test, nbconvert) and the
# notebooks, against the built kernel (run `npm run build` first). The kernelspec goes into a
# temporary prefix; JUPYTER_* point there, so the user's own Jupyter directories are untouched.
#   bash test/kernel/run-python.sh            everything: protocol, conformance, notebooks
#   bash test/kernel/run-python.sh conformance protocol notebooks   some parts, in that order
# Each part is a stage with a summary line (counts, seconds; see test/stages.sh). It stops at the
# first part that fails. Run alone, it ends with the totals line; under test/run-all.sh
# (OPTLAB_STAGES set) the caller prints the summary.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/stages.sh
PY=/usr/bin/python3
parts=("$@"); [ ${#parts[@]} -gt 0 ] || parts=(protocol conformance notebooks)

tmp="$(mktemp -d "${TMPDIR:-/tmp}/optlab-kernel-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
standalone=0
if [ -z "${OPTLAB_STAGES:-}" ]; then standalone=1; export OPTLAB_STAGES="$tmp/stages.tsv"; : >"$OPTLAB_STAGES"; fi

node dist/kernel/cli.js install --prefix "$tmp/prefix" >/dev/null || { echo "run-python.sh: installing the kernelspec failed (npm run build first?)" >&2; exit 1; }
export JUPYTER_PATH="$tmp/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime" JUPYTER_CONFIG_DIR="$tmp/config"
export IPYTHONDIR="$tmp/ipython" JUPYTER_PLATFORM_DIRS=0 PYTHONUNBUFFERED=1
export OPTLAB_STATIC_IMAGES="${OPTLAB_STATIC_IMAGES:-0}"
mkdir -p "$JUPYTER_DATA_DIR" "$JUPYTER_RUNTIME_DIR" "$JUPYTER_CONFIG_DIR"

# A unittest file as a stage: its output as it runs, then the counts from its closing lines.
unittest_stage() {
  local name=$1 file=$2 start rc
  start=$(stage_now)
  echo "== $name: $PY $file -v"
  $PY "$file" -v 2>&1 | tee "$tmp/$name.log"
  rc=$?
  # shellcheck disable=SC2046
  stage_record "$name" $(unittest_counts "$tmp/$name.log") "$start" "$rc"
  return "$rc"
}

# One check: a command whose output is shown only when it fails.
nb_passed=0 nb_failed=0 nb_failures=()
nb_check() {
  local what=$1; shift
  if "$@" >"$tmp/check.log" 2>&1; then
    nb_passed=$((nb_passed + 1)); echo "   ok      $what"
  else
    nb_failed=$((nb_failed + 1)); nb_failures+=("$what"); echo "   FAILED  $what"
    tail -n 40 "$tmp/check.log" | sed 's/^/      | /'
  fi
}

notebooks_stage() {
  local start nb name
  # Outputs go where test/run-all.sh asks (OPTLAB_NOTEBOOK_OUTPUTS: the browser stage opens them
  # in Chromium instead of executing the same notebooks again), else into the temporary directory.
  local out="${OPTLAB_NOTEBOOK_OUTPUTS:-$tmp}"
  start=$(stage_now)
  echo "== notebooks: jupyter nbconvert --execute and the result to html, each notebook; then optlab run --html over the directory"
  for nb in notebooks/*.ipynb; do
    name=$(basename "$nb")
    nb_check "$name: jupyter nbconvert --to notebook --execute" /usr/bin/jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=optlab --ExecutePreprocessor.timeout=600 --output-dir "$out/nbconvert" "$nb"
    # The executed notebook to HTML (running it a second time would test the same execution again).
    nb_check "$name: jupyter nbconvert --to html (the executed notebook)" /usr/bin/jupyter nbconvert --to html \
      --output-dir "$out/nbconvert" "$out/nbconvert/$name"
  done
  # optlab run over the whole directory, as `npm start` runs it (one process, the gallery's
  # index.html too); the executed copies and pages go to run-html/, never over notebooks/. Its
  # line per notebook ("NAME.ipynb: N cells in S s, ok → …") is that notebook's check.
  local run_rc
  node dist/kernel/cli.js run notebooks --html "$out/run-html" --out "$out/run-html" >"$tmp/run.log" 2>&1
  run_rc=$?
  for nb in notebooks/*.ipynb; do
    name=$(basename "$nb")
    nb_check "$name: optlab run --html ($(grep -o "^$name: [0-9of ]*cells\? in [0-9.]* s" "$tmp/run.log" | sed "s/^$name: //"))" \
      grep -q "^$name: .* ok → " "$tmp/run.log"
    grep -q "^$name: .* ok → " "$tmp/run.log" || grep -A 40 "^$name: " "$tmp/run.log" | sed 's/^/      | /'
  done
  nb_check "optlab run notebooks: exit status 0 and the gallery's index.html" test "$run_rc" = 0 -a -s "$out/run-html/index.html"
  [ "$run_rc" = 0 ] || tail -n 40 "$tmp/run.log" | sed 's/^/      | /'
  local rc=0; [ "$nb_failed" = 0 ] || rc=1
  stage_record notebooks "$nb_passed" "$nb_failed" 0 "$start" "$rc" "${nb_failures[*]:+failed: ${nb_failures[*]}}"
  return "$rc"
}

failed_at=""
for i in "${!parts[@]}"; do
  case "${parts[$i]}" in
    protocol) unittest_stage "kernel protocol" test/kernel/test_protocol.py ;;
    conformance) unittest_stage conformance test/kernel/test_conformance.py ;;
    notebooks) notebooks_stage ;;
    *) echo "unknown part: ${parts[$i]} (expected protocol, conformance or notebooks)" >&2; exit 2 ;;
  esac || { failed_at=$i; break; }
done

not_run=()
if [ -n "$failed_at" ]; then
  for p in "${parts[@]:$((failed_at + 1))}"; do
    case "$p" in protocol) not_run+=("kernel protocol") ;; *) not_run+=("$p") ;; esac
  done
fi
if [ "$standalone" = 1 ]; then stages_summary "${not_run[@]}"; fi
# The caller (run-all.sh) learns which stages did not run from this file.
if [ "$standalone" = 0 ] && [ ${#not_run[@]} -gt 0 ]; then printf '%s\n' "${not_run[@]}" >"${OPTLAB_STAGES}.not-run"; fi
[ -z "$failed_at" ]
