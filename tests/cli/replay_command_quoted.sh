#!/bin/sh
# Requires the printed "replay with:" command, run by the shell, to
# reproduce a violation whose trace folder has a space and a quote.
# Usage: replay_command_quoted.sh TPCHECK
set -u
tpcheck=$1
work=$(mktemp -d)
folder="$work/it's a folder"
mkdir "$folder"
"$tpcheck" check schedule_wait --max-steps 30 --no-progress --trace-dir "$folder" \
    > "$work/out.txt"
code=$?
status=0
if [ "$code" -ne 1 ]; then
    echo "expected exit code 1 (a violation), got $code"
    status=1
fi
command=$(sed -n 's/^ *replay with: tpcheck //p' "$work/out.txt")
if [ -z "$command" ]; then
    echo "no replay command in the output:"
    cat "$work/out.txt"
    status=1
else
    eval "\"\$tpcheck\" $command" > "$work/replay.txt" 2>&1
    code=$?
    if ! grep -q "reproduced" "$work/replay.txt"; then
        echo "the printed command did not reproduce the violation (exit code $code):"
        cat "$work/replay.txt"
        status=1
    fi
fi
rm -rf "$work"
exit $status
