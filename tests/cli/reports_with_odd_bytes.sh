#!/bin/sh
# Runs a scenario that fails into a trace folder whose name contains a byte
# that is not UTF-8 and an XML control character, and requires the JSON and
# JUnit reports, which quote that path, to parse.
# Usage: reports_with_odd_bytes.sh TPCHECK
set -u
tpcheck=$1
work=$(mktemp -d)
odd="$work/$(printf 'odd\377\001dir')"
mkdir "$odd"
"$tpcheck" check schedule_wait --max-steps 30 --quiet --trace-dir "$odd" \
    --json "$work/report.json" --junit "$work/report.xml"
code=$?
status=0
if [ "$code" -ne 1 ]; then
    echo "expected exit code 1 (a violation), got $code"
    status=1
fi
if ! python3 -m json.tool "$work/report.json" > /dev/null; then
    echo "the JSON report does not parse"
    status=1
fi
if ! python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \
        "$work/report.xml"; then
    echo "the JUnit report does not parse"
    status=1
fi
rm -rf "$work"
exit $status
