"""A console layout's colours saved to a file (`%clr`, `%highlight`, `%boldYellow` in a file
appender, or `spring.output.ansi.enabled=always`): the escapes are dropped from every line
before it is read (`parsers.ansi`, in the assembler), and the record has the same level,
thread, logger and message as without them, the message's own colours removed too."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions

_SGR = st.sampled_from(["\x1b[34m", "\x1b[1;31m", "\x1b[31m", "\x1b[1;33m", "\x1b[1;32m", "\x1b[2m", "\x1b[35m"])
_RESET = st.sampled_from(["\x1b[0;39m", "\x1b[0m", "\x1b[m"])
_THREAD = st.from_regex(r"[a-z][\w-]{0,20}", fullmatch=True)
_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARN", "ERROR"])
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,20}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z][ -~]{0,40}", fullmatch=True).map(str.rstrip)


def first_event(line: str):
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    return (asm.feed((line + "\n").encode(), 0, 0) + asm.finish(0))[0]


def _c(sgr: str, text: str, reset: str) -> str:
    return f"{sgr}{text}{reset}"


@given(_SGR, _SGR, _SGR, _RESET, _THREAD, _LEVEL, _LOGGER, _MSG, st.integers(1, 99999))
def test_pipe_layout_in_colours(s1, s2, s3, r, thread, level, logger, msg, pid):
    plain = f"2025-06-28 09:43:23.072 | {level:>5} {pid} | {thread} [TID: N/A] {logger:<40} | {msg}"
    coloured = (f"2025-06-28 09:43:23.072 | {_c(s1, f'{level:>5} {pid}', r)} | {_c(s2, f'{thread} [TID: N/A]', r)}"
                f" {_c(s3, f'{logger:<40}', r)} | {msg}")
    a, b = first_event(plain), first_event(coloured)
    assert (b.level, b.thread, b.logger, b.message) == (a.level, a.thread, a.logger, a.message) == (level, thread, logger, msg)


@given(_SGR, _RESET, _THREAD, _LEVEL, _LOGGER)
def test_spring_boot_layout_in_colours(s, r, thread, level, logger):
    line = (f"2025-06-28 09:43:23.072 {_c(s, f'{level:>5}', r)} {_c(s, '12345', r)} --- "
            f"[{thread:>15}] {_c(s, f'{logger:<40}', r)} : hello")
    got = first_event(line)
    assert (got.level, got.thread.strip(), got.logger, got.message) == (level, thread, logger, "hello")


def test_escapes_in_the_message_are_removed_too():
    line = "2025-06-28 09:43:23.072 [main] INFO  c.a.Foo - \x1b[32mgreen\x1b[0m done"
    got = first_event(line)
    assert (got.level, got.thread, got.logger, got.message) == ("INFO", "main", "c.a.Foo", "green done")


def test_a_coloured_spring_boot_line_keeps_its_time_and_fields():
    coloured = ("\x1b[2m2019-01-02 03:04:05.678\x1b[0;39m \x1b[32m INFO\x1b[0;39m \x1b[35m1234\x1b[0;39m \x1b[2m---"
                "\x1b[0;39m \x1b[2m[           main]\x1b[0;39m \x1b[36mc.f.Foo\x1b[0;39m \x1b[2m:\x1b[0;39m Started")
    got = first_event(coloured)
    assert (got.timestamp, got.level, got.thread, got.logger, got.message) == (
        "2019-01-02T03:04:05.678+00:00", "INFO", "main", "c.f.Foo", "Started")
