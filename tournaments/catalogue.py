"""The strategy catalogue: every strategy a config can name, as JSON-safe records.

Pure library code behind ``tournaments strategies [--json]``: project strategies (from the
registry), installed plug-ins (entry points of the group ``migration_tournaments.strategies``) and
axelrod's own strategies, each with whether the exact solver has a finite-state form for it
(:func:`tournaments.engines.exact.finite_state_form`) and whether it cheats (axelrod's
classifier).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import math
from typing import Any

from tournaments._axelrod import load as load_axelrod
from tournaments.model.roster import ENTRY_POINT_GROUP

#: The classifier's keys that say a strategy cheats: it reads or changes its opponent's code or
#: state (axelrod's ``obey_axelrod`` is false when any is true).
CHEATING_KEYS = ("inspects_source", "manipulates_source", "manipulates_state")


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


def _exact(cls: type, origin: str) -> bool:
    """Whether a default-built player of the class has a finite-state form (for axelrod's
    classes only those the forms may recognise are built: building some is slow)."""
    from tournaments.engines.axelrod_forms import recognised
    from tournaments.engines.exact import finite_state_form

    if origin == "axelrod" and not recognised(cls):
        return False
    try:
        player = cls()
    except Exception:  # noqa: BLE001 - a class that needs parameters: no default form
        return False
    return finite_state_form(player) is not None


def _cheats(cls: type) -> bool:
    classifier = dict(getattr(cls, "classifier", {}))
    return any(bool(classifier.get(key, False)) for key in CHEATING_KEYS)


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
        "exact": _exact(cls, origin),
        "cheats": _cheats(cls),
    }


def strategy_records() -> list[dict[str, Any]]:
    """One record per strategy: project ones (by key), plug-ins (by entry point), axelrod's.

    Returns
    -------
    list of dict
        Keys ``name``, ``key`` (registry key, entry-point name or axelrod class name),
        ``origin`` (``"project"``, ``"plug-in"`` or ``"axelrod"``), ``family``, ``parameters``
        (name → default), ``classifier`` (JSON-safe), ``description`` (the docstring's first
        line, with the rest of its paragraph), ``source``, ``exact`` (a default-built player —
        default parameters, no club, axelrod's default game, no match length — has a
        finite-state form, so ``engine: auto`` solves its pairs exactly) and ``cheats`` (its
        classifier says it inspects or manipulates its opponent's source or state; ``None``
        for a plug-in that failed to load). Project strategies come first in key order, then
        plug-ins by entry-point name, then axelrod's strategies by name.
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
                            "source": "", "exact": False, "cheats": None})
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


def _catalogue_section() -> list[str]:
    """The reference page's section on the catalogue's records, with axelrod's coverage by
    exact forms counted from the forms themselves."""
    from tournaments.engines.axelrod_forms import WINDOW_MAX_DEPTH, form_family, recognised
    from tournaments.engines.exact import MAX_JOINT_STATES
    from tournaments.model.automaton import MAX_FORM_STATES

    axl = load_axelrod()
    families: dict[str, int] = {}
    for cls in axl.strategies:
        family = form_family(cls()) if recognised(cls) else None
        if family is not None:
            families[family] = families.get(family, 0) + 1
    covered = sum(families.values())
    by_family = "; ".join(f"{count} {family}" for family, count in
                          sorted(families.items(), key=lambda kv: (-kv[1], kv[0])))
    return [
        "## The catalogue",
        "",
        "`tournaments strategies --json` prints one record per strategy a config can name — the "
        "project's (origin `project`), installed plug-ins (`plug-in`) and axelrod's "
        "(`axelrod`):",
        "",
        "| key | meaning |",
        "|---|---|",
        "| `name` | display name |",
        "| `key` | what a config names it by: registry key, entry-point name or axelrod class "
        "name |",
        "| `origin` | `project`, `plug-in` or `axelrod` |",
        "| `family` | the project's family (`axelrod` for axelrod's strategies) |",
        "| `parameters` | constructor parameter → default (`null` when it has none) |",
        "| `classifier` | axelrod's classifier (memory depth, stochastic, the match attributes "
        "it reads, ...); infinity as `\"inf\"` |",
        "| `description` | the docstring's first paragraph |",
        "| `source` | the literature (for axelrod's strategies, their `Names:` list) |",
        "| `exact` | `true` when a player built with default parameters (no club, axelrod's "
        "default game, no match length) has a finite-state form: with `match.engine: auto` "
        "its pairs with partners that have one too are solved exactly from their Markov chain "
        f"(when the joint chain has at most {MAX_JOINT_STATES:,} states), the others "
        "simulated |",
        "| `cheats` | `true` when axelrod's classifier says it inspects or manipulates its "
        "opponent's source or state (`inspects_source`, `manipulates_source`, "
        "`manipulates_state`); axelrod leaves such strategies out of `axelrod.strategies`. "
        "`null` for a plug-in that failed to load |",
        "",
        "Project strategies and plug-ins written as automata are exact unless their automaton "
        f"has more than {MAX_FORM_STATES:,} reachable states. Of axelrod's "
        f"{len(axl.strategies)} strategies that do not cheat, {covered} are exact "
        f"({by_family}): families read from their parameters (memory-one four-vectors, "
        "finite-state machines, hidden-Markov machines, lookup tables and gamblers, memory-two "
        "sixteen-vectors, cycles), classics written out by hand, and forms extracted from "
        "play — for a strategy with finite declared memory up to "
        f"{WINDOW_MAX_DEPTH} rounds, or a summary of its state reviewed for its class, the "
        "automaton is tabulated by running the strategy on every history and then checked "
        "against play (matches against a panel of classics, with and without noise, and "
        "random histories); a strategy that fails the checks is refused and simulated "
        "(`tournaments.engines.axelrod_forms`; `benchmarks/exact_coverage.py` lists them and "
        "checks every form against simulation). `exact` describes the default player: a form "
        "can depend on the parameters and on the match length — a strategy that reads a "
        "known length (Alexei, BackStabber, EugineNier) gets a form that counts the rounds, "
        "Michaelos none.",
        "",
    ]


def strategy_reference() -> str:
    """``docs/reference/strategies.md``: the project's strategies, from their docstrings and the
    registry (``tournaments strategies --markdown`` prints it; a test keeps the page current)."""
    from strategies.registry import project_strategies
    from tournaments.engines.exact import finite_state_form
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
    lines += ["", *_catalogue_section(), "## The strategies", ""]
    for key, cls in strategies.items():
        doc = inspect.getdoc(cls) or ""
        player = cls()
        classifier = player.classifier
        form = finite_state_form(player)
        exact = (f"exact form: {form.n_states} state{'s' * (form.n_states != 1)}"
                 if form is not None else
                 f"exact form: none (more than {MAX_FORM_STATES:,} states)")
        lines += [
            f"### `{key}` — {cls.name}",
            "",
            f"*{_description(cls)}* Family `{cls.family}`; class "
            f"`{cls.__module__}.{cls.__name__}`; memory depth {classifier['memory_depth']}; "
            f"stochastic: {'yes' if classifier['stochastic'] else 'no'}; {exact} (default "
            "parameters, a partner without a club).",
            "",
            _docstring_markdown(doc),
            "",
        ]
    return "\n".join(lines)
