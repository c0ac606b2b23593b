#!/usr/bin/env python3
"""Run every mutant once, write the results table of docs/mutants.md and,
on request, the mutants' stored counterexamples in traces/corpus/.

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

in the output file (docs/mutants.md by default).  Its last column holds
Relacy's results with --relacy (each mutant under Relacy's three
schedulers, through the mutant's own tpcheck), and reads "not run" without.

With --update-corpus the minimized trace of each mutant also replaces
traces/corpus/mutant-NAME.json, once the mutant's tpcheck has replayed it
to the same violation and the unpatched tpcheck (BUILD/checker/tpcheck) has
not.  --corpus-only does only that: no random runs and no table.

Examples, from the repository root:

  tests/mutants/make_table.py --build-dir build --update-corpus
  tests/mutants/make_table.py --build-dir build --corpus-only --mutants cancel_skips_wait
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parents[2]
TABLE_FILE = SOURCE_DIR / "tests/mutants/mutants.txt"
CORPUS_DIR = SOURCE_DIR / "traces/corpus"
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


class MutantProblem(Exception):
    """A step for one mutant failed; the message names the step and the cause."""


def minimize_trace(binary, entry, work_dir):
    """Minimize the run's trace; return (trace, minimized trace) as paths.

    Raises MutantProblem when the run wrote no trace or minimize fails.
    """
    trace = (entry.get("violation") or {}).get("trace")
    if not trace or not Path(trace).is_file():
        raise MutantProblem("the DPOR run wrote no counterexample trace")
    output = work_dir / "minimized.json"
    completed = subprocess.run([str(binary), "minimize", trace, "-o", str(output)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               check=False)
    if completed.returncode != 0 or not output.is_file():
        raise MutantProblem(f"`tpcheck minimize` exited with {completed.returncode}: "
                            f"{completed.stdout.strip()}")
    return Path(trace), output


def step_count(trace):
    return len(json.loads(Path(trace).read_text())["steps"])


def store_corpus_trace(binary, build_dir, mutant, minimized):
    """Check the minimized trace as the corpus test does, then copy it into traces/corpus/.

    Raises MutantProblem, and stores nothing, when a check fails.
    """
    recorded = json.loads(minimized.read_text())["violation"]
    replay = subprocess.run([str(binary), "replay", str(minimized)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, check=False)
    expected_line = f"{recorded['property']} at step {recorded['step']}: "
    if replay.returncode != 0 or expected_line not in replay.stdout:
        raise MutantProblem(f"the minimized trace does not replay to {recorded['property']} at "
                            f"step {recorded['step']}: {replay.stdout.strip()}")
    unpatched = build_dir / "checker/tpcheck"
    control = subprocess.run([str(unpatched), "replay", str(minimized)], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, check=False)
    if control.returncode != 1:
        raise MutantProblem(f"the unpatched {unpatched} replays the minimized trace with exit "
                            f"status {control.returncode}, expected 1 (not reproduced): "
                            f"{control.stdout.strip()}")
    text = minimized.read_text()
    for folder in (SOURCE_DIR, build_dir):
        if f"{folder}/" in text:
            raise MutantProblem(f"the minimized trace contains the path {folder}: stored traces "
                                f"must name files relative to the repository root")
    destination = CORPUS_DIR / f"mutant-{mutant['name']}.json"
    shutil.copyfile(minimized, destination)
    return destination


def relacy_result(binary, mutant, work_dir, time_limit, iterations):
    """Run the mutant under its tpcheck's Relacy engine; return the text of its cell.

    The mutant's tpcheck compiles its Relacy engine against the same patched
    pool.  Each of Relacy's three schedulers runs the mutant's scenario and
    options (random with `iterations` executions, full search and context
    bound each for at most `time_limit` seconds).  The cell lists, per
    scheduler, the violation Relacy reported with the executions and time
    it took, or "missed" with how the run ended.  Relacy names violations by
    its own detectors, so a found bug may carry another name than the
    expected property.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    report_path = work_dir / "relacy.json"
    command = [str(binary), "check", mutant["scenario"], *shlex.split(mutant["options"]),
               "--engine", "relacy", "--strategy", "all", "--time-limit", str(time_limit),
               "--max-executions", str(iterations), "--json", str(report_path), "--quiet"]
    completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, check=False)
    if completed.returncode == 2 or not report_path.exists():
        return f"not run: exit {completed.returncode}"
    entries = json.loads(report_path.read_text()).get("scenarios", [])
    parts = []
    for entry in entries:
        scheduler = entry.get("scheduler", "?")
        seconds = format_seconds(float(entry.get("seconds", 0)))
        violation = entry.get("violation")
        if entry.get("verdict") == "violation" and violation:
            parts.append(f"{scheduler}: {violation.get('property') or violation.get('kind')} "
                         f"in {entry.get('executions')} ex, {seconds}")
        else:
            parts.append(f"{scheduler}: missed ({entry.get('outcome')}, "
                         f"{entry.get('executions')} ex)")
    return "<br>".join(parts) if parts else "not run: empty report"


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


