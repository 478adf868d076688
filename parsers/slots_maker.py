"""Makers of a slots dataclass's objects in one call of the core (`SlotsMaker`): for the
objects made once per record (`Event`, `RawRecord`, the `Prefix` of its first line), where
the generated `__init__` storing every field in turn is a measurable part of the parse."""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, Callable

from parsers._native import SlotsMaker


def slots_maker(cls: type, *given: str) -> SlotsMaker:
    """The maker whose `make(*values)` is `cls(**dict(zip(given, values)))`, every other field
    its default (the core's readers hold the maker itself)."""
    declared = [(f.name, None if f.default is MISSING else f.default,
                 None if f.default_factory is MISSING else f.default_factory) for f in fields(cls)]
    return SlotsMaker(cls, declared, list(given))


def maker(cls: type, *given: str) -> Callable[..., Any]:
    """`make(*values)`: `cls(**dict(zip(given, values)))`, every other field its default."""
    return slots_maker(cls, *given).make
