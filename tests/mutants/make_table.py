#!/usr/bin/env python3
"""Run every mutant once and write the results table of docs/mutants.md.

For each mutant of tests/mutants/mutants.txt this runs the mutant's tpcheck
(built by the `mutants` target) on its scenario and options:

  1. with the default strategy, DPOR, at the scenario's default bounds;
  2. with `--strategy random --seed SEED --max-executions N`;
  3. `tpcheck minimize` on the DPOR run's counterexample trace.

It records whether the expected property was found, after how many
executions and how many seconds (the engine's own time until it stopped at
the first counterexample), and how many steps the minimized trace has.  The
table replaces the text between the markers

  <!-- mutant-table: begin -->  and  <!-- mutant-table: end -->

in the output file (docs/mutants.md by default).  A Relacy column is added
with --relacy once tpcheck has a Relacy engine (see relacy_result()).

Example, from the repository root:

  tests/mutants/make_table.py --build-dir build
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parents[2]
TABLE_FILE = SOURCE_DIR / "tests/mutants/mutants.txt"
BEGIN_MARKER = "<!-- mutant-table: begin -->"
END_MARKER = "<!-- mutant-table: end -->"
FIELDS = ("class", "scenario", "options", "expect", "interleaving")


def read_table(path):
    """Parse mutants.txt (its format is described at its top) into a list of dicts."""
    mutants = []
    current = None
    last_field = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            if current is None or last_field is None:
                sys.exit(f"{path}:{number}: a continuation line must follow a field")
            current[last_field] += " " + line.strip()
            continue
        match = re.match(r"^([a-z]+):(.*)$", line)
        if not match:
            sys.exit(f"{path}:{number}: expected 'field: value', got: {line}")
        field, value = match.group(1), match.group(2).strip()
        if field == "mutant":
            current = {"name": value, **{name: "" for name in FIELDS}}
            mutants.append(current)
            last_field = None
        elif field in FIELDS and current is not None:
            current[field] = value
            last_field = field
        else:
            sys.exit(f"{path}:{number}: unknown or misplaced field '{field}'")
    return mutants


def run_check(binary, mutant, extra, work_dir):
    """Run `tpcheck check` for the mutant; return the scenario's report entry."""
    report = work_dir / "report.json"
    traces = work_dir / "traces"
    traces.mkdir(parents=True, exist_ok=True)
    command = [str(binary), "check", mutant["scenario"], *shlex.split(mutant["options"]),
               *extra,
               "--json", str(report), "--trace-dir", str(traces), "--no-progress", "--quiet"]
    completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, check=False)
    if not report.exists():
        sys.exit(f"{' '.join(command)} exited with {completed.returncode} and wrote no report:\n"
                 f"{completed.stdout}")
    entries = json.loads(report.read_text())["scenarios"]
    return entries[0]


def describe_search(entry, expect):
    """Return (found, executions, seconds, property) of one check run."""
    violation = entry.get("violation")
    found_property = violation["property"] if violation else None
    return (found_property == expect, entry["executions"], entry["seconds"], found_property)


