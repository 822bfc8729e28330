#!/usr/bin/env python3
"""Validates every e2e report golden: SARIF against the official SARIF 2.1.0 schema and GitHub
code scanning's ingestion rules, JSON against docs/report.schema.json. The e2e test proves the
goldens are what upcheck prints, so this validates upcheck's real output."""
import glob
import json
import os
import sys

import jsonschema

root = sys.argv[1]  # project source root
sarif_schema = json.load(open(os.path.join(root, "testdata/schemas/sarif-schema-2.1.0.json")))
report_schema = json.load(open(os.path.join(root, "docs/report.schema.json")))
failures = []


def fail(path, message):
    failures.append(f"{path}: {message}")


def check_github_rules(path, sarif):
    """What GitHub code scanning rejects or mishandles, beyond the schema."""
    for run in sarif["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        for rule in rules:
            for field in ("id", "name", "shortDescription", "fullDescription", "help", "helpUri",
                          "defaultConfiguration"):
                if field not in rule:
                    fail(path, f"rule {rule.get('id')} lacks {field}")
            if "markdown" not in rule.get("help", {}):
                fail(path, f"rule {rule.get('id')} has no markdown help")
        if len(run.get("results", [])) > 25000:
            fail(path, "more than 25,000 results in a run")
        for i, result in enumerate(run.get("results", [])):
            where = f"result {i} ({result.get('ruleId')})"
            if not result.get("locations"):
                fail(path, f"{where} has no location: GitHub rejects the whole upload")
                continue
            loc = result["locations"][0].get("physicalLocation", {})
            uri = loc.get("artifactLocation", {}).get("uri", "")
            if not uri or uri.startswith("/") or "://" in uri:
                fail(path, f"{where} URI {uri!r} is not relative to the repository")
            if loc.get("region", {}).get("startLine", 0) < 1:
                fail(path, f"{where} has no startLine")
            index = result.get("ruleIndex")
            if index is None or index >= len(rules) or rules[index]["id"] != result["ruleId"]:
                fail(path, f"{where} ruleIndex does not point at its rule")
            if not result.get("partialFingerprints"):
                fail(path, f"{where} has no partialFingerprints")


checked = 0
for path in sorted(glob.glob(os.path.join(root, "testdata/e2e/*/expected.sarif"))):
    sarif = json.load(open(path))
    try:
        jsonschema.validate(sarif, sarif_schema)
    except jsonschema.ValidationError as e:
        fail(path, f"SARIF schema: {e.message} at {list(e.absolute_path)}")
    check_github_rules(path, sarif)
    checked += 1
for path in sorted(glob.glob(os.path.join(root, "testdata/e2e/*/expected.json"))):
    try:
        jsonschema.Draft202012Validator(report_schema).validate(json.load(open(path)))
    except jsonschema.ValidationError as e:
        fail(path, f"report schema: {e.message} at {list(e.absolute_path)}")
    checked += 1
if checked == 0:
    fail(root, "no e2e reports to validate")
for f in failures:
    print(f)
print(f"validated {checked} reports, {len(failures)} problems")
sys.exit(1 if failures else 0)
