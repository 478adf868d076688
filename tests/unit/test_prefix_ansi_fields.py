"""A console layout's colours saved to a file (`%clr`, `%highlight`, `%boldYellow` in a file
appender, or `spring.output.ansi.enabled=always`): SGR escapes around the fields after the
time are dropped before the fields are read, and the record has the same level, thread,
logger and message as without them. A line whose fields are read with the escapes in its
message keeps them."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_SGR = st.sampled_from(["\x1b[34m", "\x1b[1;31m", "\x1b[31m", "\x1b[1;33m", "\x1b[1;32m", "\x1b[2m", "\x1b[35m"])
_RESET = st.sampled_from(["\x1b[0;39m", "\x1b[0m", "\x1b[m"])
_THREAD = st.from_regex(r"[a-z][\w-]{0,20}", fullmatch=True)
_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARN", "ERROR"])
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,20}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z][ -~]{0,40}", fullmatch=True).map(str.rstrip)


def _c(sgr: str, text: str, reset: str) -> str:
    return f"{sgr}{text}{reset}"


@given(_SGR, _SGR, _SGR, _RESET, _THREAD, _LEVEL, _LOGGER, _MSG, st.integers(1, 99999))
def test_pipe_layout_in_colours(s1, s2, s3, r, thread, level, logger, msg, pid):
    plain = f"2025-06-28 09:43:23.072 | {level:>5} {pid} | {thread} [TID: N/A] {logger:<40} | {msg}"
    coloured = (f"2025-06-28 09:43:23.072 | {_c(s1, f'{level:>5} {pid}', r)} | {_c(s2, f'{thread} [TID: N/A]', r)}"
                f" {_c(s3, f'{logger:<40}', r)} | {msg}")
    a, b = AutoParser().parse(plain), AutoParser().parse(coloured)
    assert (b.level, b.thread, b.logger, b.message) == (a.level, a.thread, a.logger, a.message) == (level, thread, logger, msg)


@given(_SGR, _RESET, _THREAD, _LEVEL, _LOGGER)
def test_spring_boot_layout_in_colours(s, r, thread, level, logger):
    line = (f"2025-06-28 09:43:23.072 {_c(s, f'{level:>5}', r)} {_c(s, '12345', r)} --- "
            f"[{thread:>15}] {_c(s, f'{logger:<40}', r)} : hello")
    got = AutoParser().parse(line)
    assert (got.level, got.thread.strip(), got.logger, got.message) == (level, thread, logger, "hello")


def test_escapes_in_the_message_are_kept_when_the_fields_are_read():
    line = "2025-06-28 09:43:23.072 [main] INFO  c.a.Foo - \x1b[32mgreen\x1b[0m done"
    got = AutoParser().parse(line)
    assert (got.level, got.thread, got.logger) == ("INFO", "main", "c.a.Foo")
    assert got.message == "\x1b[32mgreen\x1b[0m done"