def run_mutant(args, mutant, work_dir, problems):
    """Run one mutant; return its table row, or None with --corpus-only.

    Appends to `problems` what failed for this mutant.
    """
    binary = args.build_dir / "tests/mutants/bin" / f"tpcheck-{mutant['name']}"
    if not binary.exists():
        sys.exit(f"{binary} is missing: build the `mutants` target first")
    dpor = run_check(binary, mutant, [], work_dir / "dpor")
    found, executions, seconds, found_property = describe_search(dpor, mutant["expect"])
    if not found:
        problems.append(f"{mutant['name']}: not caught by DPOR, which reported "
                        f"{found_property or 'no violation'}, expected {mutant['expect']}")

    traces = None
    steps_cell = "not run"
    if args.minimize and found:
        try:
            traces = minimize_trace(binary, dpor, work_dir / "dpor")
            steps_cell = f"{step_count(traces[1])} (from {step_count(traces[0])})"
        except MutantProblem as problem:
            problems.append(f"{mutant['name']}: {problem}")
            steps_cell = "minimize failed"
    if args.update_corpus and traces:
        try:
            stored = store_corpus_trace(binary, args.build_dir, mutant, traces[1])
            print(f"  wrote {stored.relative_to(SOURCE_DIR)}", file=sys.stderr, flush=True)
        except MutantProblem as problem:
            problems.append(f"{mutant['name']}: trace not stored: {problem}")
    elif args.update_corpus:
        problems.append(f"{mutant['name']}: trace not stored: no minimized trace")
    if args.corpus_only:
        return None

    dpor_cells = format_search(found, executions, seconds, found_property)
    random_entry = run_check(binary, mutant,
                             ["--strategy", "random", "--seed", str(args.seed),
                              "--max-executions", str(args.random_executions)],
                             work_dir / "random")
    random_cells = format_search(*describe_search(random_entry, mutant["expect"]),
                                 budget=args.random_executions)
    relacy_cell = (relacy_result(binary, mutant, work_dir / "relacy", args.relacy_time_limit,
                                 args.relacy_executions)
                   if args.relacy else "not run")
    return [f"`{mutant['name']}`", mutant["class"], f"`{mutant['expect']}`", *dpor_cells,
            *random_cells, steps_cell, relacy_cell]


