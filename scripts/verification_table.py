#!/usr/bin/env python3
"""Render the scenario table of docs/verification.md from a tpcheck JSON report.

Usage: scripts/verification_table.py REPORT.json > table.md
The report comes from `tpcheck check --all --json REPORT.json`.
"""
import json
import sys


def bounds(entry):
    b = entry["bounds"]
    parts = [f"steps<={b['max_steps']}", f"threads<={b['max_threads']}"]
    parts.append(f"timeouts<={b['max_timeouts']}" if b["timeouts"] else "idle timeouts off")
    if b["preemption_bound"] >= 0:
        parts.append(f"preemptions<={b['preemption_bound']}")
    if b["max_creation_failures"] > 0:
        parts.append(f"creation failures<={b['max_creation_failures']}")
    if b["max_spurious_wakeups"] > 0:
        parts.append(f"spurious<={b['max_spurious_wakeups']}")
    return ", ".join(parts)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: verification_table.py REPORT.json")
    with open(sys.argv[1]) as handle:
        report = json.load(handle)
    print("| scenario | parameters | bounds | executions | states | outcome | time (s) | goals reached |")
    print("| --- | --- | --- | ---: | ---: | --- | ---: | --- |")
    for entry in report["scenarios"]:
        parameters = ", ".join(f"{k}={v}" for k, v in sorted(entry["parameters"].items()))
        outcome = entry["outcome"]
        if entry["verdict"] != "pass":
            outcome = entry["verdict"]
        goals = ", ".join(sorted(g for g in entry["goals_reached"] if "__" not in g))
        print(f"| {entry['scenario']} | {parameters} | {bounds(entry)} | {entry['executions']} "
              f"| {entry['distinct_terminal_states']} | {outcome} | {entry['seconds']:.1f} | {goals} |")


if __name__ == "__main__":
    main()
