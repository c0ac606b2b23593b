#!/bin/sh
# Sends SIGTERM to a long `tpcheck check` run, and requires exit code 3 and
# a JSON report with one entry per run, the unfinished ones interrupted.
# Usage: interrupt_writes_reports.sh TPCHECK ENTRIES CHECK-ARGUMENTS...
# ENTRIES "all" is the number of scenarios in the catalogue.
set -u
tpcheck=$1
entries=$2
shift 2
if [ "$entries" = all ]; then
    entries=$("$tpcheck" list --names | wc -l)
fi
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
assert len(entries) == int(sys.argv[2]), len(entries)
interrupted = [e for e in entries if e["outcome"] == "incomplete"]
assert interrupted, "no entry is incomplete"
for entry in interrupted:
    assert entry["stop_reason"] == "an interrupt", entry["stop_reason"]
for entry in entries:
    assert entry in interrupted or entry["verdict"] == "pass", entry["verdict"]
assert entries[0]["executions"] > 0, entries[0]["executions"]
' "$work/report.json" "$entries"; then
    echo "the JSON report does not record the interrupted run"
    status=1
fi
if [ "$status" -ne 0 ]; then
    cat "$work/out.txt"
fi
rm -rf "$work"
exit $status
