"""Layouts that write only the level before the message (Django's documented `simple`
formatter `{levelname} {message}`, log4j's `%p - %m`): once the records before have
each begun with their level, a line without one is the message's next line, as a line
without a time is in a dated layout. Maven's `[INFO]` lines among plain output, a line
with a time of day, and a line that starts as the record's message did (the same
writer without its level) stay records of their own."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions

_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARN", "ERROR"])
_WORDS = st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=6).map(" ".join)
# a message's next line starts with another word than the message (a line that starts as the
# message did is the same writer's next record)
_FIRST = st.from_regex(r"[a-m]{1,8}", fullmatch=True)
_NEXT = st.tuples(st.from_regex(r"[n-z]{1,8}", fullmatch=True), _WORDS).map(" ".join)


def events(text: str) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    return asm.feed(text.encode(), 0, 0) + asm.finish(0)


@given(st.lists(st.tuples(_LEVEL, _FIRST, st.lists(_NEXT, max_size=3)), min_size=2, max_size=6),
       st.sampled_from(["{} {}", "{} - {}"]))
def test_each_record_keeps_its_message_lines(records, layout):
    lines = []
    for level, first, more in records:
        lines.append(layout.format(level, first))
        lines += [f"{w}:" if i == 0 else w for i, w in enumerate(more)]  # `missing:` then the list
    got = events("\n".join(lines) + "\n")
    # the first record's next lines come before any run of level-first records: they are
    # records of their own, as in a file whose layout is not known yet
    head = len(records[0][2])
    assert len(got) == len(records) + head
    for ev, (level, first, more) in zip(got[head + 1:], records[1:]):
        assert ev.level == level
        assert ev.message == "\n".join([first, *(f"{w}:" if i == 0 else w for i, w in enumerate(more))])


def test_django_simple_layout():
    got = events("INFO Watching for file changes with StatReloader\n"
                 "WARNING reconciliation file lacks records count=3\n"
                 "missing: P202611290017, P202611290018\n"
                 "ERROR Internal Server Error: /api/pay/notify\n"
                 "Traceback (most recent call last):\n"
                 '  File "/srv/app/pay/views.py", line 42, in notify\n'
                 "    order = Order.objects.get(order_no=order_no)\n"
                 "pay.models.Order.DoesNotExist: Order matching query does not exist.\n"
                 'INFO "POST /api/pay/notify HTTP/1.1" 500 145\n')
    assert [e.level for e in got] == ["INFO", "WARN", "ERROR", "INFO"]
    assert got[1].message.endswith("\nmissing: P202611290017, P202611290018")
    assert got[2].kind == "exception" and got[2].error_type == "pay.models.Order.DoesNotExist"


def test_lines_of_other_shapes_stay_records():
    maven = events("[INFO] Building pay 1.0\n[INFO] compiling\nDownloading pay-api.pom\n")
    assert len(maven) == 3
    timed = events("INFO a\nINFO b\nSTATUS | wrapper | 2018/03/31 18:42:04 | started\n")
    assert len(timed) == 3
    same_writer = events("INFO  p6spy - 1730805370352|1|statement|select 1\n"
                         "INFO  p6spy - 1730805370353|1|statement|select 2\n"
                         "p6spy - 1730805505388|1|statement|select 3\n")
    assert len(same_writer) == 3


def test_one_level_first_record_is_not_yet_a_layout():
    got = events("ERROR connection refused\nretrying\n")
    assert len(got) == 2
