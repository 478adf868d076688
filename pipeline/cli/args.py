"""Argument types shared by the sub-commands: a bad value is a usage error (exit 2)."""

from __future__ import annotations

import argparse


def positive_int(value: str) -> int:
    """A count such as `--top` or `--size`: a whole number of at least 1."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return n
