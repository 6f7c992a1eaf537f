#!/usr/bin/env bash
# The kernel's Python-side tests (Debian's jupyter_client, jupyter_kernel_test, nbconvert) and the
# notebooks, against the built kernel (run `npm run build` first). The kernelspec goes into a
# temporary prefix; JUPYTER_* point there, so the user's own Jupyter directories are untouched.
#   bash test/kernel/run-python.sh            everything
#   bash test/kernel/run-python.sh conformance protocol notebooks   some parts
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
parts=("$@"); [ ${#parts[@]} -gt 0 ] || parts=(conformance protocol notebooks)

tmp="$(mktemp -d "${TMPDIR:-/tmp}/optlab-kernel-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
node dist/kernel/cli.js install --prefix "$tmp/prefix" >/dev/null
export JUPYTER_PATH="$tmp/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime" JUPYTER_CONFIG_DIR="$tmp/config"
export IPYTHONDIR="$tmp/ipython" JUPYTER_PLATFORM_DIRS=0 PYTHONUNBUFFERED=1
export OPTLAB_STATIC_IMAGES="${OPTLAB_STATIC_IMAGES:-0}"
mkdir -p "$JUPYTER_DATA_DIR" "$JUPYTER_RUNTIME_DIR" "$JUPYTER_CONFIG_DIR"

for part in "${parts[@]}"; do
  case "$part" in
    conformance)
      echo "== jupyter_kernel_test (official conformance suite)"
      $PY test/kernel/test_conformance.py -v ;;
    protocol)
      echo "== protocol tests (jupyter_client)"
      $PY test/kernel/test_protocol.py -v ;;
    notebooks)
      echo "== notebooks: jupyter nbconvert --execute (notebook and html) and optlab run"
      for nb in notebooks/*.ipynb; do
        /usr/bin/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=optlab \
          --ExecutePreprocessor.timeout=600 --output-dir "$tmp/nbconvert" "$nb"
        /usr/bin/jupyter nbconvert --to html --execute --ExecutePreprocessor.kernel_name=optlab \
          --ExecutePreprocessor.timeout=600 --output-dir "$tmp/nbconvert" "$nb"
      done
      node dist/kernel/cli.js run notebooks --html "$tmp/run-html" ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
  esac
done