def build_table(args, mutants):
    """Run the mutants; return (table lines, number found by DPOR, problems)."""
    header = ["mutant", "class", "expected property", "found (DPOR)", "DPOR executions",
              "DPOR time", f"found (random, seed {args.seed})", "random executions",
              "random time", "minimized trace (steps)", "Relacy"]
    rows = []
    problems = []
    for mutant in mutants:
        print(f"{mutant['name']} ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant['name']}-") as temporary:
            row = run_mutant(args, mutant, Path(temporary), problems)
        if row:
            rows.append(row)
    caught = sum(1 for row in rows if row[3] == "yes")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines, caught, problems


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
                        help="fill the Relacy column: run each mutant under Relacy's three "
                             "schedulers")
    parser.add_argument("--relacy-time-limit", type=float, default=10,
                        help="seconds for each Relacy full or context-bound search (default 10)")
    parser.add_argument("--relacy-executions", type=int, default=1000,
                        help="executions of Relacy's random scheduler (default 1000)")
    parser.add_argument("--update-corpus", action="store_true",
                        help="also replace traces/corpus/mutant-NAME.json with each mutant's "
                             "minimized trace")
    parser.add_argument("--corpus-only", action="store_true",
                        help="only regenerate the stored traces: no random runs, no table "
                             "(implies --update-corpus)")
    parser.add_argument("--mutants", default="",
                        help="comma-separated mutant names to run (default: all); the table "
                             "then lists only these")
    args = parser.parse_args(argv)
    args.build_dir = args.build_dir.resolve()
    if args.corpus_only:
        args.update_corpus = True
    if args.update_corpus and not args.minimize:
        parser.error("--update-corpus and --corpus-only store minimized traces: drop --no-minimize")

    mutants = read_table(TABLE_FILE)
    if args.mutants:
        wanted = set(args.mutants.split(","))
        unknown = wanted - {mutant["name"] for mutant in mutants}
        if unknown:
            sys.exit(f"--mutants: unknown mutant(s): {', '.join(sorted(unknown))}")
        mutants = [mutant for mutant in mutants if mutant["name"] in wanted]

    started = time.monotonic()
    lines, caught, problems = build_table(args, mutants)
    elapsed = time.monotonic() - started

    if not args.corpus_only:
        write_table(args, mutants, lines, caught, elapsed)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


def write_table(args, mutants, lines, caught, elapsed):
    """Replace the table between the markers of args.output."""
    command = "tests/mutants/make_table.py --build-dir BUILD"
    if args.seed != 1 or args.random_executions != 10000:
        command += f" --seed {args.seed} --random-executions {args.random_executions}"
    if args.update_corpus:
        command += " --update-corpus"
    relacy_note = ""
    if args.relacy:
        command += (f" --relacy --relacy-time-limit {args.relacy_time_limit:g}"
                    f" --relacy-executions {args.relacy_executions}")
        missed = [line.split("|")[1].strip() for line in lines[2:]
                  if "missed" in line.split("|")[-2] and ":" in line.split("|")[-2]
                  and all("missed" in part for part in line.split("|")[-2].split("<br>"))]
        relacy_note = (f" Relacy reports a violation for {len(lines) - 2 - len(missed)} of "
                       f"{len(lines) - 2} mutants, under its own detectors' names; it misses "
                       f"{', '.join(missed) if missed else 'none'}.")
    summary = [
        f"{caught} of {len(mutants)} mutants found by DPOR with the expected property."
        f"{relacy_note} "
        f"Produced by `{command}` on {datetime.date.today().isoformat()}, on "
        f"{machine_description()}, in {elapsed:.0f} s of wall time. Times are the engine's "
        f"own, from the run's start to its first counterexample. The minimized trace is the "
        f"one `tpcheck minimize` makes from the DPOR run's counterexample.",
        "",
    ]
    block = "\n".join([BEGIN_MARKER, *summary, *lines, END_MARKER])

    text = args.output.read_text() if args.output.exists() else ""
    if BEGIN_MARKER not in text or END_MARKER not in text:
        sys.exit(f"{args.output} has no '{BEGIN_MARKER}' ... '{END_MARKER}' block to replace")
    head = text[:text.index(BEGIN_MARKER)]
    tail = text[text.index(END_MARKER) + len(END_MARKER):]
    args.output.write_text(head + block + tail)
    print(f"wrote the table of {len(mutants)} mutants to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
