"""Reading a field of an event document (the ECS JSON that Kafka and the index hold)
by its dotted name, as Elasticsearch names it: `dig(doc, "logpipe.root_cause.type")`.

Total: a missing level, or a level that is not an object, gives None, never an
exception, so rules and renderers can read documents from any producer.
"""

from __future__ import annotations

from typing import Any


_PATHS: dict[str, tuple[str, ...]] = {}  # dotted name -> its parts; the names are the code's and the config's
_MAX_PATHS = 4096


def dig(doc: Any, dotted: str) -> Any:
    """`doc["a"]["b"]["c"]` for `"a.b.c"`, or None where a level is missing or not an object."""
    parts = _PATHS.get(dotted)
    if parts is None:
        if len(_PATHS) >= _MAX_PATHS:
            _PATHS.clear()
        parts = _PATHS[dotted] = tuple(dotted.split("."))
    cur = doc
    for part in parts:
        if type(cur) is not dict and not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur
