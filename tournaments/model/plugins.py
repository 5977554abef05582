"""Plug-in code: where a config's ``module:Class`` comes from, what it is, and how it runs.

A config names plug-in code in one of two ways:

- ``path/to/file.py:Class``: a file, relative to the config's folder (to the working directory
  for a config given as a dict, and for ``check-strategy``); ``module:Class`` where
  ``module.py`` lies in a config file's folder is the same thing.
- ``package.module:Class``: a module of an installed package, found on the Python path *without*
  the working directory — so ``tournaments`` and ``python -m tournaments`` find the same modules.

A file plug-in is read once, when its config is loaded: the config carries its text
(:class:`Source`), and every process that plays — a forked worker, a dask worker on another
machine — runs that text and never reads the file again. Its content hash is part of the run's
config (the file is recorded as ``plugins/<stem>-<sha12>.py``, where a results directory keeps a
copy), so an edited plug-in is a different config, and a module is keyed by content, so no process
runs an old version cached under a path. Before any plug-in code runs, its source is parsed —
not executed — to check that it defines the class.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.machinery
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tournaments.errors import ConfigError

#: The folder of a results directory that keeps the plug-in files its config names.
FOLDER = "plugins"


@dataclass(frozen=True)
class Source:
    """A file plug-in's code, as read when its config was loaded."""

    path: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def stored(self) -> str:
        """Where a results directory keeps it: ``plugins/<stem>-<sha12>.py`` (unchanged when the
        file already is such a copy)."""
        stem, suffix = Path(self.path).stem, f"-{self.sha256[:12]}"
        return f"{FOLDER}/{stem if stem.endswith(suffix) else stem + suffix}.py"


def is_plugin(name: str) -> bool:
    """Whether a config's strategy name refers to plug-in code (``module:Class``)."""
    return ":" in name


def read(name: str, base_dir: Path | None, *, source: str, key: str) -> Source | None:
    """The code of file plug-in ``name``, or None for a module of an installed package.

    Raises
    ------
    ConfigError
        If the file is missing or unreadable.
    """
    target = name.rpartition(":")[0]
    folder = base_dir if base_dir is not None else Path.cwd()
    if target.endswith(".py"):
        path = Path(target) if Path(target).is_absolute() else folder / target
    elif base_dir is not None and target.isidentifier() and (folder / f"{target}.py").is_file():
        path = folder / f"{target}.py"
    else:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(source, key, name, f"an existing plug-in file ({path} is missing)"
                          ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(source, key, name, f"a readable plug-in file ({path}: {err})") from None
    return Source(path=str(path), text=text)


def load_class(name: str, code: Source | None, *, source: str, key: str) -> type:
    """The class ``name`` (``target:Class``) refers to: from ``code`` if it is a file plug-in
    (executed under a module named by its content hash), else from an installed module.
    Neither runs before its source has been checked to define ``Class``.

    Raises
    ------
    ConfigError
        If the module is not installed (or only in the working directory), does not define the
        class, or fails to import.
    """
    target, _, attr = name.rpartition(":")
    try:
        if code is not None:
            _check_defines(code.text, attr, code.path, source, key, name)
            module_name = f"_tournaments_plugin_{code.sha256[:16]}"
            module = sys.modules.get(module_name)
            if module is None:
                spec = importlib.util.spec_from_loader(module_name, loader=None,
                                                       origin=code.path)
                module = importlib.util.module_from_spec(spec)
                module.__file__ = code.path
                compiled = compile(code.text, code.path, "exec")
                sys.modules[module_name] = module  # so that forked workers can unpickle it
                try:
                    exec(compiled, module.__dict__)
                except BaseException:
                    del sys.modules[module_name]
                    raise
        else:
            module = _installed_module(target, attr, source, key, name)
        return getattr(module, attr)
    except ConfigError:
        raise
    except AttributeError:
        raise ConfigError(source, key, name, f"a class {attr!r} defined in {target}") from None
    except Exception as err:
        raise ConfigError(source, key, name,
                          f"an importable plug-in ({type(err).__name__}: {err})") from None


def _installed_module(target: str, attr: str, source: str, key: str, name: str):
    if target in sys.modules:
        return sys.modules[target]
    parts = target.split(".")
    spec = _find_outside_working_directory(parts[0])
    if spec is None:
        raise ConfigError(source, key, name,
                          f"a module of an installed package ({parts[0]!r} is not one; a module "
                          "in the working directory is not imported — name its file instead, "
                          "e.g. path/to/file.py:Class, relative to the config's folder)")
    if parts[0] not in sys.modules and importlib.util.find_spec(parts[0]).origin != spec.origin:
        raise ConfigError(source, key, name, f"a module of an installed package ({parts[0]!r} "
                          "is shadowed by one in the working directory)")
    for depth in range(1, len(parts)):  # locate the module without importing its packages
        locations = spec.submodule_search_locations if spec else None
        spec = (importlib.machinery.PathFinder.find_spec(".".join(parts[:depth + 1]),
                                                         list(locations))
                if locations else None)
    if spec is None:
        raise ConfigError(source, key, name, f"an importable module ({target!r} is not found)")
    if spec.origin and spec.origin.endswith(".py") and os.path.isfile(spec.origin):
        text = Path(spec.origin).read_text(encoding="utf-8")
        _check_defines(text, attr, spec.origin, source, key, name)
    return importlib.import_module(target)


def _find_outside_working_directory(top: str):
    """The spec the import system would find for top-level module ``top`` if the working
    directory were not on the Python path (as for the console script)."""
    here = Path.cwd().resolve()
    search = [p for p in sys.path if p and Path(p).resolve() != here]
    for finder in sys.meta_path:
        if finder is importlib.machinery.PathFinder:
            spec = finder.find_spec(top, search)
        else:
            find = getattr(finder, "find_spec", None)
            spec = find(top, None) if find else None
        if spec is not None:
            return spec
    return None


def _check_defines(text: str, attr: str, path: str, source: str, key: str, name: str) -> None:
    """Refuse, without running it, code whose top level binds no name ``attr``."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as err:
        raise ConfigError(source, key, name, f"a plug-in that parses ({path}, line {err.lineno}: "
                          f"{err.msg})") from None
    if attr not in _top_level_names(tree):
        raise ConfigError(source, key, name, f"a class {attr!r} defined in {path} (its top level "
                          "defines no such name; nothing was run)")


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).partition(".")[0] for a in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.If | ast.Try):  # guarded definitions
            names.update(_top_level_names(ast.Module(body=node.body, type_ignores=[])))
    return names
