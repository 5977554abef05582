"""The run config: YAML in, a validated, typed, frozen model out.

The core never sees raw dicts. Every default is filled in, and :meth:`Config.resolved` gives the
form written back as a run's ``config.yaml`` (loading that file gives the same config). Errors
are :class:`~tournaments.errors.ConfigError` naming the file, the key path, the value and what is
allowed. Strategy names are checked later, by :mod:`tournaments.model.roster`, because that needs
axelrod (a slow import).

Nothing a user writes is silently ignored: a key that would not change what runs (the number of
Moran runs in a tournament, the cross-club probability of a round robin, repetitions under the
exact engine) is an error, and :meth:`Config.resolved` leaves such keys out.

Hostile input is bounded before it costs anything: a YAML file larger than
:data:`MAX_CONFIG_BYTES` is refused before it is read, nesting deeper than :data:`MAX_NESTING`
and more than :data:`MAX_YAML_NODES` nodes once aliases are expanded (a "billion laughs") are
refused while the file is composed, before any Python object is built. Every number is finite
(free-form ``params`` and ``sweep`` included), payoffs and the transfer efficiency are at most
:data:`MAX_MAGNITUDE` in size, and labels and clubs cannot start like a spreadsheet formula
(:data:`FORMULA_START`). What a run will cost is checked later, from the plan, by
:mod:`tournaments.model.budget` against the ``limits`` section.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from tournaments.errors import ConfigError, ConfigErrors, UserError
from tournaments.model import games, plugins

DEFAULT_TURNS = 200

#: Largest config file read (1 MiB). The YAML parser reads about 0.25 MiB of config per second,
#: so a file at the bound is parsed in ~4 s; a roster of thousands of entries takes a few
#: hundred KB. A larger file is refused before it is read.
MAX_CONFIG_BYTES = 2**20
#: Deepest nesting of lists and mappings (the top-level mapping is level 1), in the file and once
#: aliases are expanded: every config key lives at depth 6 or less, and a deeper structure would
#: overflow Python's recursion in the parser, validation or output.
MAX_NESTING = 64
#: Most YAML nodes (scalars, lists, mappings) once anchors and aliases are expanded, counted on
#: the composed node graph in linear time. A file within :data:`MAX_CONFIG_BYTES` holds at most
#: about 500,000 nodes, so only alias expansion (a "billion laughs") reaches the bound.
MAX_YAML_NODES = 1_000_000
#: Largest magnitude of a stage-game payoff and of the transfer efficiency. The tables sum
#: payoffs over the rounds of a run (at most :data:`MAX_ROUNDS_CEILING`, 1e15) and the standard
#: errors sum their squares: at most 1e27 and 1e54, far below float64's overflow at 1.8e308 (a
#: payoff of 1e308 overflows at the second round). Payoffs of a migration game are ordinal
#: utilities, rarely above 100.
MAX_MAGNITUDE = 1e12
#: Largest ``limits.max_rounds`` a config may set.
MAX_ROUNDS_CEILING = 1e15
#: Text starting with one of these is run as a formula by a spreadsheet that opens a CSV; labels
#: and clubs are written into every table, so a config cannot start them so.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _magnitude(what: str):
    """A validator refusing a number larger than :data:`MAX_MAGNITUDE` in size."""

    def check(value: float) -> float:
        if abs(value) > MAX_MAGNITUDE:
            raise ValueError(f"{what} of magnitude at most {MAX_MAGNITUDE:g} (sums over rounds "
                             "must stay finite)")
        return value

    return AfterValidator(check)


#: A stage-game payoff: finite and at most :data:`MAX_MAGNITUDE` in size.
Payoff = Annotated[float, _magnitude("a payoff")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class GameConfig(_Strict):
    """A stage game: a built-in ``kind`` with optional payoff overrides, an inline symmetric game
    ``{R, S, T, P}`` or an asymmetric one ``{A, B}``."""

    kind: (
        Literal["prisoners_dilemma", "stag_hunt", "leader_leads", "symmetric", "asymmetric"] | None
    ) = None
    R: Payoff | None = None
    S: Payoff | None = None
    T: Payoff | None = None
    P: Payoff | None = None
    A: list[list[Payoff]] | None = None
    B: list[list[Payoff]] | None = None
    #: Names of the row and the column role (default: the game's, :data:`games.ROLES`).
    roles: tuple[Annotated[str, Field(min_length=1, max_length=100)],
                 Annotated[str, Field(min_length=1, max_length=100)]] | None = None

    @model_validator(mode="after")
    def _complete(self) -> GameConfig:
        self._complete_payoffs()
        object.__setattr__(self, "roles", self._roles() or games.ROLES[self.kind])
        return self

    def _complete_payoffs(self) -> None:
        rstp = {k: getattr(self, k) for k in "RSTP"}
        given = {k for k, v in rstp.items() if v is not None}
        matrices = self.A is not None or self.B is not None
        kind = self.kind
        if kind is None:
            if given and matrices:
                raise ValueError("either R, S, T, P or A, B, not both")
            if given:
                kind = "symmetric"
            elif matrices:
                kind = "asymmetric"
            else:
                raise ValueError(f"a game: one of {', '.join(games.BUILTIN_NAMES)}, "
                                 "{R, S, T, P} or {A, B}")
        if kind in ("prisoners_dilemma", "stag_hunt", "symmetric"):
            if matrices:
                raise ValueError(f"R, S, T, P overrides for a {kind} game, not A, B")
            base = games.SYMMETRIC_BUILTINS.get(kind, {})
            missing = [k for k in "RSTP" if rstp[k] is None and k not in base]
            if missing:
                raise ValueError(f"a symmetric game needs all of R, S, T, P (missing {missing})")
            values = {k: rstp[k] if rstp[k] is not None else base[k] for k in "RSTP"}
            if kind == "prisoners_dilemma":
                r, s, t, p = (values[k] for k in "RSTP")
                if not t > r > p > s:
                    raise ValueError(
                        f"a Prisoner's Dilemma needs T > R > P > S (got T={t}, R={r}, P={p}, S={s})"
                    )
            object.__setattr__(self, "kind", kind)
            for k, v in values.items():
                object.__setattr__(self, k, float(v))
            return
        if given:
            raise ValueError(f"A, B overrides for a {kind} game, not R, S, T, P")
        base = games.ASYMMETRIC_BUILTINS.get(kind, {})
        for name in "AB":
            matrix = getattr(self, name) if getattr(self, name) is not None else base.get(name)
            if matrix is None:
                raise ValueError("an asymmetric game needs both A and B")
            if len(matrix) != 2 or any(len(row) != 2 for row in matrix):
                raise ValueError(f"{name} must be a 2x2 matrix [[CC, CD], [DC, DD]]")
            object.__setattr__(self, name, [[float(x) for x in row] for row in matrix])
        object.__setattr__(self, "kind", kind)

    def _roles(self) -> tuple[str, str] | None:
        if self.roles is None:
            return None
        if self.roles[0] == self.roles[1]:
            raise ValueError(f"two different role names, got {list(self.roles)}")
        for name in self.roles:
            if name.startswith(FORMULA_START):
                raise ValueError(f"role names that do not start with =, +, -, @, a tab or a "
                                 f"carriage return (got {name!r}: a spreadsheet would run it)")
        return tuple(self.roles)

    def build(self) -> games.StageGame:
        if self.A is not None:
            return games.asymmetric_game(self.kind, self.A, self.B, self.roles)
        return games.symmetric_game(self.kind, self.R, self.S, self.T, self.P, self.roles)

    def warnings(self) -> list[str]:
        """Soft problems: a Prisoner's Dilemma in which alternating exploitation beats mutual
        cooperation (2R <= T + S)."""
        if self.kind == "prisoners_dilemma" and not 2 * self.R > self.T + self.S:
            return [f"game: 2R > T + S does not hold (2R = {2 * self.R}, T + S = "
                    f"{self.T + self.S}): taking turns to exploit each other pays at least as "
                    "much as mutual cooperation"]
        return []


class RosterEntry(_Strict):
    """One state: a strategy and what is public about it."""

    strategy: str = Field(min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)
    label: str | None = Field(default=None, min_length=1)
    count: int = Field(default=1, ge=1)
    club: str | None = Field(default=None, min_length=1)
    role: str | None = Field(default=None, min_length=1)
    discount: float = Field(default=1.0, gt=0.0, le=1.0)


class MatchConfig(_Strict):
    """How each pair plays: length, noise, repetitions."""

    turns: int | None = Field(default=None, ge=1)
    continuation: float = Field(default=1.0, gt=0.0, le=1.0)
    noise: float = Field(default=0.0, ge=0.0, le=1.0)
    repetitions: int = Field(default=10, ge=1)
    self_play: bool = False
    engine: Literal["auto", "exact", "simulate"] = "auto"

    @model_validator(mode="after")
    def _length(self) -> MatchConfig:
        if self.continuation == 1.0 and self.turns is None:
            object.__setattr__(self, "turns", DEFAULT_TURNS)
        return self


class TopologyConfig(_Strict):
    """Who meets whom in the tournament and in a Moran process.

    ``round_robin``: everybody. ``clubs``: all pairs inside a club; a pair across clubs (or with
    a state in no club) is linked with probability ``cross_club_probability``, drawn once per
    pair from the root seed.
    """

    kind: Literal["round_robin", "clubs"] = "round_robin"
    cross_club_probability: float = Field(default=0.0, ge=0.0, le=1.0)


class EvolutionConfig(_Strict):
    """Evolutionary dynamics and the survival analysis (``docs/reference/config.md``).

    ``population_size``, ``selection_intensity`` and ``generations`` shape every run's survival
    analysis; ``runs`` and ``mutation_rate`` exist only for ``kind: moran``."""

    population_size: int = Field(default=20, ge=2, le=100_000)
    selection_intensity: float = Field(default=0.1, gt=0.0, le=1.0)
    generations: int = Field(default=100, ge=1, le=1_000_000)
    mutation_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    runs: int = Field(default=200, ge=1, le=1_000_000)


class LimitsConfig(_Strict):
    """What a run may cost, checked before any play by :mod:`tournaments.model.budget`:
    the estimated rounds played and the estimated peak memory."""

    max_rounds: float = Field(default=5e9, gt=0, le=MAX_ROUNDS_CEILING)
    #: ``None``: the machine's available memory when the run starts.
    max_memory_mb: float | None = Field(default=None, gt=0, le=1e9)


#: A figure's format: raster PNG (at ``output.dpi``), vector SVG or PDF.
FigureFormat = Literal["png", "svg", "pdf"]
FIGURE_FORMATS: tuple[str, ...] = get_args(FigureFormat)


class OutputConfig(_Strict):
    """What a run writes besides its tables: the formats of its figures (one file per figure and
    format) and the resolution of raster images (the PNG files and the figures ``report.html``
    embeds)."""

    figure_formats: tuple[FigureFormat, ...] = ("png",)
    dpi: int = Field(default=120, ge=30, le=1200)

    @field_validator("figure_formats", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("figure_formats")
    @classmethod
    def _once_each(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or len(set(value)) != len(value):
            raise ValueError(f"a list of one or more of {', '.join(FIGURE_FORMATS)}, each at "
                             "most once")
        return value


#: Keys that only apply under a condition: (section, key, predicate on the config, when).
_CONDITIONAL_KEYS = (
    ("evolution", "runs", lambda c: c.kind == "moran", "only with kind: moran"),
    ("evolution", "mutation_rate", lambda c: c.kind == "moran", "only with kind: moran"),
    ("topology", "cross_club_probability", lambda c: c.topology.kind == "clubs",
     "only with topology: clubs"),
    ("match", "repetitions", lambda c: c.match.engine != "exact",
     "only with engine auto or simulate (the exact engine has no sampling)"),
)


class Config(_Strict):
    """A whole run (``docs/reference/config.md`` describes every key)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=100)
    description: str = ""
    seed: int = Field(default=0, ge=0, lt=2**63)
    kind: Literal["tournament", "moran"] = "tournament"
    #: Play strategies axelrod classifies as cheating (each match restores their class state).
    allow_cheating: bool = False
    game: GameConfig = Field(default_factory=lambda: GameConfig(kind="prisoners_dilemma"))
    roster: list[RosterEntry] = Field(min_length=2)
    match: MatchConfig = Field(default_factory=MatchConfig)
    topology: TopologyConfig = Field(default_factory=TopologyConfig)
    evolution: EvolutionConfig = Field(default_factory=EvolutionConfig)
    processes: int = Field(default=1, ge=1, le=256)
    transfer_efficiency: Annotated[float, _magnitude("an efficiency")] = Field(default=1.0,
                                                                                 ge=0.0)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    #: Read by ``tournaments sweep`` (:mod:`tournaments.sweep` checks it); ``run`` plays the
    #: base config and keeps the section in its ``config.yaml``.
    sweep: dict[str, Any] | None = None
    #: The code of the file plug-ins the roster names, read when the config was loaded.
    _plugins: dict[str, plugins.Source] = PrivateAttr(default_factory=dict)

    @property
    def two_populations(self) -> bool:
        """Whether the roster is two populations, one per role of the game (its entries carry
        roles: every entry of an asymmetric game does): row-role entries play column-role
        entries only, and evolution runs in each population against the other."""
        return any(entry.role is not None for entry in self.roster)

    @property
    def plugins(self) -> dict[str, plugins.Source]:
        """Strategy name → the code of each file plug-in the roster names
        (:mod:`tournaments.model.plugins`)."""
        return dict(self._plugins)

    @field_validator("game", "topology", mode="before")
    @classmethod
    def _by_name(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    def resolved(self) -> dict:
        """Every key that applies, with its value, defaults filled in: what ``config.yaml``
        records (loading it gives the same config)."""
        data = self.model_dump(mode="json")
        data["game"] = self.game.build().as_config()
        for entry in data["roster"]:  # a file plug-in as its results directory keeps it
            code = self._plugins.get(entry["strategy"])
            if code is not None:
                entry["strategy"] = f"{code.stored}:{entry['strategy'].rpartition(':')[2]}"
        for section, key, applies, _ in _CONDITIONAL_KEYS:
            if not applies(self):
                del data[section][key]
        return data

    def resolved_yaml(self) -> str:
        return yaml.safe_dump(self.resolved(), sort_keys=False, allow_unicode=True)

    def sha256(self) -> str:
        return hashlib.sha256(self.resolved_yaml().encode()).hexdigest()

    def warnings(self) -> list[str]:
        return self.game.warnings()


def load_config(source: str | Path | dict, *, overrides: dict | None = None,
                origin: str | None = None) -> Config:
    """Load and validate a config from a YAML file or a dict.

    Parameters
    ----------
    source : path or dict
        A YAML file, or the config as a dict (named ``<dict>`` in error messages).
    overrides : dict, optional
        Top-level keys that replace the file's values (the CLI's ``--seed`` and ``--processes``).
    origin : str, optional
        The name errors give a dict source (default ``<dict>``).

    Raises
    ------
    ConfigError
        For malformed YAML and every value the schema does not allow.
    UserError
        For a missing or unreadable file.
    """
    if isinstance(source, dict):
        origin, data = origin or "<dict>", dict(source)
    else:
        origin = str(source)
        data = _read_yaml(Path(source))
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        config = Config.model_validate(data)
    except ValidationError as err:  # every error of the schema at once
        raise ConfigErrors.of([_config_error(origin, e) for e in err.errors()]) from None
    problems = [*_check_applicable(config, origin), *_check_roster(config, origin),
                *_check_free_form(config, origin)]
    if problems:  # every error of the checks across keys at once
        raise ConfigErrors.of(problems)
    base_dir = None if origin == "<dict>" else Path(origin).parent
    config._plugins = {
        e.strategy: code for i, e in enumerate(config.roster) if plugins.is_plugin(e.strategy)
        and (code := plugins.read(e.strategy, base_dir, source=origin,
                                  key=f"roster[{i}].strategy")) is not None}
    for message in config.warnings():
        warnings.warn(f"{origin}: {message}", stacklevel=2)
    return config


def _check_applicable(config: Config, origin: str) -> Iterator[ConfigError]:
    for section, key, applies, when in _CONDITIONAL_KEYS:
        part = getattr(config, section)
        if key in part.model_fields_set and not applies(config):
            yield ConfigError(origin, f"{section}.{key}", getattr(part, key),
                              f"{when}; remove the key (it would change nothing)")


def _check_roster(config: Config, origin: str) -> Iterator[ConfigError]:
    seen: dict[str, int] = {}
    for i, entry in enumerate(config.roster):
        club = entry.params.get("club")
        for key, text in (("label", entry.label), ("club", entry.club), ("params.club", club)):
            if isinstance(text, str) and text.startswith(FORMULA_START):
                yield ConfigError(origin, f"roster[{i}].{key}", text,
                                  "text that does not start with =, +, -, @, a tab or a "
                                  "carriage return (a spreadsheet opening the CSV tables would "
                                  "run it as a formula)")
        if entry.label is not None and entry.label in seen:
            yield ConfigError(origin, f"roster[{i}].label", entry.label,
                              f"a label not used before (roster[{seen[entry.label]}] has it)")
        seen.setdefault(entry.label, i)
    if config.kind == "moran" and sum(e.count for e in config.roster) < 2:
        yield ConfigError(origin, "roster", "a population of 1",
                          "counts adding up to at least 2 for a Moran process")
    game = config.game.build()
    row, column = game.roles
    allowed = f"{row} (the row player) or {column} (the column player), the roles of this game"
    unknown = [i for i, entry in enumerate(config.roster)
               if entry.role is not None and entry.role not in game.roles]
    for i in unknown:
        yield ConfigError(origin, f"roster[{i}].role", config.roster[i].role,
                          f"{allowed} (game.roles renames them)")
    if unknown or (game.symmetric and not config.two_populations):
        return
    for i, entry in enumerate(config.roster):
        if entry.role is None:
            why = ("an asymmetric game" if not game.symmetric else
                   "a game played as two populations (some entry has a role)")
            yield ConfigError(origin, f"roster[{i}].role", None,
                              f"{allowed}: in {why} every entry needs one")
    for role in game.roles:
        if all(e.role != role for e in config.roster):
            yield ConfigError(origin, "roster", f"no {role} entry",
                              f"at least one entry of each role ({row}, {column})")
    if config.kind == "moran" and config.evolution.mutation_rate > 0:
        yield ConfigError(origin, "evolution.mutation_rate", config.evolution.mutation_rate,
                          "0 in Moran runs of two populations (they run to fixation)")
    if config.kind == "moran" and config.topology.kind != "round_robin":
        yield ConfigError(origin, "topology", config.topology.kind,
                          "round_robin in Moran runs of two populations (every member meets "
                          "every member of the other population)")
    for role in game.roles:
        members = sum(e.count for e in config.roster if e.role == role)
        if config.kind == "moran" and members < 2:
            yield ConfigError(origin, "roster", f"a {role} population of {members}",
                              "counts adding up to at least 2 in each role for Moran runs")


def _check_free_form(config: Config, origin: str) -> Iterator[ConfigError]:
    """Every number in the free-form sections (each entry's ``params``, ``sweep``) is finite,
    and they nest at most :data:`MAX_NESTING` deep (a dict source is not bounded by the YAML
    loader)."""
    # levels as the YAML loader counts them: the top-level mapping is level 1
    sections = [(f"roster[{i}].params", e.params, 4) for i, e in enumerate(config.roster)]
    if config.sweep is not None:
        sections.append(("sweep", config.sweep, 2))
    for path, value, depth in sections:
        stack = [(path, value, depth)]
        while stack:
            key, node, level = stack.pop()
            if level > MAX_NESTING:
                yield ConfigError(origin, key, node, f"nesting at most {MAX_NESTING} levels deep")
                continue
            if isinstance(node, dict):
                items = [(f"{key}.{k}", v) for k, v in node.items()]
            elif isinstance(node, list | tuple):
                items = [(f"{key}[{j}]", v) for j, v in enumerate(node)]
            else:
                if isinstance(node, numbers.Real) and not isinstance(node, bool):
                    try:
                        finite = math.isfinite(node)
                    except OverflowError:  # an integer beyond float's range
                        finite = False
                    if not finite:
                        yield ConfigError(origin, key, node,
                                          "a finite number (within ±1.8e308); every number in "
                                          "a config is finite")
                continue
            stack.extend((k, v, level + 1) for k, v in reversed(items))


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` (the same tags: no Python objects) that refuses nesting deeper than
    :data:`MAX_NESTING` while composing, before the composer's recursion can overflow."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._path: list[str] = []

    def compose_node(self, parent, index):
        if parent is None:
            part = ""
        elif isinstance(index, int):
            part = f"[{index}]"
        elif isinstance(index, yaml.ScalarNode):
            part = f".{index.value}"
        else:  # a mapping key being composed
            part = ".<key>"
        self._path.append(part)
        try:
            if len(self._path) > MAX_NESTING:
                raise _TooLarge(_path_text(self._path), self.peek_event().start_mark,
                                f"nesting at most {MAX_NESTING} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._path.pop()


class _TooLarge(Exception):
    """A YAML document beyond a bound: where (key path, mark) and what is allowed."""

    def __init__(self, key: str, mark, allowed: str) -> None:
        super().__init__(key, mark, allowed)
        self.key, self.mark, self.allowed = key, mark, allowed


def _path_text(parts: list[str]) -> str:
    """A key path (``roster[0].params``) from its parts (``.roster``, ``[0]``, ``.params``)."""
    return "".join(parts).lstrip(".")


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a node graph that expands (aliases followed) to more than :data:`MAX_YAML_NODES`
    nodes, nests deeper than :data:`MAX_NESTING` or refers to itself.

    Sizes and heights are memoised per node, so the count is linear in the composed graph
    whatever it expands to."""
    memo: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded nodes, height)
    active: set[int] = set()

    def children(node) -> list[tuple[str, yaml.Node]]:
        if isinstance(node, yaml.SequenceNode):
            return [(f"[{j}]", child) for j, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out = []
            for key, value in node.value:
                name = f".{key.value}" if isinstance(key, yaml.ScalarNode) else ".<key>"
                out += [(name, key), (name, value)]
            return out
        return []

    def measure(node, depth: int, path: list[str]) -> tuple[int, int]:
        ident = id(node)
        if ident in memo:
            size, height = memo[ident]
        elif ident in active:
            raise _TooLarge(_path_text(path), node.start_mark,
                            "a structure that does not contain itself (an anchor's alias "
                            "inside the anchored node)")
        else:
            if depth > MAX_NESTING:
                raise _TooLarge(_path_text(path), node.start_mark,
                                f"nesting at most {MAX_NESTING} levels deep once aliases are "
                                "expanded")
            active.add(ident)
            size, height = 1, 1
            for name, child in children(node):
                path.append(name)
                child_size, child_height = measure(child, depth + 1, path)
                path.pop()
                size, height = size + child_size, max(height, child_height + 1)
            active.discard(ident)
            memo[ident] = size, height
        if depth - 1 + height > MAX_NESTING:
            raise _TooLarge(_path_text(path), node.start_mark,
                            f"nesting at most {MAX_NESTING} levels deep once aliases are "
                            "expanded")
        return size, height

    size, _ = measure(root, 1, [])
    if size > MAX_YAML_NODES:
        # blame the deepest node that alone expands beyond the bound
        node, path = root, []
        while True:
            big = [(name, child) for name, child in children(node)
                   if memo[id(child)][0] > MAX_YAML_NODES]
            if not big:
                break
            name, node = big[0]
            path.append(name)
        raise _TooLarge(_path_text(path), node.start_mark,
                        f"at most {MAX_YAML_NODES:,} YAML nodes once anchors and aliases (*name) "
                        f"are expanded (this expands to {size:,})")


def _read_yaml(path: Path) -> dict:
    """The YAML mapping of a config file, within :data:`MAX_CONFIG_BYTES`,
    :data:`MAX_NESTING` and :data:`MAX_YAML_NODES`."""
    source = str(path)
    allowed = f"a config file of at most {MAX_CONFIG_BYTES:,} bytes (1 MiB)"
    try:
        size = path.stat().st_size if path.is_file() else None
        if size is not None and size > MAX_CONFIG_BYTES:  # refused before it is read
            raise ConfigError(source, "", f"a file of {size:,} bytes", allowed)
        with path.open("rb") as file:  # a pipe or device is read up to the bound
            raw = file.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"{path}: no such config file") from None
    except OSError as err:
        raise UserError(f"{path}: cannot read the config ({err})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(source, "", f"more than {MAX_CONFIG_BYTES:,} bytes", allowed)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UserError(f"{path}: cannot read the config ({err})") from None
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node)
        data = None if node is None else loader.construct_document(node)
    except _TooLarge as err:
        where = f"line {err.mark.line + 1}, column {err.mark.column + 1}"
        raise ConfigError(source, err.key, f"the YAML at {where}", err.allowed) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError(source, "", f"YAML error at {where}: {problem}",
                          "a YAML mapping of config keys") from None
    except (ValueError, OverflowError, RecursionError) as err:  # e.g. a 5,000-digit integer
        raise ConfigError(source, "", str(err).split(";")[0],
                          "a YAML mapping of config keys whose values Python can read (integers "
                          "of at most 4300 digits, real dates)") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ConfigError(source, "", data, "a YAML mapping of config keys (name, roster, ...)")
    return data


def _key_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model whose keys live at ``loc`` (list indices skipped)."""
    model: type[BaseModel] = Config
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        nested = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if not nested:
            return None
        model = nested[0]
    return model


def _config_error(origin: str, first: dict) -> ConfigError:
    """One error of pydantic's list as a :class:`ConfigError`."""
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p in ("function-after",)))
    kind, message = first["type"], first["msg"]
    value = first.get("input")
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        keys = ", ".join(parent.model_fields) if parent else "see docs/reference/config.md"
        return ConfigError(origin, _key_path(loc), value, f"known keys only: {keys}")
    if kind == "missing":
        return ConfigError(origin, _key_path(loc), "<missing>", "a required key")
    for prefix in ("Value error, ", "Input should be "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return ConfigError(origin, _key_path(loc), value, message)