def minimized_steps(binary, entry, work_dir):
    """Minimize the run's trace; return (steps before, steps after) or None."""
    trace = (entry.get("violation") or {}).get("trace")
    if not trace or not Path(trace).is_file():
        return None
    output = work_dir / "minimized.json"
    completed = subprocess.run([str(binary), "minimize", trace, "-o", str(output)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               check=False)
    if completed.returncode != 0 or not output.is_file():
        sys.exit(f"tpcheck minimize {trace} exited with {completed.returncode}:\n"
                 f"{completed.stdout}")
    before = len(json.loads(Path(trace).read_text())["steps"])
    after = len(json.loads(output.read_text())["steps"])
    return before, after


def relacy_result(binary, mutant, work_dir):
    """Run the mutant under Relacy's schedulers; for the Relacy column.

    NOTE: tpcheck has no Relacy engine option yet.  Once it has one, run it
    here like run_check() and return a cell text such as "yes, 12 iterations".
    """
    help_text = subprocess.run([str(binary), "check", "--help"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, check=False).stdout
    if "relacy" not in help_text.lower():
        sys.exit("--relacy: this tpcheck has no Relacy engine option yet "
                 "(`tpcheck check --help` does not mention Relacy)")
    sys.exit("--relacy: tpcheck mentions Relacy, but relacy_result() in make_table.py does not "
             "run it yet; add the command line there")


def format_seconds(seconds):
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.0f} s"


def format_search(found, executions, seconds, found_property, budget=None):
    if found:
        return "yes", str(executions), format_seconds(seconds)
    if found_property:
        return f"no ({found_property})", str(executions), format_seconds(seconds)
    limit = f"none in {executions}" if budget is None else f"none in {budget}"
    return "no", limit, format_seconds(seconds)


def machine_description():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count()
    return f"{model or platform.processor() or 'unknown CPU'}, {cores} logical cores"


def build_table(args, mutants):
    header = ["mutant", "class", "expected property", "found (DPOR)", "DPOR executions",
              "DPOR time", f"found (random, seed {args.seed})", "random executions",
              "random time", "minimized trace (steps)"]
    if args.relacy:
        header.append("found (Relacy)")
    rows = []
    missed = []
    for mutant in mutants:
        binary = args.build_dir / "tests/mutants/bin" / f"tpcheck-{mutant['name']}"
        if not binary.exists():
            sys.exit(f"{binary} is missing: build the `mutants` target first")
        print(f"{mutant['name']} ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant['name']}-") as temporary:
            work_dir = Path(temporary)
            dpor = run_check(binary, mutant, [], work_dir / "dpor")
            found, executions, seconds, found_property = describe_search(dpor, mutant["expect"])
            dpor_cells = format_search(found, executions, seconds, found_property)
            if not found:
                missed.append((mutant["name"], found_property))

            random_entry = run_check(binary, mutant,
                                     ["--strategy", "random", "--seed", str(args.seed),
                                      "--max-executions", str(args.random_executions)],
                                     work_dir / "random")
            random_cells = format_search(*describe_search(random_entry, mutant["expect"]),
                                         budget=args.random_executions)

            steps = minimized_steps(binary, dpor, work_dir / "dpor") if args.minimize else None
            steps_cell = f"{steps[1]} (from {steps[0]})" if steps else "not run"

            row = [f"`{mutant['name']}`", mutant["class"], f"`{mutant['expect']}`", *dpor_cells,
                   *random_cells, steps_cell]
            if args.relacy:
                row.append(relacy_result(binary, mutant, work_dir / "relacy"))
            rows.append(row)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines, missed


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, required=True,
                        help="the CMake build folder in which the `mutants` target was built")
    parser.add_argument("--output", type=Path, default=SOURCE_DIR / "docs/mutants.md",
                        help="the Markdown file whose table is replaced (default: docs/mutants.md)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random runs (default 1)")
    parser.add_argument("--random-executions", type=int, default=10000,
                        help="execution budget of each random run (default 10000)")
    parser.add_argument("--no-minimize", dest="minimize", action="store_false",
                        help="do not minimize the counterexample traces")
    parser.add_argument("--relacy", action="store_true",
                        help="add a column for Relacy's schedulers (needs tpcheck's Relacy engine)")
    parser.add_argument("--mutants", default="",
                        help="comma-separated mutant names to run (default: all); the table "
                             "then lists only these")
    args = parser.parse_args(argv)
    args.build_dir = args.build_dir.resolve()

    mutants = read_table(TABLE_FILE)
    if args.mutants:
        wanted = set(args.mutants.split(","))
        unknown = wanted - {mutant["name"] for mutant in mutants}
        if unknown:
            sys.exit(f"--mutants: unknown mutant(s): {', '.join(sorted(unknown))}")
        mutants = [mutant for mutant in mutants if mutant["name"] in wanted]

    started = time.monotonic()
    lines, missed = build_table(args, mutants)
    elapsed = time.monotonic() - started

    caught = len(mutants) - len(missed)
    command = "tests/mutants/make_table.py --build-dir BUILD"
    if args.seed != 1 or args.random_executions != 10000:
        command += f" --seed {args.seed} --random-executions {args.random_executions}"
    summary = [
        f"{caught} of {len(mutants)} mutants found by DPOR with the expected property. "
        f"Produced by `{command}` on {datetime.date.today().isoformat()}, "
        f"{machine_description()}, in {elapsed:.0f} s of wall time. Times are the engine's "
        f"own, from the run's start to its first counterexample.",
        "",
    ]
    block = "\n".join([BEGIN_MARKER, *summary, *lines, END_MARKER])

    text = args.output.read_text() if args.output.exists() else ""
    if BEGIN_MARKER in text and END_MARKER in text:
        head = text[:text.index(BEGIN_MARKER)]
        tail = text[text.index(END_MARKER) + len(END_MARKER):]
        args.output.write_text(head + block + tail)
    else:
        sys.exit(f"{args.output} has no '{BEGIN_MARKER}' ... '{END_MARKER}' block to replace")
    print(f"wrote the table of {len(mutants)} mutants to {args.output}", file=sys.stderr)
    for name, found_property in missed:
        print(f"NOT CAUGHT: {name} (reported {found_property or 'no violation'})",
              file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
