"""Which file names are rotated generations of a followed file's name (pure, no IO).

A followed file `app.log` (stem `app`, extension `.log`) has these rotations:

- the whole name, a separator (`.`, `-`, `_`) and a counter or a date:
  `app.log.1`, `app.log.12`, `app.log-20261126`, `app.log.2026-11-26`,
  `app.log.2026-11-26.3`, `app.log.2026-11-26_13` (logrotate, logback `app.log.%i`,
  `app.log.%d{yyyy-MM-dd}.%i`);
- the stem, a separator, a counter or a date, then the extension:
  `app.1.log`, `app.2026-11-26.log`, `app-2026-11-26.1.log`, `app.2026-11-26_13.3.log`
  (logback `app.%d{yyyy-MM-dd}.%i.log`, `app-%i.log`);
- any of those with `.gz` at the end (logrotate `compress`, logback `*.gz` patterns).

A counter or a date is digits, possibly in groups joined by `.`, `-` or `_`. Names
with letters after the base name (`app.log.bak`, `app-error.log`, `app.log.1.swp`)
are not rotations: they may be other applications' files.
"""

from __future__ import annotations

import re

SEPARATORS = ".-_"
COMPRESSED_SUFFIX = ".gz"
_COUNTER_OR_DATE = re.compile(r"[0-9]+(?:[._-][0-9]+)*")


def split_extension(name: str) -> tuple[str, str]:
    """(stem, extension) of a file name; the extension is the last `.xxx` of letters, or ""."""
    dot = name.rfind(".")
    if dot <= 0 or not name[dot + 1:].isalpha():
        return name, ""
    return name[:dot], name[dot:]


def _counter_after(name: str, prefix: str, suffix: str) -> bool:
    """`name` is `prefix`, a separator, a counter or date, then `suffix`."""
    if not (name.startswith(prefix) and name.endswith(suffix)):
        return False
    middle = name[len(prefix):len(name) - len(suffix)]
    return len(middle) >= 2 and middle[0] in SEPARATORS and _COUNTER_OR_DATE.fullmatch(middle[1:]) is not None


def is_compressed(name: str) -> bool:
    return name.endswith(COMPRESSED_SUFFIX)


def is_rotation_of(name: str, live_name: str) -> bool:
    """True if the file name `name` is a rotated generation of the file name `live_name`."""
    if not live_name or name == live_name:
        return False
    plain = name[:-len(COMPRESSED_SUFFIX)] if is_compressed(name) else name
    if _counter_after(plain, live_name, ""):
        return True
    stem, extension = split_extension(live_name)
    return bool(extension) and _counter_after(plain, stem, extension)


def same_live_file(name: str, other: str) -> bool:
    """`name` is a rotation of `other`, or both are rotations of one live name (`app.log.2`
    and `app.log.3`): a file renamed along a rotation chain is still a generation of the same
    live file (logrotate renames `.1` to `.2` at every rotation). The live name itself is
    nobody's rotation."""
    if is_rotation_of(name, other):
        return True
    return bool(set(live_names_of(name)) & set(live_names_of(other)))


def live_names_of(name: str) -> list[str]:
    """The names `name` may be a rotation of (the inverse of `is_rotation_of`), longest first:
    how a rotated file found after a restart is matched back to the input that followed it."""
    plain = name[:-len(COMPRESSED_SUFFIX)] if is_compressed(name) else name
    stem, extension = split_extension(plain)
    found: list[str] = []
    for base, suffix in ((plain, ""), (stem, extension)):
        for i, char in enumerate(base):
            if i > 0 and char in SEPARATORS and _COUNTER_OR_DATE.fullmatch(base[i + 1:]):
                live = base[:i] + suffix
                if live not in found and is_rotation_of(name, live):
                    found.append(live)
    return sorted(found, key=len, reverse=True)
