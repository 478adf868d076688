"""Tomcat's container loggers name the container's path in brackets after the class:
`org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/app].[dispatcherServlet]`, the
logger of every embedded Tomcat's `Initializing Spring embedded WebApplicationContext` and of
its `Servlet.service() ... threw exception` records. logback's `%logger{N}` cuts each part
to its first character, a bracket to `[` (`o.a.c.c.C.[.[.[/]`). Whatever the layout around it
(`- `, padded `: ` or `| `, `:line - `, in brackets), the whole name is the logger."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_ENGINE = st.sampled_from(["[Tomcat]", "[Tomcat-2]", "[Catalina]", "["])
_HOST = st.sampled_from(["[localhost]", "["])
_CONTEXT = st.one_of(st.just("[/]"), st.from_regex(r"\[/[a-z][a-z0-9-]{0,20}\]", fullmatch=True))
_SERVLET = st.sampled_from(["", ".[dispatcherServlet]", ".[jsp]"])
_CLASS = st.sampled_from(["o.a.c.c.C", "o.a.c.core.ContainerBase", "org.apache.catalina.core.ContainerBase"])
_LEVEL = st.sampled_from(["INFO", "WARN", "ERROR"])


@st.composite
def container_loggers(draw):
    return f"{draw(_CLASS)}.{draw(_ENGINE)}.{draw(_HOST)}.{draw(_CONTEXT)}{draw(_SERVLET)}"


_LAYOUTS = [
    "2022-05-07 15:12:18.609 [main] {level} {logger} - Initializing Spring",
    "2022-05-07 15:12:18.609 [main] {level} {logger}:173 - Initializing Spring",
    "2024-04-14 10:00:00.185 [{level} ] {logger}       : Initializing Spring",
    "2024-04-14 10:00:00.185 [main] {level} {logger}       | Initializing Spring",
    "2022-03-12 10:00:00,942 [main] {level} [{logger}] Initializing Spring",
]


@given(container_loggers(), _LEVEL, st.sampled_from(_LAYOUTS))
def test_the_container_path_is_part_of_the_logger(logger, level, layout):
    got = AutoParser().parse(layout.format(level=level, logger=logger))
    assert (got.level, got.logger, got.message) == (level, logger, "Initializing Spring")


def test_a_bracket_after_a_logger_that_is_no_container_path_stays_message():
    got = AutoParser().parse("2022-05-07 15:12:18.609 [main] INFO  c.f.Foo - [/api/orders] done")
    assert (got.logger, got.message) == ("c.f.Foo", "[/api/orders] done")


def test_a_bracket_with_spaces_is_no_container_path():
    got = AutoParser().parse("2022-05-07 15:12:18.609 [main] INFO  [o.a.Foo.[two words]] msg")
    assert got.logger is None
