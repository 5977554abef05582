"""From roster entries to axelrod players.

A config names a strategy in one of these ways (first match wins, ambiguity is an error):

1. ``path/to/file.py:Class`` — a plug-in file (relative to the config file's folder);
2. ``package.module:Class`` — a module of an installed package, or ``module.py`` in the config's
   folder (:mod:`tournaments.model.plugins`);
3. a project registry key (``suasion``) or display name (``Suasion``);
4. an entry point of the group ``migration_tournaments.strategies`` (installed plug-ins);
5. an axelrod class name (``TitForTat``) or display name (``Tit For Tat``).
"""

from __future__ import annotations

import copy
import difflib
import importlib
import importlib.metadata
import importlib.util
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from tournaments._axelrod import copy_player
from tournaments._axelrod import load as load_axelrod
from tournaments.errors import ConfigError, UserError
from tournaments.model import plugins
from tournaments.model.config import Config

ENTRY_POINT_GROUP = "migration_tournaments.strategies"
#: ``__init__`` keywords the runner fills from the config (see :mod:`tournaments.strategy`).
RUNNER_PARAMS = ("continuation", "discount", "club")
#: axelrod's classifiers of strategies whose play depends on the process they run in.
CHEATING_CLASSIFIERS = ("inspects_source", "manipulates_state", "manipulates_source")


@dataclass(frozen=True)
class PlayerSpec:
    """Everything needed to build one roster entry's player, in any process."""

    index: int
    label: str
    cls: type
    params: dict[str, Any] = field(hash=False)
    origin: str
    club: str | None = None
    role: str | None = None
    discount: float = 1.0
    count: int = 1
    #: Class attributes of a cheating strategy as imported, restored before each player is
    #: made (``allow_cheating``): its play then never depends on matches played before.
    class_state: tuple = field(default=(), hash=False)

    def make(self):
        """A fresh player with the entry's public information attached."""
        for owner, name, value in self.class_state:
            setattr(owner, name, copy.deepcopy(value))
        player = self.cls(**self.params)
        player.club = self.club
        player.role = self.role
        return player

    def factory(self) -> Callable[[], Any]:
        """A function returning fresh players of the entry, each as :meth:`make` builds it:
        copies of one player made now (:func:`~tournaments._axelrod.copy_player`, cheaper than
        building: a meta player builds its whole team), or ``make`` itself for a player with
        class state to restore or one holding what cannot be copied (a generator)."""
        if self.class_state:
            return self.make
        template = self.make()
        try:
            copy_player(template)
        except Exception:  # noqa: BLE001 - whatever deepcopy raises: built each time instead
            return self.make
        return partial(copy_player, template)

    @property
    def strategy_name(self) -> str:
        return self.make().name


@cache
def catalogue() -> dict[str, list[tuple[str, type]]]:
    """Every name a config may use (other than ``module:Class``) → [(origin, class)]."""
    axl = load_axelrod()
    from strategies.registry import project_strategies

    names: dict[str, list[tuple[str, type]]] = {}

    def add(name: str, origin: str, cls: type) -> None:
        hits = names.setdefault(name, [])
        if all(c is not cls for _, c in hits):
            hits.append((origin, cls))

    for key, cls in project_strategies().items():
        for name in (key, cls.name, cls.__name__):
            add(name, "project", cls)
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
        except Exception as err:  # a broken plug-in package must not break every run
            raise UserError(f"entry point {ep.name!r} ({ep.value}) failed to load: {err}") from err
        for name in (ep.name, cls.name, cls.__name__):
            add(name, "plug-in", cls)
    for cls in axl.all_strategies:
        for name in (cls.name, cls.__name__):
            add(name, "axelrod", cls)
    return names


