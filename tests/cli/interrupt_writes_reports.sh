#!/bin/sh
# Sends SIGTERM to a long `tpcheck check` run, and requires exit code 3
# and a JSON report whose one entry names the interrupt.
# Usage: interrupt_writes_reports.sh TPCHECK CHECK-ARGUMENTS...
set -u
tpcheck=$1
shift
work=$(mktemp -d)
"$tpcheck" check "$@" --no-progress --json "$work/report.json" > "$work/out.txt" 2>&1 &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
code=$?
status=0
if [ "$code" -ne 3 ]; then
    echo "expected exit code 3 (incomplete), got $code"
    status=1
fi
if ! python3 -c '
import json, sys
entries = json.load(open(sys.argv[1]))["scenarios"]
assert len(entries) == 1, len(entries)
assert entries[0]["outcome"] == "incomplete", entries[0]["outcome"]
assert entries[0]["stop_reason"] == "an interrupt", entries[0]["stop_reason"]
assert entries[0]["executions"] > 0, entries[0]["executions"]
' "$work/report.json"; then
    echo "the JSON report does not record the interrupted search"
    status=1
fi
if [ "$status" -ne 0 ]; then
    cat "$work/out.txt"
fi
rm -rf "$work"
exit $status
