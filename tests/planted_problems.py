#!/usr/bin/env python3
"""The benchmark's synthetic cluster plants known problems and writes an answer file naming the
rule that must report each (../shared/bench/gen_cluster.py --expected). For every rule upcheck
has, its findings on the generated dumps (YAML and JSON) must be exactly the planted ones: no
planted problem missed, none invented.

Usage: planted_problems.py UPCHECK_BINARY SOURCE_ROOT
Exit 77 (meson's "skipped") when shared/ is not beside the checkout, unless
UPCHECK_REQUIRE_SHARED=1 (CI sets it), in which case that is a failure."""
import json
import os
import subprocess
import sys
import tempfile

upcheck, root = sys.argv[1], sys.argv[2]
script = os.path.join(root, "..", "shared", "bench", "gen_cluster.py")
if not os.path.exists(script):
    print(f"{script} is missing: shared/ must sit beside the checkout")
    sys.exit(1 if os.environ.get("UPCHECK_REQUIRE_SHARED") == "1" else 77)

rules = {r["name"] for r in json.loads(subprocess.run([upcheck, "rules", "-o", "json"], check=True,
                                                     capture_output=True, text=True).stdout)}
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    for fmt in ("yaml", "json"):
        dump = os.path.join(tmp, f"dump.{fmt}")
        answers = os.path.join(tmp, f"expected-{fmt}.json")
        with open(dump, "w") as out:
            subprocess.run([sys.executable, script, "--namespaces", "40", "--deployments", "6", "--pods", "2",
                            "--format", fmt, "--expected", answers], check=True, stdout=out)
        planted = json.load(open(answers))
        run = subprocess.run([upcheck, "check", "--no-config", "--to", "1.2", "-o", "json", dump],
                             capture_output=True, text=True)
        report = json.loads(run.stdout)
        if report["errors"]:
            print(f"{fmt}: load errors: {report['errors']}")
            failures += 1

        def key(rule, obj):
            if obj is None:
                return (rule, None, None, None)
            return (rule, obj["kind"], obj["namespace"], obj["name"])

        # skip-level-upgrade depends on the target; tests/planted_problems_test.cpp scores it per target.
        checked = sorted(({p["rule"] for p in planted} & rules) - {"skip-level-upgrade"})
        for rule in checked:
            want = set()
            for p in planted:
                if p["rule"] != rule:
                    continue
                if "kind" in p:
                    want.add(key(rule, {"kind": p["kind"], "namespace": p.get("namespace"), "name": p["name"]}))
                else:
                    want.add((rule, "plan"))
            got = set()
            for f in report["findings"]:
                if f["rule"] != rule:
                    continue
                got.add((rule, "plan") if any(w[1] == "plan" for w in want) else key(rule, f["object"]))
            if want != got:
                failures += 1
                print(f"{fmt}: {rule}: missed {sorted(want - got, key=str)}, invented {sorted(got - want, key=str)}")
        print(f"{fmt}: {len(planted)} planted problems; checked rules {', '.join(checked)}")
print(f"planted problems: {'FAILED' if failures else 'all found exactly'}")
sys.exit(1 if failures else 0)
