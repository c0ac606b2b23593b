#!/usr/bin/env python3
"""Run one test of the mutant suite (tests/mutants/CMakeLists.txt).

Mutant mode (the default): the mutant's tpcheck checks SCENARIO at its
default bounds plus OPTIONS, and must exit with 1 (violation) and name the
expected property in its --json report.  With --check-traces it must also
write a counterexample trace, `tpcheck replay TRACE` must reproduce the
violation, and `tpcheck minimize TRACE -o OUT` must produce a trace that
still violates the same property.

Control mode (--control): the unpatched tpcheck checks SCENARIO with
OPTIONS and must find no violation and explore the whole tree within the
bounds, so that a mutant's violation comes from its seeded bug and not from
the options.  A missed reachability goal (exit 4) is accepted there,
because non-default options can make a scenario's goals unreachable.

Corpus mode (--corpus): TRACE is the mutant's stored counterexample in
traces/corpus/.  It must exist, record the scenario and the expected
property, and contain neither the repository's nor the build folder's
path.  `tpcheck
replay TRACE` with the mutant's tpcheck must reproduce it: the same
property at the same step.  The unpatched tpcheck must not reproduce it,
so that the trace shows the seeded bug and not a bug of the pool.

Stale-corpus mode (--stale-corpus): every traces/corpus/mutant-NAME.json
must belong to a mutant of mutants.txt.

Exit status: 0 when the test passes, 1 when it fails, 2 for a usage error.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

# tpcheck's exit codes.  For check: 0 pass, 1 violation, 4 a reachability
# goal missed.  For replay: 0 reproduced.  For minimize: 0 written.
EXIT_PASS = 0
EXIT_VIOLATION = 1
EXIT_GOAL_MISSED = 4

SOURCE_DIR = Path(__file__).resolve().parents[2]

# The stored counterexample of mutant NAME is CORPUS_PREFIX + NAME + ".json"
# in traces/corpus/.
CORPUS_PREFIX = "mutant-"


class TestFailure(Exception):
    """The test's expectation does not hold; the message says which one."""


def run(command, log_name, work_dir, echo=True):
    """Run a command, print it (and its output if echo), and keep the output in work_dir."""
    print("$ " + " ".join(str(part) for part in command), flush=True)
    completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, check=False)
    if echo:
        print(completed.stdout, end="", flush=True)
    (work_dir / log_name).write_text(completed.stdout)
    return completed


def load_json(path, what):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise TestFailure(f"cannot read the {what} {path}: {error}") from error


def property_names(tpcheck, work_dir):
    """Return the names `tpcheck list --json` gives for properties and detectors."""
    listing = run([tpcheck, "list", "--json"], "list.json", work_dir, echo=False)
    if listing.returncode != EXIT_PASS:
        raise TestFailure(f"`tpcheck list --json` exited with {listing.returncode}")
    try:
        document = json.loads(listing.stdout)
    except ValueError as error:
        raise TestFailure(f"`tpcheck list --json` printed invalid JSON: {error}") from error
    return {entry["name"] for entry in document.get("properties", [])}


def check_scenario(args, work_dir):
    """Run `tpcheck check` and return (exit code, the scenario's report entry)."""
    report_path = work_dir / "report.json"
    trace_dir = work_dir / "traces"
    trace_dir.mkdir()
    command = [args.tpcheck, "check", args.scenario, *args.options, "--json", str(report_path),
               "--trace-dir", str(trace_dir), "--no-progress"]
    completed = run(command, "check.txt", work_dir)
    if not report_path.exists():
        raise TestFailure(f"tpcheck check exited with {completed.returncode} and wrote no "
                          f"report to {report_path}")
    report = load_json(report_path, "JSON report")
    entries = [entry for entry in report.get("scenarios", [])
               if entry.get("scenario") == args.scenario]
    if len(entries) != 1:
        raise TestFailure(f"the report has {len(entries)} entries for scenario "
                          f"{args.scenario}, expected 1")
    return completed.returncode, entries[0]


def check_mutant(args, work_dir):
    known = property_names(args.tpcheck, work_dir)
    if args.expect not in known:
        raise TestFailure(f"expected property '{args.expect}' is not one that tpcheck checks; "
                          f"known: {', '.join(sorted(known))}")

    code, entry = check_scenario(args, work_dir)
    violation = entry.get("violation")
    if code != EXIT_VIOLATION or violation is None:
        raise TestFailure(
            f"mutant {args.name} was not caught: tpcheck exited with {code}, verdict "
            f"'{entry.get('verdict')}', after {entry.get('executions')} executions "
            f"(outcome '{entry.get('outcome')}'); expected a violation of {args.expect}")
    if violation.get("property") != args.expect:
        raise TestFailure(
            f"mutant {args.name} was caught by {violation.get('property')} "
            f"({violation.get('message')}), expected {args.expect}")
    print(f"mutant {args.name}: caught by {args.expect} after {entry.get('executions')} "
          f"executions in {entry.get('seconds', 0):.2f} s", flush=True)

    if args.check_traces:
        check_traces(args, violation, work_dir)


