#!/usr/bin/env bash
# Builds dcmscrub and runs every test, with real vendor files from pydicom's test set fetched from PyPI once.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=Tests/.cache
if [[ ! -f $cache/pydicom/data/test_files/CT_small.dcm ]]; then
  mkdir -p "$cache"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check pydicom==3.0.2 -d "$cache"
  unzip -q -o "$cache"/pydicom-3.0.2-py3-none-any.whl 'pydicom/data/test_files/*' -d "$cache"
fi
export DCMSCRUB_TEST_FILES="$PWD/$cache/pydicom/data/test_files"
# Tesseract is 4-5x faster single-threaded per call, and the tests run calls side by side.
export OMP_THREAD_LIMIT=1
swift build --product dcmscrub
swift test 2>&1 | tee "$cache/test.log" | grep -vE "^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking)" 
exit "${PIPESTATUS[0]}"
