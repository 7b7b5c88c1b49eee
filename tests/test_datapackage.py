"""data/datapackage.json is a Data Package that a standard Frictionless validator accepts.

The Data Package spec (v1): a package's `profile` defaults to `data-package`; the profile
`tabular-data-package` requires every resource to be a Tabular Data Resource, so a package that
also holds a text (data/case_article.txt) declares `data-package`, and each resource declares its
own profile: `tabular-data-resource` (a path and a Table Schema) for the CSV tables and
`data-resource` for the text. The x- properties are the course's own and are ignored by the
validator (pactlab check-data enforces them).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import frictionless

DATA = Path(__file__).resolve().parents[1] / "data"
TABULAR = "tabular-data-resource"


def descriptor() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def errors(report) -> list[str]:
    out = [f"{e.type}: {e.message}" for e in report.errors]
    for task in report.tasks:
        out += [f"{task.name}: {e.type}: {e.message}" for e in task.errors]
    return out


def test_frictionless_accepts_the_data_package():
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, "frictionless rejects data/datapackage.json:\n  " + \
        "\n  ".join(errors(report)[:20])
    resources = {r["name"] for r in descriptor()["resources"]}
    assert {task.name for task in report.tasks} == resources  # every resource was checked


def test_frictionless_rejects_a_tabular_package_with_a_text_resource(tmp_path):
    """The validator really checks the profile: the old declaration fails it."""
    for path in DATA.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    wrong = descriptor()
    wrong["profile"] = "tabular-data-package"
    (tmp_path / "datapackage.json").write_text(json.dumps(wrong), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert any("tabular-data-package" in e for e in errors(report)), errors(report)


def test_profiles_follow_the_spec():
    pkg = descriptor()
    resources = pkg["resources"]
    kinds = {r["name"]: r.get("profile", "data-resource") for r in resources}
    assert pkg.get("profile", "data-package") in ("data-package", "tabular-data-package")
    if pkg.get("profile") == "tabular-data-package":
        assert set(kinds.values()) == {TABULAR}, \
            "a tabular-data-package may hold only tabular-data-resource resources"
    for res in resources:
        tabular = res["path"].endswith(".csv")
        assert kinds[res["name"]] == (TABULAR if tabular else "data-resource"), \
            f"data/datapackage.json: resource {res['name']!r} ({res['path']}) should declare " \
            f"profile {TABULAR if tabular else 'data-resource'!r}"
        if tabular:
            assert res.get("schema", {}).get("fields"), f"{res['name']}: a tabular resource " \
                "needs a Table Schema"
    assert "data-resource" in kinds.values() and TABULAR in kinds.values()