def check_replay(args, trace, work_dir, log_name):
    """Replay a trace: it must reproduce the expected property at the same step."""
    replay = run([args.tpcheck, "replay", str(trace)], log_name, work_dir)
    if replay.returncode != EXIT_PASS:
        raise TestFailure(f"`tpcheck replay {trace}` exited with {replay.returncode}: the replay "
                          f"diverged or found another violation")
    if ": reproduced (" not in replay.stdout or f"'{args.expect}' at step" not in replay.stdout:
        raise TestFailure(f"`tpcheck replay {trace}` does not report {args.expect} as reproduced")


def check_traces(args, violation, work_dir):
    trace = violation.get("trace") or ""
    if not trace or not Path(trace).is_file():
        raise TestFailure(f"tpcheck check wrote no counterexample trace (report names "
                          f"'{trace}')")
    check_replay(args, trace, work_dir, "replay.txt")

    minimized = work_dir / "minimized.json"
    minimize = run([args.tpcheck, "minimize", str(trace), "-o", str(minimized)],
                   "minimize.txt", work_dir)
    if minimize.returncode != EXIT_PASS or not minimized.is_file():
        raise TestFailure(f"`tpcheck minimize` exited with {minimize.returncode} and "
                          f"{'wrote' if minimized.is_file() else 'did not write'} {minimized}")
    document = load_json(minimized, "minimized trace")
    kept = document.get("violation", {}).get("property")
    if kept != args.expect:
        raise TestFailure(f"the minimized trace violates {kept}, expected {args.expect}")
    check_replay(args, minimized, work_dir, "replay-minimized.txt")
    original = load_json(trace, "trace")
    print(f"mutant {args.name}: trace of {len(original.get('steps', []))} steps minimized to "
          f"{len(document.get('steps', []))} steps", flush=True)


def regenerate_command(args):
    """Return the command line that writes the mutant's stored trace again."""
    build_dir = args.build_dir or "BUILD"
    return (f"tests/mutants/make_table.py --build-dir {build_dir} --corpus-only "
            f"--mutants {args.name}")


def replayed_violation(output):
    """Return (status, property, step) from the output of `tpcheck replay`."""
    status = re.search(r": (reproduced|diverged|violation_differs|engine_error) \(", output)
    violation = None
    for line in output.splitlines():
        match = re.match(r"^(\S+) at step (-?\d+): ", line)
        if match:
            violation = (match.group(1), int(match.group(2)))
    return (status.group(1) if status else None, *(violation or (None, None)))


def machine_paths(text, build_dir):
    """Return the repository and build folder paths that occur in a trace's text."""
    folders = [SOURCE_DIR] + ([Path(build_dir).resolve()] if build_dir else [])
    return [str(folder) for folder in folders if str(folder) + "/" in text]


def check_corpus(args, work_dir):
    trace_path = Path(args.trace)
    if not trace_path.is_file():
        raise TestFailure(f"mutant {args.name} has no stored counterexample {trace_path}: write "
                          f"it from the repository root with `{regenerate_command(args)}`")
    trace = load_json(trace_path, "stored trace")
    recorded = trace.get("violation", {})
    if trace.get("scenario") != args.scenario or recorded.get("property") != args.expect:
        raise TestFailure(
            f"{trace_path} records scenario {trace.get('scenario')} and property "
            f"{recorded.get('property')}, but mutants.txt gives mutant {args.name} scenario "
            f"{args.scenario} and property {args.expect}: regenerate it with "
            f"`{regenerate_command(args)}`")
    leaked = machine_paths(trace_path.read_text(), args.build_dir)
    if leaked:
        raise TestFailure(f"{trace_path} contains the path {leaked[0]}: stored traces must name "
                          f"files relative to the repository root")

    replay = run([args.tpcheck, "replay", str(trace_path)], "replay.txt", work_dir)
    status, found_property, found_step = replayed_violation(replay.stdout)
    if replay.returncode != EXIT_PASS or status != "reproduced":
        raise TestFailure(
            f"the mutant's `tpcheck replay {trace_path}` exited with {replay.returncode} "
            f"({status or 'no status'}): the stored trace no longer reproduces. If the change "
            f"to the pool or the engine is intended, regenerate it with "
            f"`{regenerate_command(args)}`")
    if (found_property, found_step) != (recorded.get("property"), recorded.get("step")):
        raise TestFailure(f"the replay reports {found_property} at step {found_step}, but the "
                          f"trace records {recorded.get('property')} at step "
                          f"{recorded.get('step')}")
    print(f"mutant {args.name}: {trace_path.name} reproduces {found_property} at step "
          f"{found_step}", flush=True)

    unpatched = run([args.unpatched_tpcheck, "replay", str(trace_path)], "replay-unpatched.txt",
                    work_dir)
    if unpatched.returncode == EXIT_PASS:
        raise TestFailure(f"the unpatched tpcheck also reproduces {trace_path}: the pool itself "
                          f"has the violation")
    if unpatched.returncode != EXIT_VIOLATION:
        raise TestFailure(f"the unpatched `tpcheck replay {trace_path}` exited with "
                          f"{unpatched.returncode}, expected 1 (diverged or another violation)")
    print(f"mutant {args.name}: the unpatched pool does not reproduce it", flush=True)


