"""Access lines that write a request's time with no timing word (Tornado, morgan's dev, Gin):
a timing of the request, named `VERB /path` with ids starred; settings and waits are not.
Every line read holds one of the screen's words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.timing.method import MethodTimingParser
from parsers.timing.request_line import TRIGGERS, find_request_timing

PARSER = MethodTimingParser()


@pytest.mark.parametrize("message, name, ns", [
    ("200 POST /api/login (127.0.0.1) 22.00ms", "POST /api/login", 22_000_000),  # Tornado
    ("304 GET /api/profile (127.0.0.1) 12.00ms\r\n\n", "GET /api/profile", 12_000_000),  # blank lines joined
    ("GET /api/users/12345 200 12.345 ms - 1234", "GET /api/users/*", 12_345_000),  # morgan dev
    ('[GIN] 2024/01/02 - 10:11:12 | 500 |         1.5s |  127.0.0.1 | GET      "/api/slow"', "GET /api/slow",
     1_500_000_000),
    ('[GIN] 2024/01/02 - 10:11:12 | 200 |   1.234567ms |  127.0.0.1 | GET      "/api/users"', "GET /api/users", 1_234_567),
    ('[GIN] 2024/01/02 - 10:11:12 | 404 |      12.5µs |  127.0.0.1 | POST     "/api/orders/991"', "POST /api/orders/*",
     12_500),
])
def test_access_line_forms(message, name, ns):
    got = PARSER.parse(message)
    assert got is not None and (got.name, got.duration_ns) == (name, ns)
    assert any(word in message for word in PARSER.triggers)


@pytest.mark.parametrize("message", [
    "GET /api/users timeout 30s",  # a setting
    "GET /api/x returned 200 after 3 retries, backoff 2s",  # a wait after a word
    "GET /health 200 OK",  # no time
    "Fetching /api/x 200 12ms",  # no verb: no request
    "GET /api/x took the lock 5 ms",  # no status
    "GET /api/users 200 1234 - 12.345 ms",  # morgan tiny: ` ms` at the end, not screened for
    "GET /api/users 200 12ms",  # a digit and `ms` alone: not screened for
])
def test_no_request_timing_without_request_status_and_a_time_field(message):
    assert find_request_timing(message) is None


@given(st.sampled_from(["GET", "POST", "PUT", "DELETE"]), st.from_regex(r"/[a-z]{1,8}(?:/[a-z]{1,8}){0,3}", fullmatch=True),
       st.integers(100, 599), st.integers(0, 99_999), st.integers(0, 99))
def test_tornado_line_time_is_the_written_milliseconds(verb, path, status, whole, cents):
    message = f"{status} {verb} {path} (10.0.0.7) {whole}.{cents:02d}ms"  # Tornado's `%.2fms`
    got = PARSER.parse(message)
    assert got is not None and got.name == f"{verb} {path}"
    assert got.duration_ns == whole * 1_000_000 + cents * 10_000
    assert any(word in message for word in TRIGGERS)


@given(st.text(max_size=200))
def test_any_text_gives_a_timing_or_none(text):
    got = find_request_timing(text)
    assert got is None or (0 <= got[0] < got[1] <= len(text) and got[2] >= 0 and any(w in text for w in TRIGGERS))
