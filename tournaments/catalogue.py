"""The strategy catalogue: every strategy a config can name, as JSON-safe records.

Pure library code behind ``tournaments strategies [--json]``: project strategies (from the
registry), installed plug-ins (entry points of the group ``migration_tournaments.strategies``) and
axelrod's own strategies.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import math
from typing import Any

from tournaments._axelrod import load as load_axelrod
from tournaments.model.roster import ENTRY_POINT_GROUP


def _json_safe(value: Any) -> Any:
    """Sets → sorted lists, ±inf → "inf"/"-inf", NaN → "nan", containers recursively."""
    if isinstance(value, set | frozenset):
        return sorted(_json_safe(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def _parameters(cls: type) -> dict[str, Any]:
    """``__init__`` keyword → default (``None`` for a parameter without one)."""
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return {}
    out = {}
    for name, p in signature.parameters.items():
        if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        out[name] = _json_safe(None if p.default is inspect.Parameter.empty else p.default)
    return out


def _description(cls: type) -> str:
    """The docstring's first line, continued to the end of its paragraph (one line)."""
    doc = (inspect.getdoc(cls) or "").strip()
    paragraph = doc.split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def _axelrod_names(cls: type) -> str:
    """The ``Names:`` list of an axelrod strategy's docstring (its literature), one line."""
    doc = inspect.getdoc(cls) or ""
    if "Names:" not in doc:
        return ""
    lines = doc.split("Names:", 1)[1].strip().splitlines()
    items = [ln.strip().lstrip("-").strip() for ln in lines if ln.strip()]
    return "; ".join(items)


def _record(cls: type, key: str, origin: str) -> dict[str, Any]:
    source = getattr(cls, "source", "") or ""
    if origin == "axelrod" and not source:
        source = _axelrod_names(cls)
    return {
        "name": getattr(cls, "name", cls.__name__),
        "key": key,
        "origin": origin,
        "family": getattr(cls, "family", "") or ("axelrod" if origin == "axelrod" else ""),
        "parameters": _parameters(cls),
        "classifier": _json_safe(dict(getattr(cls, "classifier", {}))),
        "description": _description(cls),
        "source": source,
    }


def strategy_records() -> list[dict[str, Any]]:
    """One record per strategy: project ones (by key), plug-ins (by entry point), axelrod's.

    Returns
    -------
    list of dict
        Keys ``name``, ``key`` (registry key, entry-point name or axelrod class name),
        ``origin`` (``"project"``, ``"plug-in"`` or ``"axelrod"``), ``family``, ``parameters``
        (name → default), ``classifier`` (JSON-safe), ``description`` (the docstring's first
        line, with the rest of its paragraph)
        and ``source``. Project strategies come first in key order, then plug-ins by entry-point
        name, then axelrod's strategies by name.
    """
    axl = load_axelrod()
    from strategies.registry import project_strategies

    records = [_record(cls, key, "project") for key, cls in project_strategies().items()]
    entry_points = sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
                          key=lambda ep: ep.name)
    for ep in entry_points:
        try:
            cls = ep.load()
        except Exception as err:  # a broken plug-in is listed, not fatal to the catalogue
            records.append({"name": ep.name, "key": ep.name, "origin": "plug-in", "family": "",
                            "parameters": {}, "classifier": {},
                            "description": f"failed to load {ep.value}: "
                                           f"{type(err).__name__}: {err}",
                            "source": ""})
            continue
        records.append(_record(cls, ep.name, "plug-in"))
    for cls in sorted(axl.all_strategies, key=lambda c: c.name):
        records.append(_record(cls, cls.__name__, "axelrod"))
    return records


def _docstring_markdown(doc: str) -> str:
    """A numpydoc class docstring (after its summary line) as Markdown: the ``Parameters``
    section becomes a list, everything else is kept as written."""
    lines = doc.split("\n\n", 1)[1].splitlines() if "\n\n" in doc else []
    out, k = [], 0
    while k < len(lines):
        if lines[k].strip() == "Parameters" and k + 1 < len(lines) and set(lines[k + 1]) == {"-"}:
            out.append("**Parameters**\n")
            k += 2
            while k < len(lines) and lines[k].strip():
                name, _, kind = lines[k].partition(" : ")
                k += 1
                text = []
                while k < len(lines) and lines[k].startswith("    "):
                    text.append(lines[k].strip())
                    k += 1
                out.append(f"- `{name.strip()}` ({kind.strip()}): {' '.join(text)}")
            continue
        out.append(lines[k])
        k += 1
    return "\n".join(out).strip()


def strategy_reference() -> str:
    """``docs/reference/strategies.md``: the project's strategies, from their docstrings and the
    registry (``tournaments strategies --markdown`` prints it; a test keeps the page current)."""
    from strategies.registry import project_strategies
    from tournaments.model.automaton import MAX_FORM_STATES

    strategies = project_strategies()
    lines = [
        "# Strategy reference",
        "",
        "The project's state strategies (origin `project`), generated from their class "
        "docstrings by `tournaments strategies --markdown`. Every one of axelrod's ~240 "
        "strategies is usable by name beside them (`tournaments strategies` lists them all). "
        "Parameters go in a roster entry's `params`; a parameter outside its range is a config "
        "error (exit code 2). Every project strategy is written as an automaton "
        "(`tournaments.strategy.AutomatonStrategy`) that drives its play and that the exact "
        "solver enumerates; the *Automaton* paragraph of each says what its states are. "
        f"An automaton with more than {MAX_FORM_STATES:,} reachable states, or a pair whose "
        "joint chain exceeds that, is simulated. Sources are cited in full in "
        "[../sources.md](../sources.md).",
        "",
        "The runner fills in `continuation` (from `match.continuation`), `discount` (from the "
        "entry's `discount`) and `club` (from the entry's `club`) for a strategy whose "
        "constructor takes them, unless `params` sets them.",
        "",
        "## Overview",
        "",
        "| key | name | family | parameters (default) | source |",
        "|---|---|---|---|---|",
    ]
    for key, cls in strategies.items():
        params = ", ".join(f"`{k}` = {v!r}" for k, v in _parameters(cls).items()) or "—"
        lines.append(f"| `{key}` | {cls.name} | {cls.family} | {params} | {cls.source} |")
    lines += ["", "## The strategies", ""]
    for key, cls in strategies.items():
        doc = inspect.getdoc(cls) or ""
        player = cls()
        classifier = player.classifier
        lines += [
            f"### `{key}` — {cls.name}",
            "",
            f"*{_description(cls)}* Family `{cls.family}`; class "
            f"`{cls.__module__}.{cls.__name__}`; memory depth {classifier['memory_depth']}; "
            f"stochastic: {'yes' if classifier['stochastic'] else 'no'}.",
            "",
            _docstring_markdown(doc),
            "",
        ]
    return "\n".join(lines)
