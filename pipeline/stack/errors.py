"""The local stack's error, apart from the code that starts services: every command's
start-up names it (`pipeline.cli.app`) without importing process management."""

from __future__ import annotations


class StackError(RuntimeError):
    """A local service cannot be prepared, started or stopped; the message says why and what to do."""
