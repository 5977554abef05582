"""Errors the user can fix: the CLI reports them with exit code 2 and no traceback."""

from __future__ import annotations

import reprlib
from typing import Any


class UserError(Exception):
    """Bad input: a config, a path, a strategy name, an existing output directory."""


class ConfigError(UserError):
    """A config value that is not allowed.

    The message names the file, the key path, the bad value and what is allowed, e.g.
    ``configs/x.yaml: match.noise: 1.5 is not allowed; allowed: a probability in [0, 1]``.
    It is one line of bounded length whatever the input: the value is shown through a bounded
    repr (:func:`_short`, which never formats a huge or deeply nested value in full), and the
    file, the key path and the allowed text are cut to a bounded length with their line breaks
    escaped.
    """

    def __init__(self, source: str, key: str, value: Any, allowed: str) -> None:
        self.source, self.key, self.value, self.allowed = source, key, value, allowed
        shown = _short(value)
        source, key = _one_line(str(source), 200), _one_line(str(key), 160)
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {shown} is not allowed; allowed: "
                         f"{_one_line(str(allowed), 600)}")


class ConfigErrors(ConfigError):
    """Several config errors found at once: each on its own line (at most :data:`SHOWN`, then
    how many more); ``source``, ``key``, ``value`` and ``allowed`` are the first one's."""

    #: Errors shown one per line; the rest are counted.
    SHOWN = 20

    def __init__(self, errors: list[ConfigError]) -> None:
        first = errors[0]
        super().__init__(first.source, first.key, first.value, first.allowed)
        self.errors = list(errors)
        lines = [str(e) for e in errors[:self.SHOWN]]
        if len(errors) > self.SHOWN:
            lines.append(f"{_one_line(str(first.source), 200)}: and {len(errors) - self.SHOWN} "
                         "more errors")
        self.args = ("\n".join(lines),)

    @classmethod
    def of(cls, errors: list[ConfigError]) -> ConfigError:
        """One error as itself, several as a :class:`ConfigErrors`."""
        return errors[0] if len(errors) == 1 else cls(errors)


class _BoundedRepr(reprlib.Repr):
    """``reprlib.Repr`` with small limits, and integers too long for ``repr`` (Python refuses to
    format one of more than 4300 digits) shown by their size."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = 150
        self.maxother = 80
        self.maxlist = self.maxtuple = self.maxdict = 6
        self.maxset = self.maxfrozenset = self.maxdeque = self.maxarray = 6
        self.maxlong = 40

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 512:
            return f"<an integer of {x.bit_length()} bits>"
        return super().repr_int(x, level)


_REPR = _BoundedRepr()


def _short(value: Any, limit: int = 160) -> str:
    """A bounded repr of ``value``: at most ``limit`` characters, built without formatting
    more than a few levels and items of it."""
    return _one_line(_REPR.repr(value), limit, keep_end=False)


def _one_line(text: str, limit: int, *, keep_end: bool = True) -> str:
    """``text`` with line breaks and other control characters escaped, cut to ``limit``
    characters when longer: its middle cut out (``keep_end``, for key paths and file names,
    whose last part matters), or its end."""
    if len(text) > 4 * limit:
        text = text[:limit] + text[-limit:]
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) <= limit:
        return text
    if not keep_end:
        return text[: limit - 3] + "..."
    head = (limit - 3) // 2
    return text[:head] + "..." + text[len(text) - (limit - 3 - head):]
