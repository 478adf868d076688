"""Loaded TOML data -> frozen dataclasses, driven by the dataclasses' type hints.

`build(cls, data, path, rules)` checks every key against the fields of `cls`
(unknown key, missing required key, wrong type) and converts values by their
annotated type: str, bool, int, float, `X | None`, `tuple[X, ...]` and nested
dataclasses. A field with an entry in `rules` is converted by that rule
instead (enumerations, regexes, column specs, ...). Every failure raises
`Invalid(path, reason)`; the caller turns the path into a file line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import math
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

Path = tuple[str | int, ...]
Rule = Callable[[Any, Path], Any]
Rules = Mapping[tuple[type, str], Rule]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class Invalid(Exception):
    """A value at `path` is not acceptable; `reason` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{format_path(path)}: {reason}")
        self.path = path
        self.reason = reason


def format_path(path: Path) -> str:
    """("inputs", 1, "start_at") -> 'inputs[1].start_at'; odd keys are quoted."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        key = part if part and set(part) <= _BARE_KEY else json.dumps(part, ensure_ascii=False)
        out += f".{key}" if out else key
    return out or "(top level)"


def quote(text: str) -> str:
    """A string in double quotes, shortened to about 60 characters."""
    text = json.dumps(text, ensure_ascii=False)
    return text if len(text) <= 60 else text[:56] + '..."'


def describe(value: Any) -> str:
    """A value as TOML would name it, shortened: 'string "x"', 'integer 5', 'a table'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "string " + quote(value)
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"float {value}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return f"date-time {value.isoformat()}"
    return type(value).__name__


def expect_str(value: Any, path: Path) -> str:
    if not isinstance(value, str):
        raise Invalid(path, f"expected a string, got {describe(value)}")
    return value


def expect_number(value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid(path, f"expected a number, got {describe(value)}")
    if not math.isfinite(value) or value < 0:
        raise Invalid(path, f"expected a non-negative number, got {describe(value)}")
    return float(value)


def expect_int(value: Any, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(path, f"expected an integer, got {describe(value)}")
    if value < 0:
        raise Invalid(path, f"expected a non-negative integer, got {describe(value)}")
    return value


def expect_list(value: Any, path: Path) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid(path, f"expected an array, got {describe(value)}")
    return value


def expect_table(value: Any, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(path, f"expected a table, got {describe(value)}")
    return value


def build(cls: type, data: Any, path: Path, rules: Rules) -> Any:
    """An instance of dataclass `cls` from the TOML table `data` at `path`."""
    table = expect_table(data, path)
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]
    names = [f.name for f in fields]
    for key in table:
        if key not in names:
            near = difflib.get_close_matches(key, names, n=1)
            hint = f'; did you mean "{near[0]}"?' if near else f" (known: {', '.join(names)})"
            raise Invalid(path + (key,), f"unknown key{hint}")
    kwargs: dict[str, Any] = {}
    for f in fields:
        here = path + (f.name,)
        if f.name not in table:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise Invalid(here, "missing required key")
            continue
        rule = rules.get((cls, f.name))
        value = table[f.name]
        kwargs[f.name] = rule(value, here) if rule else convert(hints[f.name], value, here, rules)
    return cls(**kwargs)


def convert(tp: Any, value: Any, path: Path, rules: Rules) -> Any:
    """`value` as the annotated type `tp`."""
    if tp is str:
        return expect_str(value, path)
    if tp is bool:
        if not isinstance(value, bool):
            raise Invalid(path, f"expected true or false, got {describe(value)}")
        return value
    if tp is int:
        return expect_int(value, path)
    if tp is float:
        return expect_number(value, path)
    if dataclasses.is_dataclass(tp):
        return build(tp, value, path, rules)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union) and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return convert(inner, value, path, rules)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        items = expect_list(value, path)
        return tuple(convert(args[0], v, path + (i,), rules) for i, v in enumerate(items))
    raise TypeError(f"no conversion for {tp!r} at {format_path(path)}")
