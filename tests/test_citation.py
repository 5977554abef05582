"""Citation and licence: CITATION.cff validates against the CFF 1.2.0 schema (cffconvert), agrees
with pyproject.toml, and the README says how to cite the tool and axelrod."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from tests.conftest import ROOT

CFF = ROOT / "CITATION.cff"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
AXELROD_DOI = "10.5334/jors.125"


def validate(path: Path) -> subprocess.CompletedProcess:
    """``cffconvert --validate`` on a file (the console script installed beside this Python)."""
    script = Path(sys.executable).parent / "cffconvert"
    return subprocess.run([str(script), "--validate", "-i", str(path)], capture_output=True,
                          text=True, timeout=60)


def test_citation_file_validates_and_an_invalid_one_does_not(tmp_path):
    valid = validate(CFF)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "valid according to schema version 1.2.0" in valid.stdout
    # the validator is not a formality: the same file without its authors is refused
    data = yaml.safe_load(CFF.read_text())
    del data["authors"]
    broken = tmp_path / "CITATION.cff"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True))
    refused = validate(broken)
    assert refused.returncode != 0 and "'authors' is a required property" in refused.stderr


def test_citation_agrees_with_pyproject_and_names_axelrod():
    data = yaml.safe_load(CFF.read_text())
    assert data["cff-version"] == "1.2.0"
    assert data["version"] == PYPROJECT["version"]
    assert data["license"] == PYPROJECT["license"] == "MIT"
    assert data["authors"] == [{"name": "The migration-tournaments authors"}]
    knight = data["references"][0]
    assert knight["doi"] == AXELROD_DOI
    assert [a["family-names"] for a in knight["authors"]] == ["Knight", "Campbell", "Harper"]
    assert (knight["journal"], knight["volume"], knight["issue"], knight["start"],
            knight["year"]) == ("Journal of Open Research Software", 4, 1, "e35", 2016)
    # the axelrod version cited is the one the reference results were made with
    software = next(r for r in data["references"] if r["title"] == "Axelrod")
    pinned = re.search(r"^axelrod==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M | re.I)
    assert software["version"] == pinned.group(1)


def test_license_is_the_mit_licence_pyproject_declares():
    text = (ROOT / "LICENSE").read_text()
    assert PYPROJECT["license"] == "MIT"
    assert text.startswith("MIT License\n\nCopyright (c) 2026 The migration-tournaments authors\n")
    assert "Permission is hereby granted, free of charge, to any person obtaining a copy" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


def test_readme_says_how_to_cite_the_tool_and_axelrod():
    readme = (ROOT / "README.md").read_text()
    section = re.search(r"^## How to cite\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    assert section, "README.md has no '## How to cite' section"
    text = section.group(1)
    assert "[`CITATION.cff`](CITATION.cff)" in text
    assert f"*Migration tournaments*, version {PYPROJECT['version']}" in text
    assert "Knight, V., Campbell, O., Harper, M., et al. (2016)" in text
    assert f"doi:{AXELROD_DOI}" in text
    assert "[docs/sources.md](docs/sources.md)" in text
