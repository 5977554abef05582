"""Citation and licence: CITATION.cff validates against the CFF 1.2.0 schema (cffconvert), agrees
with pyproject.toml, the README says how to cite the tool and axelrod, and the bibliography of
docs/sources.md holds every work the code cites."""

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


#: An author–year citation in code: "Axelrod 1984", "Nowak & Sigmund (1993)", "Omidshafiei et al.
#: 2019", "Nowak, M. A., Sasaki, A. ... (2004)"; group 1 is the first author (not the second half
#: of a hyphenated name), group 2 the year.
CITED = re.compile(r"(?<![\w-])([A-Z][a-zé]+)(?:,? [A-Z]\.(?: [A-Z]\.)?)?"
                   r"(?:(?:,| &| and) [A-Z][a-zé]+(?:-[A-Z][a-zé]+)?(?:, [A-Z]\.(?: [A-Z]\.)?)?)*"
                   r"(?: et al\.)?,? \(?((?:19|20)\d\d)\)?")


def bibliography() -> set[tuple[str, str]]:
    """(first author, year) of every entry of docs/sources.md's bibliography."""
    text = (ROOT / "docs" / "sources.md").read_text().split("## Bibliography", 1)[1]
    entries = re.findall(r"^- (?:\*\*\[\d+\]\*\* )?([A-Z][a-zé]+),.*?\(((?:19|20)\d\d)\)", text,
                         re.M)
    return set(entries)


def test_the_bibliography_holds_every_work_the_code_cites():
    entries = bibliography()
    assert {("Knight", "2016"), ("Hollifield", "2024"), ("Walt", "2021"), ("Putnam", "1988"),
            ("Press", "2012")} <= entries
    cited = {}
    for folder in ("tournaments", "strategies", "examples"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for match in CITED.finditer(path.read_text()):
                cited.setdefault(match.groups(), path.relative_to(ROOT))
    assert ("Fudenberg", "2006") in cited and ("Howard", "1960") in cited  # the pattern reads both
    missing = {f"{name} {year} ({path})" for (name, year), path in cited.items()
               if (name, year) not in entries}
    assert not missing, f"cited in code but not in docs/sources.md: {sorted(missing)}"