def check_stale_corpus(args):
    known = set(args.mutant_names)
    stale = sorted(path.name for path in Path(args.corpus_dir).glob(f"{CORPUS_PREFIX}*.json")
                   if path.name[len(CORPUS_PREFIX):-len(".json")] not in known)
    if stale:
        raise TestFailure(f"{args.corpus_dir} has traces of mutants that mutants.txt does not "
                          f"list: {', '.join(stale)}. Delete them, or rename them with their "
                          f"mutant")
    print(f"every {CORPUS_PREFIX}*.json trace in {args.corpus_dir} belongs to a listed mutant",
          flush=True)


def check_control(args, work_dir):
    code, entry = check_scenario(args, work_dir)
    if code not in (EXIT_PASS, EXIT_GOAL_MISSED) or entry.get("violation") is not None:
        violation = entry.get("violation") or {}
        raise TestFailure(
            f"the unpatched pool fails scenario {args.scenario} with {' '.join(args.options)}: "
            f"exit {code}, verdict '{entry.get('verdict')}', "
            f"{violation.get('property', 'no violation')}: {violation.get('message', '')}")
    if entry.get("outcome") != "exhaustive":
        raise TestFailure(f"the control run was not exhaustive within its bounds (outcome "
                          f"'{entry.get('outcome')}', stopped by {entry.get('stop_reason')})")
    print(f"control {args.scenario} {' '.join(args.options)}: no violation in "
          f"{entry.get('executions')} executions", flush=True)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tpcheck", help="the tpcheck binary to run")
    parser.add_argument("--scenario", help="the scenario to check")
    parser.add_argument("--work-dir", required=True, type=Path,
                        help="folder for the report, traces and logs (emptied first)")
    parser.add_argument("--name", default="", help="the mutant's name, for messages")
    parser.add_argument("--expect", default="",
                        help="the property the violation must name (mutant mode)")
    parser.add_argument("--control", action="store_true",
                        help="control mode: the scenario must pass")
    parser.add_argument("--check-traces", action="store_true",
                        help="also replay and minimize the counterexample trace")
    parser.add_argument("--corpus", action="store_true",
                        help="corpus mode: replay the stored trace given by --trace")
    parser.add_argument("--trace", help="the stored trace (corpus mode)")
    parser.add_argument("--unpatched-tpcheck",
                        help="the tpcheck built from the unpatched pool (corpus mode)")
    parser.add_argument("--build-dir", default="",
                        help="the build folder, named in the command that regenerates a trace")
    parser.add_argument("--stale-corpus", action="store_true",
                        help="stale-corpus mode: every mutant trace must belong to a mutant")
    parser.add_argument("--corpus-dir", help="the folder of stored traces (stale-corpus mode)")
    parser.add_argument("--mutant-names", nargs="*", default=[],
                        help="the mutants of mutants.txt (stale-corpus mode)")
    parser.add_argument("options", nargs="*",
                        help="extra `tpcheck check` arguments, after `--`")
    args = parser.parse_args(argv)
    if args.stale_corpus:
        if not args.corpus_dir or not args.mutant_names:
            parser.error("--stale-corpus needs --corpus-dir and --mutant-names")
        return args
    if not args.tpcheck or not args.scenario:
        parser.error("--tpcheck and --scenario are required")
    if not args.control and not args.expect:
        parser.error("--expect is required unless --control is given")
    if args.corpus and not (args.trace and args.unpatched_tpcheck and args.name):
        parser.error("--corpus needs --trace, --unpatched-tpcheck and --name")
    return args


def main(argv):
    args = parse_arguments(argv)
    work_dir = args.work_dir
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    try:
        if args.stale_corpus:
            check_stale_corpus(args)
        elif args.corpus:
            check_corpus(args, work_dir)
        elif args.control:
            check_control(args, work_dir)
        else:
            check_mutant(args, work_dir)
    except TestFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
