"""The level words a zero-configuration prefix recognises, in every library's spelling."""

from __future__ import annotations

LEVELS = r"TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|FATAL|CRITICAL|SEVERE|FINEST|FINER|FINE|CONFIG"
LEVEL_SET = frozenset(LEVELS.split("|"))
