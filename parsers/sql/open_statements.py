"""MyBatis statements that never logged an outcome become SQL events of their own.

MyBatis logs `==>  Preparing:` (and `==> Parameters:`) before it runs a statement and
`<==      Total:` / `<==    Updates:` after. A statement that fails (the driver threw,
the connection broke, a constraint was violated) gets no `<==` line: the failure is
logged as an exception, usually by a caller on the same thread. Those are the
statements an analyst most wants to see.

So the event of a Preparing record is held back until its statement has an outcome:

- closed by its `<==` record: the Preparing event goes out as it always did (a `line`
  flagged `mybatis_part`; the `<==` event is the SQL event);
- abandoned, i.e. the thread prepared its next statement at the same nesting depth, an
  exception was logged on the thread, or the input ended (`finish`): the Preparing event
  becomes the statement's SQL event, `kind=sql` with the statement (its Parameters
  written in when they were logged), its fingerprint, no duration and no row count, and
  the flag `sql_unclosed` in place of `mybatis_part`;
- held too long (the caller's bounds: bytes behind the newest record, time on the read
  clock): it goes out unchanged, its statement still open (a late `<==` closes it as
  before) and no longer reported when abandoned.

`OpenStatements` keeps the open Preparing events (by offset) and makes those changes;
the assembler holds every event from the oldest open Preparing on, so events still
leave in file order.
"""

from __future__ import annotations

from parsers.event import Event
from parsers.masking import Masker
from parsers.sql.mybatis import MybatisJoiner
from parsers.sql.pt_fingerprint import fingerprint_with_id

UNCLOSED_FLAG = "sql_unclosed"
PART_FLAG = "mybatis_part"


class OpenStatements:
    """The Preparing events whose statement has no outcome yet, by offset."""

    __slots__ = ("joiner", "masker", "max_chars", "events")

    def __init__(self, joiner: MybatisJoiner, masker: Masker, max_chars: int) -> None:
        self.joiner = joiner
        self.masker = masker
        self.max_chars = max_chars
        self.events: dict[int, Event] = {}

    def __bool__(self) -> bool:
        return bool(self.events)

    def opened(self, ev: Event) -> None:
        """`ev` is a Preparing record the joiner keeps open (fed with `tag=ev`)."""
        if ev.offset is not None:
            self.events[ev.offset] = ev

    def closed(self) -> None:
        """The joiner's last `<==` record closed a statement: its Preparing event is done."""
        tag = self.joiner.closed_tag
        if tag is not None:
            self.joiner.closed_tag = None
            self.events.pop(tag.offset, None)  # type: ignore[attr-defined]

    def thread_failed(self, thread: str) -> None:
        """An exception was logged on `thread`: its open statement got no outcome."""
        self.joiner.abandon(thread)
        self.settle()

    def end(self) -> None:
        """The input ended: every open statement got no outcome."""
        self.joiner.abandon_all()
        self.settle()

    def let_go(self, ev: Event) -> None:
        """`ev` is released unchanged; its statement stays open in the joiner, untagged."""
        self.joiner.untag(ev)
        self.events.pop(ev.offset, None)  # type: ignore[arg-type]

    def settle(self) -> None:
        """Turn the Preparing events of the statements the joiner abandoned into SQL events."""
        abandoned = self.joiner.abandoned
        if not abandoned:
            return
        for tag, statement, params, prepared in abandoned:
            ev = self.events.pop(tag.offset, None)  # type: ignore[attr-defined]
            if ev is not tag:
                continue  # already released unchanged
            self._unclosed(ev, statement, params, prepared)
        abandoned.clear()

    def _unclosed(self, ev: Event, statement: str, params: str | None, prepared: str) -> None:
        ev.kind = "sql"
        ev.sql_fingerprint, ev.sql_fingerprint_id = fingerprint_with_id(prepared)
        mask = self.masker.mask
        counts: dict[str, int] = dict(ev.masked)
        masked_statement, c1 = mask(statement[:self.max_chars])
        ev.sql_statement = masked_statement
        for k, v in c1.items():
            counts[k] = counts.get(k, 0) + v
        if params:
            ev.sql_params, c2 = mask(params)
            for k, v in c2.items():
                counts[k] = counts.get(k, 0) + v
        if counts:
            ev.masked = counts
        ev.flags = [UNCLOSED_FLAG if f == PART_FLAG else f for f in ev.flags]
        if UNCLOSED_FLAG not in ev.flags:
            ev.flags.append(UNCLOSED_FLAG)
