"""How a structured record (a JSON or logfmt line, `parsers.prefix.structured`) is
classified: the part of `Classifier` that reads the fields the prefix set aside.

The trace of a stack field is read exactly as a trace written over the lines after the
message (a message over lines is read as those lines, and any raw lines that followed
the record come last); with no trace, the timing and SQL recognisers read the message,
then the message with the record's other fields after it (`write block | duration=63.59ms`).
A prefix that is not structured may carry a flag instead (`malformed_json`): added here.
"""

from __future__ import annotations

from parsers.event import Event
from parsers.multiline import RawRecord
from parsers.prefix.grammar import Prefix
from parsers.prefix.structured import STRUCTURED_FORMATS
from parsers.prescreen import may_apply
from parsers.sql.mybatis import is_mybatis
from parsers.sql.statement import LOGGER_SUFFIXES as STATEMENT_LOGGERS


class StructuredKinds:
    """Mixed into `Classifier`, whose `_exception`, `_single_line`, `_mask`, `_trace_ids`
    and `_screen` it uses."""

    def _structured_done(self, ev: Event, first: Prefix, rec: RawRecord) -> bool:
        """True when `ev` is a structured record, classified; else the flag a prefix may
        carry (`malformed_json`: a `{...}` line that is not JSON) is added, and False."""
        if first.format not in STRUCTURED_FORMATS:
            flag = first.extra.get("flag") if first.extra else None
            if flag is not None:
                ev.flags.append(flag)
            return False
        self._structured(ev, first, rec)
        self._mask(ev)  # type: ignore[attr-defined]
        self._trace_ids(ev)  # type: ignore[attr-defined]
        return True

    def _structured(self, ev: Event, first: Prefix, rec: RawRecord) -> None:
        extra = first.extra or {}
        trace = extra.get("stack_trace")
        lines = trace.replace("\r\n", "\n").rstrip("\n").split("\n") if trace else []
        if "\n" in ev.message:  # a message over lines (`failed:\nTraceback ...`): its first line, then the others
            head, *more = ev.message.replace("\r\n", "\n").rstrip("\n").split("\n")
            ev.message, lines = head, more + lines
        if lines or rec.continuation:
            self._exception(ev, RawRecord(first, rec.first_line, lines + rec.continuation,  # type: ignore[attr-defined]
                                          rec.offset, rec.end_offset, rec.truncated, rec.dropped_lines))
        if ev.kind != "line":
            return
        screen = self._screen  # type: ignore[attr-defined]
        msg = ev.message
        if may_apply(screen, msg) or (ev.logger is not None and ev.logger.endswith(STATEMENT_LOGGERS)):
            self._single_line(ev, first, rec)  # type: ignore[attr-defined]
        fields = extra.get("fields")
        if ev.kind == "line" and fields and not is_mybatis(msg):  # (the joiner has read a MyBatis record)
            text = f"{msg} | {fields}"  # the fields read as what the message says after it
            if may_apply(screen, text):
                ev.message = text
                self._single_line(ev, first, rec)  # type: ignore[attr-defined]
                ev.message = msg
