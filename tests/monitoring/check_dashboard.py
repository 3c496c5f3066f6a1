#!/usr/bin/env python3
"""Checks helm/loyalty/files/grafana-dashboard.json: valid JSON, unique panel ids, every panel
with a position, the ${datasource} variable and at least one query; and every query, with
Grafana's variables replaced, is PromQL that `promtool check rules` parses.

Usage: check_dashboard.py DASHBOARD.json (promtool on PATH). Which metrics the queries name is
checked against the real services by monitoring_scrape_test."""

import json
import os
import subprocess
import sys
import tempfile

VARIABLES = {"$__rate_interval": "5m", "$namespace": ".*", "${datasource}": "prometheus"}


def fail(message):
    print(f"check_dashboard: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        fail("usage: check_dashboard.py DASHBOARD.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        dashboard = json.load(f)
    if not dashboard.get("uid") or not dashboard.get("title"):
        fail("the dashboard needs a uid and a title")
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    if variables != {"datasource", "namespace"}:
        fail(f"variables {sorted(variables)}, want datasource and namespace")
    ids = set()
    exprs = []
    for panel in dashboard["panels"]:
        title = panel.get("title", "?")
        if panel["id"] in ids:
            fail(f"panel id {panel['id']} ({title}) used twice")
        ids.add(panel["id"])
        if not {"x", "y", "w", "h"} <= panel.get("gridPos", {}).keys():
            fail(f"panel {title}: no gridPos")
        if panel["type"] == "row":
            continue
        if panel["datasource"].get("uid") != "${datasource}":
            fail(f"panel {title}: its datasource is not ${{datasource}}")
        targets = panel.get("targets", [])
        if not targets:
            fail(f"panel {title}: no query")
        if len({t["refId"] for t in targets}) != len(targets):
            fail(f"panel {title}: refIds repeat")
        for target in targets:
            if target["datasource"].get("uid") != "${datasource}" or not target.get("expr"):
                fail(f"panel {title}: a query without expr or the ${{datasource}}")
            exprs.append(target["expr"])
    exprs.append(dashboard["templating"]["list"][1]["definition"].replace(
        "label_values(", "count by (namespace) (").replace(", namespace)", ")"))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as rules:
        rules.write("groups:\n  - name: dashboard\n    rules:\n")
        for i, expr in enumerate(exprs):
            for name, value in VARIABLES.items():
                expr = expr.replace(name, value)
            rules.write(f"      - record: dashboard:query{i}\n        expr: {json.dumps(expr)}\n")
    try:
        checked = subprocess.run(["promtool", "check", "rules", rules.name],
                                 capture_output=True, text=True)
    finally:
        os.unlink(rules.name)
    if checked.returncode != 0:
        fail(f"a query does not parse:\n{checked.stdout}{checked.stderr}")
    print(f"check_dashboard: {len(ids)} panels, {len(exprs)} queries parse")


if __name__ == "__main__":
    main()
