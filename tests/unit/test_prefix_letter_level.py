"""Layouts that write the level as one letter: glog/klog/absl (`I0822 19:38:14.123456 1 f.go:42] `),
Tornado (`[I 180822 19:38:14 web:2162] `) and Jupyter (`[I 2023-05-01 10:00:00.123 ServerApp] `)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.prefix.auto import AutoParser
from parsers.prefix.letter_level import LEVEL_OF_LETTER
from tests.unit.tiled_events import tiled_events

_WHEN = st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31, 23, 59, 59))
_MESSAGE = st.from_regex(r"[A-Za-z][a-z]{1,10}(?: [a-z0-9/.]{1,10}){0,5}", fullmatch=True)


@given(_WHEN, st.sampled_from("IWEF"), st.integers(1, 99999), st.from_regex(r"[a-z_]{1,12}\.(?:go|cc|py)", fullmatch=True),
       st.integers(1, 99999), _MESSAGE)
def test_glog_takes_its_year_from_the_hint(when, letter, thread, file, line, msg):
    text = f"{letter}{when:%m%d %H:%M:%S.%f} {thread:>7} {file}:{line}] {msg}"
    got = AutoParser(date_hint=f"{when.year}-01-01").parse(text)
    assert got.timestamp == f"{when:%Y-%m-%dT%H:%M:%S.%f}+00:00"
    assert (got.level, got.thread, got.logger, got.extra, got.message) == (
        LEVEL_OF_LETTER[letter], str(thread), file, {"line": str(line)}, msg)


@given(_WHEN, st.sampled_from("DIWEC"), st.from_regex(r"[a-z_]{1,12}", fullmatch=True), st.integers(1, 9999), _MESSAGE)
def test_tornado_two_digit_year(when, letter, module, line, msg):
    got = AutoParser().parse(f"[{letter} {when:%y%m%d %H:%M:%S} {module}:{line}] {msg}")
    assert got.timestamp == f"{when:%Y-%m-%dT%H:%M:%S}+00:00"
    assert (got.level, got.logger, got.extra, got.message) == (LEVEL_OF_LETTER[letter], module, {"line": str(line)}, msg)


@pytest.mark.parametrize("text, hint, timestamp, logger", [
    ("[I 2023-05-01 10:00:00.123 ServerApp] Jupyter Server 2.5.0 is running at:", None,
     "2023-05-01T10:00:00.123+00:00", "ServerApp"),
    ("[W 10:23:45.123 NotebookApp] The notebook server is listening on all IP addresses", "2019-03-02",
     "2019-03-02T10:23:45.123+00:00", "NotebookApp"),
])
def test_jupyter_time_and_application_name(text, hint, timestamp, logger):
    got = AutoParser(date_hint=hint).parse(text)
    assert (got.timestamp, got.logger, got.thread) == (timestamp, logger, None)
    assert got.level in ("INFO", "WARN") and not got.message.startswith("[")


@pytest.mark.parametrize("text", [
    "[I am here] a bracketed remark", "I1234 is not a glog line", "[E 25:00:00 web:1] no hour 25",
    "[X 180822 19:38:14 web:2162] no level X", "I0822 19:38:14 1 f.go:1] no microseconds",
])
def test_lines_that_only_look_alike_are_no_such_start(text):
    got = AutoParser().parse(text)
    assert got.format == "raw" and got.level is None


def test_tornado_uncaught_exception_keeps_its_request_and_indented_traceback():
    log = (
        "[E 180827 16:01:35 web:1670] Uncaught exception POST /api/profile/name (127.0.0.1)\n"
        "    HTTPServerRequest(protocol='http', host='127.0.0.1:8000', method='POST', uri='/api/profile/name')\n"
        "    Traceback (most recent call last):\n"
        "      File \"/srv/app/handlers/profile.py\", line 63, in post\n"
        "        print(self.new_name)\n"
        "    OSError: [Errno 22] Invalid argument\n"
        "[E 180827 16:01:35 web:2162] 500 POST /api/profile/name (127.0.0.1) 9.00ms\n"
    ).encode()
    exc, access = tiled_events(log)
    assert (exc.kind, exc.level, exc.error_type, exc.logger) == ("exception", "ERROR", "OSError", "web")
    assert exc.timestamp == "2018-08-27T16:01:35+00:00" and exc.message.startswith("Uncaught exception POST")
    assert (access.level, access.offset) == ("ERROR", log.index(b"[E 180827 16:01:35 web:2162]"))