def resolve(name: str, *, source: str = "<dict>", key: str = "strategy",
            base_dir: Path | None = None,
            code: dict[str, plugins.Source] | None = None) -> tuple[type, str]:
    """The class a config's strategy name refers to, and its origin.

    A plug-in file's code comes from ``code`` (a config's :attr:`Config.plugins`) or, without it,
    is read from ``base_dir`` (:mod:`tournaments.model.plugins`).

    Raises
    ------
    ConfigError
        Unknown or ambiguous names (with close matches), plug-ins that fail to load.
    """
    axl = load_axelrod()
    if ":" in name:
        found = code.get(name) if code is not None else plugins.read(
            name, base_dir, source=source, key=key)
        cls = plugins.load_class(name, found, source=source, key=key)
        if not (isinstance(cls, type) and issubclass(cls, axl.Player)):
            raise ConfigError(source, key, name, "a subclass of axelrod.Player")
        return cls, "plug-in"
    hits = catalogue().get(name, [])
    if len(hits) == 1:
        cls, origin = hits[0][1], hits[0][0]
        return cls, origin
    if len(hits) > 1:
        options = "; ".join(f"{o}: {c.__module__}:{c.__name__}" for o, c in hits)
        raise ConfigError(source, key, name,
                          f"an unambiguous name; this one means several strategies ({options}) — "
                          "name one as module:Class")
    close = difflib.get_close_matches(name, list(catalogue()), n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ConfigError(source, key, name,
                      "a project strategy (tournaments strategies lists them), an axelrod "
                      f"strategy, module:Class or path/to/file.py:Class{hint}")


def cheating(cls: type) -> list[str]:
    """The cheating classifiers (:data:`CHEATING_CLASSIFIERS`) a strategy class carries."""
    classifier = getattr(cls, "classifier", {}) or {}
    return [name for name in CHEATING_CLASSIFIERS if classifier.get(name)]


def _class_state(cls: type) -> tuple:
    """Every plain class attribute of ``cls`` and its bases below ``axelrod.Player``."""
    axl = load_axelrod()
    state = []
    for owner in cls.__mro__:
        if owner is axl.Player or not issubclass(owner, axl.Player):
            break
        for name, value in vars(owner).items():
            if not name.startswith("__") and not callable(value) and not isinstance(
                    value, property | classmethod | staticmethod):
                state.append((owner, name, copy.deepcopy(value)))
    return tuple(state)


def build_specs(config: Config, *, source: str = "<dict>") -> list[PlayerSpec]:
    """Resolve and check every roster entry; labels are made unique in roster order.

    Each entry is instantiated once here, so bad parameters fail before any match is played.
    A strategy that cheats (:data:`CHEATING_CLASSIFIERS`) is refused unless the config sets
    ``allow_cheating``.
    """
    base_dir = Path(source).parent if source != "<dict>" else None
    specs: list[PlayerSpec] = []
    used: set[str] = {e.label for e in config.roster if e.label}
    for i, entry in enumerate(config.roster):
        cls, origin = resolve(entry.strategy, source=source, key=f"roster[{i}].strategy",
                              base_dir=base_dir, code=config.plugins)
        flags = cheating(cls)
        if flags and not config.allow_cheating:
            raise ConfigError(source, f"roster[{i}].strategy", entry.strategy,
                              f"a strategy that does not cheat (axelrod classifies it "
                              f"{', '.join(flags)}: its play depends on the process it runs "
                              "in); set allow_cheating: true to play it anyway")
        params = dict(entry.params)
        accepted = inspect.signature(cls.__init__).parameters
        club = entry.club
        if "club" in params and "club" in accepted:
            if club is not None and params["club"] != club:
                raise ConfigError(source, f"roster[{i}].params.club", params["club"],
                                  f"the entry's club {club!r} (or leave params.club out)")
            club = params["club"]
        runner_values = {"continuation": config.match.continuation, "discount": entry.discount,
                         "club": club}
        for name in RUNNER_PARAMS:
            if name in accepted and name not in params and runner_values[name] is not None:
                params[name] = runner_values[name]
        try:
            player = cls(**params)
        except (TypeError, ValueError) as err:
            allowed = ", ".join(p for p in accepted if p != "self") or "no parameters"
            raise ConfigError(source, f"roster[{i}].params", dict(entry.params),
                              f"parameters of {cls.__name__} ({allowed}): {err}") from None
        label = entry.label
        if label is None:
            label, n = player.name, 2
            while label in used:
                label, n = f"{player.name} ({n})", n + 1
            used.add(label)
        specs.append(PlayerSpec(index=i, label=label, cls=cls, params=params, origin=origin,
                                club=club, role=entry.role, discount=entry.discount,
                                count=entry.count,
                                class_state=_class_state(cls) if flags else ()))
    return specs
