# Stage bookkeeping for test/run-all.sh and test/kernel/run-python.sh (sourced, not run).
#
# Each stage appends one record to $OPTLAB_STAGES (a file): name, passed, failed, skipped, seconds,
# exit status, a note; `stage_line` prints a stage's summary line, `stages_summary` prints all of
# them and, last, the totals alone on a line: "N passed, N failed, N skipped" (CI reads it).
# Counts come from the runners' own reports (vitest's JSON, unittest's closing lines, one check per
# notebook run), never from guessing. A stage that exits non-zero while reporting no failed test
# (a crash, an import error, an error outside any test) counts as one failure, so the totals never
# read green for a failed run.

# Seconds since the epoch, with fractions.
stage_now() { date +%s.%N; }

# stage_record NAME PASSED FAILED SKIPPED START_SECONDS RC [NOTE]
stage_record() {
  local name=$1 passed=$2 failed=$3 skipped=$4 start=$5 rc=$6 note=${7:-}
  local secs
  secs=$(awk -v a="$start" -v b="$(stage_now)" 'BEGIN { printf "%.0f", b - a }')
  if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
    failed=1
    note="${note:+$note; }exit status $rc with no failed test reported, counted as 1 failure"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$passed" "$failed" "$skipped" "$secs" "$rc" "$note" >>"$OPTLAB_STAGES"
  stage_line "$name" "$passed" "$failed" "$skipped" "$secs" "$rc" "$note"
}

# stage_line NAME PASSED FAILED SKIPPED SECONDS RC NOTE
stage_line() {
  local verdict=ok
  [ "$6" = 0 ] || verdict=FAILED
  printf '== %-16s %-6s %5d passed, %d failed, %d skipped  (%d s)%s\n' "$1:" "$verdict" "$2" "$3" "$4" "$5" "${7:+  [$7]}"
}

# stages_summary [NOT_RUN_STAGE...]: every recorded stage, the stages not run, the time (in all
# since $OPTLAB_TEST_T0 when set), then the totals line, last.
stages_summary() {
  local name passed failed skipped secs rc note tp=0 tf=0 ts=0 tsecs=0
  echo
  echo "== summary (stage, result, counts, seconds)"
  while IFS=$'\t' read -r name passed failed skipped secs rc note; do
    stage_line "$name" "$passed" "$failed" "$skipped" "$secs" "$rc" "$note"
    tp=$((tp + passed)) tf=$((tf + failed)) ts=$((ts + skipped)) tsecs=$((tsecs + secs))
  done <"$OPTLAB_STAGES"
  for name in "$@"; do printf '== %-16s not run (an earlier stage failed)\n' "$name:"; done
  if [ -n "${OPTLAB_TEST_T0:-}" ]; then
    awk -v s="$tsecs" -v a="$OPTLAB_TEST_T0" -v b="$(stage_now)" 'BEGIN { printf "== total: %d s in the stages, %.0f s in all (build included)\n", s, b - a }'
  else
    printf '== total: %d s\n' "$tsecs"
  fi
  printf '%d passed, %d failed, %d skipped\n' "$tp" "$tf" "$ts"
}

# vitest_counts JSON_FILE: "passed failed skipped" from vitest's JSON reporter (todo counts as skipped).
vitest_counts() {
  node -e '
    const fs = require("node:fs");
    let j;
    try { j = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.log("0 0 0"); process.exit(0); }
    console.log(`${j.numPassedTests} ${j.numFailedTests} ${j.numPendingTests + j.numTodoTests}`);
  ' "$1"
}

# unittest_counts LOG_FILE: "passed failed skipped" from unittest's closing lines
# ("Ran N tests in …s", then "OK", "OK (skipped=K)" or "FAILED (failures=F, errors=E, skipped=K)").
unittest_counts() {
  awk '
    /^Ran [0-9]+ tests? in / { ran = $2; seen = 1; f = 0; e = 0; s = 0; x = 0; u = 0 }
    seen && /^(OK|FAILED)( \(|$)/ {
      line = $0
      if (match(line, /failures=[0-9]+/)) f = substr(line, RSTART + 9, RLENGTH - 9)
      if (match(line, /errors=[0-9]+/)) e = substr(line, RSTART + 7, RLENGTH - 7)
      if (match(line, /skipped=[0-9]+/)) s = substr(line, RSTART + 8, RLENGTH - 8)
      if (match(line, /expected failures=[0-9]+/)) x = substr(line, RSTART + 18, RLENGTH - 18)
      if (match(line, /unexpected successes=[0-9]+/)) u = substr(line, RSTART + 21, RLENGTH - 21)
    }
    END { if (!seen) { print "0 0 0"; exit } print ran - f - e - s - u, f + e + u, s }
  ' "$1"
}
