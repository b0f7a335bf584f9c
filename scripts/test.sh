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
# Two throw-away Orthanc PACS on 127.0.0.1 for the push tests, stopped when the tests end: one takes
# every transfer syntax and answers a C-FIND with 3 instances at most (as some PACS cap them), one
# takes only uncompressed data.
source scripts/pacs.sh
# One folder for the run: the PACS storage, always removed, and the tests' scratch folders
# (NSTemporaryDirectory), removed when every test passes and kept for a look when one fails.
# Left in /tmp, each run added gigabytes.
run_tmp=$(mktemp -d /tmp/dcmscrub-test-run.XXXXXX)
export TMPDIR=$run_tmp
pacs_dir=$run_tmp/pacs
trap 'rc=$?; pacs_stop "$pacs_dir/any"; pacs_stop "$pacs_dir/plain"; rm -rf "$pacs_dir"
      if [[ $rc -eq 0 ]]; then rm -rf "$run_tmp"; else echo "test scratch kept in $run_tmp" >&2; fi' EXIT
pacs_start "$pacs_dir/any" '"LimitFindInstances": 3,'
export DCMSCRUB_TEST_PACS=$PACS_ADDRESS DCMSCRUB_TEST_PACS_HTTP=$PACS_HTTP
pacs_start "$pacs_dir/plain" '"AcceptedTransferSyntaxes": [ "1.2.840.10008.1.2", "1.2.840.10008.1.2.1" ],'
export DCMSCRUB_TEST_PACS_UNCOMPRESSED=$PACS_ADDRESS DCMSCRUB_TEST_PACS_UNCOMPRESSED_HTTP=$PACS_HTTP
# DCMTK leaves Nagle's algorithm on without it, and each DIMSE message then waits ~44 ms for an ACK.
export TCP_NODELAY=1
swift build --product dcmscrub
swift test 2>&1 | tee "$cache/test.log" | grep -vE "^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking)" 
exit "${PIPESTATUS[0]}"
