#!/usr/bin/env python3
"""Check the trace schema and the stored traces with Python's jsonschema.

A second opinion on the C++ subset validator of the trace tests: the schema
must be a valid draft 2020-12 schema, and every stored trace must pass it.
Exits with 77 (a CTest skip) when the jsonschema module is missing.

usage: check_schema.py SCHEMA FOLDER...
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("SKIPPED: the Python module jsonschema is not installed "
          "(Debian package python3-jsonschema)")
    sys.exit(77)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    checked = 0
    failed = 0
    for folder in sys.argv[2:]:
        for path in sorted(pathlib.Path(folder).glob("*.json")):
            errors = list(validator.iter_errors(json.loads(path.read_text())))
            for error in errors:
                location = "/".join(str(part) for part in error.absolute_path) or "(root)"
                print(f"{path}: {location}: {error.message}")
            failed += bool(errors)
            checked += 1
    print(f"{checked - failed} passed, {failed} failed")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
