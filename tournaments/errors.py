"""Errors the user can fix: the CLI reports them with exit code 2 and no traceback."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Bad input: a config, a path, a strategy name, an existing output directory."""


class ConfigError(UserError):
    """A config value that is not allowed.

    The message names the file, the key path, the bad value and what is allowed, e.g.
    ``configs/x.yaml: match.noise: 1.5 is not allowed; allowed: a probability in [0, 1]``.
    """

    def __init__(self, source: str, key: str, value: Any, allowed: str) -> None:
        self.source, self.key, self.value, self.allowed = source, key, value, allowed
        shown = _short(value)
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {shown} is not allowed; allowed: {allowed}")


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
