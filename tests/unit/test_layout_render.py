"""The layout renderer of `bench/layouts`: the yardstick the layout benchmark measures the
parser with, so it is tested against the logging libraries' documented output."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

import pytest

from bench.layouts import java_pattern, python_format
from bench.layouts.java_dates import format_date
from bench.layouts.record import Record, Unsupported

ROOT = Path(__file__).resolve().parents[2]
T = datetime(2026, 3, 7, 9, 5, 4, 62000)


def rec(**kw) -> Record:
    base = dict(time=T, level="INFO", thread="main", logger="com.pay.order.service.PayOrderService",
                message="paid", method="pay", line=42)
    base.update(kw)
    return Record(**base)


def test_renderer_imports_nothing_of_the_parser():
    for path in (ROOT / "bench" / "layouts").glob("*.py"):
        if path.name == "score.py":  # the scorer runs the parser, as bench/realworld.py does
            continue
        tree = ast.parse(path.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(n.split(".")[0] in ("parsers", "pipeline", "sinks") for n in names), path


@pytest.mark.parametrize("fmt,kind,want", [
    ("yyyy-MM-dd HH:mm:ss.SSS", "logback", "2026-03-07 09:05:04.062"),
    (None, "logback", "2026-03-07 09:05:04,062"),
    ("ISO8601", "log4j2", "2026-03-07T09:05:04,062"),
    ("ABSOLUTE", "log4j1", "09:05:04,062"),
    ("dd MMM yyyy HH:mm:ss", "log4j1", "07 Mar 2026 09:05:04"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "logback", "2026-03-07T09:05:04.062+08:00"),
    ("yyyy-MM-dd HH:mm:ss,SSS", "logback", "2026-03-07 09:05:04,062"),
    ("HH:mm:ss.SSS, Asia/Shanghai", "logback", "09:05:04.062"),
])
def test_java_dates(fmt, kind, want):
    assert format_date(T, fmt, kind) == want


@pytest.mark.parametrize("name,n,want", [
    ("com.pay.order.service.PayOrderService", 0, "PayOrderService"),
    ("com.pay.order.service.PayOrderService", 36, "c.pay.order.service.PayOrderService"),
    ("com.pay.order.service.PayOrderService", 20, "c.p.o.s.PayOrderService"),
    ("com.pay.order.service.PayOrderService", 5, "c.p.o.s.PayOrderService"),
    ("Main", 5, "Main"),
])
def test_logback_abbreviation(name, n, want):
    assert java_pattern.abbreviate(name, n) == want


def test_padding_truncation_and_fields():
    fields: dict = {}
    text = java_pattern.render("%d{HH:mm:ss} [%-6.6t] %5p %-10.10logger{0} %.-3m%n", "logback",
                               rec(thread="http-nio-8080-exec-1", message="paid in full"), fields)
    assert text == "09:05:04 [exec-1]  INFO derService pai\n"  # `.N` cuts the left, `.-N` the right
    assert fields == {"thread": "exec-1", "level": "INFO", "logger": "derService", "message": "pai"}


def test_log4j_category_precision_counts_components():
    assert java_pattern.render("%c{2} %m%n", "log4j1", rec()) == "service.PayOrderService paid\n"
    assert java_pattern.render("%c{1.} %m%n", "log4j2", rec()) == "c.p.o.s.PayOrderService paid\n"


def test_spring_boot_defaults_and_colour():
    pattern = "%clr(%d{${LOG_DATEFORMAT_PATTERN:-yyyy-MM-dd HH:mm:ss.SSS}}){faint} %clr(${LOG_LEVEL_PATTERN:-%5p})"
    assert java_pattern.render(pattern + " %m%n", "logback", rec()) == "2026-03-07 09:05:04.062  INFO paid\n"
    assert java_pattern.render("%highlight(%-5level) %m%n", "logback", rec(level="ERROR")) == \
        "\x1b[31mERROR\x1b[0;39m paid\n"
    with pytest.raises(Unsupported):
        java_pattern.render("${APP_PATTERN} %m%n", "logback", rec())


def test_trace_after_the_line_and_spring_blank_line():
    r = rec(trace="java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n")
    assert java_pattern.render("%p %m%n", "logback", r) == "INFO paid\njava.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n"
    assert java_pattern.render("%p %m%n%wEx", "logback", r).startswith("INFO paid\n\njava.lang.")


def test_replace_applies_the_expression():
    assert java_pattern.render("%replace(%m){'\\s+', ' '}%n", "logback", rec(message="a  \n b")) == "a b\n"


def test_python_formats_as_logging_does():
    r = rec(level="WARNING", logger="django.request", thread="MainThread",
            trace="Traceback (most recent call last):\nValueError: x\n")
    text = python_format.render("%(levelname)s:%(name)s:%(message)s", "%", None, r)
    assert text == "WARNING:django.request:paid\nTraceback (most recent call last):\nValueError: x\n"
    assert python_format.render("{levelname:<8} {asctime} {message}", "{", None, rec()) == \
        "INFO     2026-03-07 09:05:04,062 paid\n"
    assert python_format.render("[%(asctime)s] %(message)s", "%", "%d/%b/%Y %H:%M:%S", rec()) == \
        "[07/Mar/2026 09:05:04] paid\n"
    assert python_format.fields("%(asctime)s %(name)s %(message)s", "%", r) == \
        {"logger": "django.request", "message": "paid"}


def test_log4j2_puts_a_space_before_a_trace_written_against_the_message():
    r = rec(trace="java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n")
    assert java_pattern.render("%p %m%xEx%n", "log4j2", r) == \
        "INFO paid java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n\n"
    assert java_pattern.render("%p %m%n%xEx", "log4j2", r).startswith("INFO paid\njava.lang.")
