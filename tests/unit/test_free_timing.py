"""Timings written in free text (`parsers/timing/free.py`) and the subject they are filed under
(`subject.py`), through `MethodTimingParser`, which tries them last."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.options import MethodOptions
from parsers.timing.free import MAX_TIMING_NS, find_timing
from parsers.timing.method import MethodTiming, MethodTimingParser
from parsers.timing.subject import subject

MS = 1_000_000
S = 1_000_000_000


@pytest.fixture(scope="module")
def parser():
    return MethodTimingParser(MethodOptions())


@pytest.mark.parametrize(
    "message, name, ns",
    [
        # request interceptors: the request is the subject, ids in its path become `*`
        ("[10.0.3.7]结束请求 => URL[GET /system/user/list],耗时:[35]毫秒", "GET /system/user/list", 35 * MS),
        ("[10.0.3.7]结束请求 => URL[POST /order/8812/cancel],耗时:[1204]毫秒", "POST /order/*/cancel", 1204 * MS),
        ("afterCompletion -- /api/orders/7731 took 8 ms", "/api/orders/*", 8 * MS),
        ("doRequest(https://api.bank.example/pay/notify?sign=ab12) cost:57ms", "/pay/notify", 57 * MS),
        # a qualified method before the timing words is the subject
        ("com.fpay.settle.SettleService.run() 执行时间：2.5秒", "com.fpay.settle.SettleService.run", 2_500_000_000),
        ("invoke OrderFacade#query, elapsed=12ms", "OrderFacade#query", 12 * MS),
        # otherwise the text before the timing words, digits and values normalised
        ("重连耗时:12 ms", "重连", 12 * MS),
        ("关闭超时订单 结束 closed=3 耗时 48ms", "关闭超时订单 结束 closed=*", 48 * MS),
        ("扣款成功 orderNo=ord_20261126_000101 accountNo=A20000003 耗时 11ms", "扣款成功 orderNo=* accountNo=*", 11 * MS),
        ("统计周报执行完毕，用时1834ms", "统计周报执行完毕", 1834 * MS),
        ("对账文件解析完成，处理时长：35 ms", "对账文件解析完成", 35 * MS),
        ("线程[pool-4-thread-3]成功获取锁,耗时:[5ms]", "线程[*]成功获取锁", 5 * MS),
        ("任务执行完毕，任务ID：13 总共耗时：2 毫秒", "任务执行完毕，任务ID：*", 2 * MS),
        ("命令:[df -h]\t耗时:[123]", "命令:[df -h]", 123 * MS),
        ("Indexing took 1.5 seconds", "Indexing", 1_500_000_000),
        ("Writer state recovery took 15 ms for bucket 3 from offset 99", "Writer state recovery", 15 * MS),
        ("Reconciliation batch done, total cost: 3 s", "Reconciliation batch done", 3 * S),
        ("Response time: 850us", "Response", 850_000),
        ("Settlement file parsed, time spent: 35 ms", "Settlement file parsed", 35 * MS),
        ("reconcile batch 7 spent 1.2 s in the ledger", "reconcile batch *", 1_200_000_000),
        ("EXIT :: saveCustomer | uuid=ab12cd34 | executionTime=12ms | status=SUCCESS", "EXIT :: saveCustomer", 12 * MS),
        ("channel callback verified, costTime=7", "channel callback verified", 7 * MS),
        ("ledger flush elapsed_ms=40", "ledger flush", 40 * MS),
        ("[afterCompletion,52] - 总耗时 12ms", "afterCompletion", 12 * MS),
        ("[refresh,88] - cache warm-up took 300 ms", "cache warm-up", 300 * MS),
        # JSON messages
        ('{"event":"settle","cost":35,"ok":true}', "event:settle", 35 * MS),
        ('{"elapsed_ms": 12}', "elapsed_ms", 12 * MS),
        # nothing before the timing: the text after it, or the timing word
        ("took 12 ms to warm the channel cache", "to warm the channel cache", 12 * MS),
        ("耗时 35ms", "耗时", 35 * MS),
        # a whole line whose layout was not recognised: its prefix (and logger) is no subject
        ("2026-11-26 10:00:03,093 INFO  [Dubbo-thread-9] AccountService:112 - 扣款成功 orderNo=ord_1 耗时 11ms",
         "扣款成功 orderNo=*", 11 * MS),
        ("15:33:21.917 [exec-3] DEBUG c.r.s.m.S.selectDictDataByType - [afterCompletion,52] - 总耗时 12ms",
         "afterCompletion", 12 * MS),
        # a timing in a `|` cell of its own: the first cell that names something
        ("|ORDER|ord_1|merchant=M1|amount=12.50|channel=ALIPAY|status=SUCCESS|cost=35ms|", "ORDER", 35 * MS),
        # the unit in brackets before the number
        ("join thread FlushRealTimeService elapsed time(ms) 98 300000",
         "join thread FlushRealTimeService elapsed", 98 * MS),
        ("settle batch cost[ms]=35", "settle batch", 35 * MS),
        ("对账 耗时(秒)：1.5", "对账", 1_500 * MS),
    ],
)
def test_free_text_timing_gives_subject_and_duration(parser, message, name, ns):
    assert parser.parse(message) == MethodTiming(name, ns)


@pytest.mark.parametrize(
    "message",
    [
        "Calling channel ALIPAY for orderNo=ord_1, timeout=30s",
        "sleep 5 s before the next poll",
        "connect failed, retry in 2s",
        "token expires in 3600s",
        "wait time: 5s",
        "maxTime=3000ms, maxCost=200ms",
        "uptime=12345ms",
        "lease duration 30s, session time: 1800 s",
        "datetime=12ms",
        "time=2019-01-02 10:00:00",
        "time=1700000000",
        "执行时间：2019-01-02 10:00:00",
        "下次执行时间：2026-11-27 02:00:00",
        "cost 12 CNY",
        "spent 3 attempts",
        "spent 12",
        "total spent 35.20 CNY",
        "cost: 12.50",
        "cost 12,500 CNY",
        "took 12,500",
        "took 3,4 attempts",
        "cost 1,2345 ms",
        "took 3 attempts",
        "cache size 35 MB, hit ratio 35%",
        "upgraded to version 1.2.3",
        "Released lock pay:lock:ord_1 held=3ms",
        "超时时间 30s",
        "retry time(s) 3",
        "start time(ms) 1700000000000",
        "",
    ],
)
def test_settings_waits_dates_and_sizes_are_not_timings(parser, message):
    assert parser.parse(message) is None


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1000, max_value=10**9),
       unit=st.sampled_from([(" ms", MS), ("ms", MS), (" milliseconds", MS), ("毫秒", MS), (" s", S), (" seconds", S)]),
       brackets=st.booleans())
def test_digits_grouped_in_thousands_are_one_number_when_a_unit_follows(parser, n, unit, brackets):
    # Java's MessageFormat and String.format("%,d") group a long's digits: Tomcat logs
    # "took [5,368] milliseconds"
    text, per = unit
    number = f"[{n:,}]" if brackets else f"{n:,}"
    found = find_timing(f"Creation of the pool took {number}{text}.")
    if n * per > MAX_TIMING_NS:
        assert found is None
    else:
        assert found is not None and found[2] == n * per


def test_first_timing_of_a_line_wins(parser):
    t = parser.parse("结束备份审核表数据,总数12,总用时340ms,cpu用时120ms,其中queryAll=80ms")
    assert t == MethodTiming("结束备份审核表数据,总数*", 340 * MS)


def test_subject_of_a_compound_word_leaves_its_head_out():
    message = "EXIT | executionTime=12ms"
    start, end, ns = find_timing(message)
    assert (message[start:end], ns) == ("executionTime=12ms", 12 * MS)


def test_a_timing_beyond_a_week_is_not_one(parser):
    assert parser.parse("job took 700000 s") is None
    assert parser.parse("job took 600000 s") == MethodTiming("job", 600_000 * S)


timing_like = st.builds(
    lambda a, w, sep, n, u, b: a + w + sep + n + u + b,
    st.one_of(st.text(max_size=30), st.from_regex(r"[A-Za-z0-9 .#/=\[\]|]{0,40}", fullmatch=True)),
    st.sampled_from(["took", "cost", "耗时", "用时", "执行时间", "elapsed", "time", "Time", "costTime", "duration"]),
    st.sampled_from(["", " ", "=", ":", "：", ":[", " is "]),
    st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,12})?", fullmatch=True),
    st.sampled_from(["", "ms", " ms", "]毫秒", "秒", "s", " seconds", "us", "ns", "分钟", "%", " MB"]),
    st.text(max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), timing_like))
def test_free_timing_never_raises_and_stays_in_bounds(message):
    found = find_timing(message)
    if found is not None:
        start, end, ns = found
        assert 0 <= start < end <= len(message)
        assert 0 <= ns <= MAX_TIMING_NS
        name = subject(message, start, end)
        assert isinstance(name, str) and len(name) <= 120
        assert not re.search(r"[0-9]{5}", name)  # no id, card or phone number reaches a subject


@given(st.sampled_from(["elapsed time", "cost", "took", "耗时", "duration"]),
       st.sampled_from([("ms", MS), ("s", 1000 * MS), ("毫秒", MS), ("秒", 1000 * MS)]),
       st.sampled_from(["()", "[]", "（）"]), st.sampled_from([" ", "=", ": ", "："]), st.integers(0, 86_400))
def test_a_unit_in_brackets_before_the_number_is_its_unit(word, unit, brackets, sep, n):
    found = find_timing(f"job finished, {word}{brackets[0]}{unit[0]}{brackets[1]}{sep}{n} 90000")
    assert found is not None and found[2] == n * unit[1]


_url_piece = st.sampled_from(["/", "//", "http", "https://", "http://h", "h.example.com", "/pay", "/v1", "a", "_x",
                              "9", " ", "?", "#", "]", ",", "，", "|", "\"", "'", ")", "=", "GET ", "POST", "hhttp", "/_"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_url_piece, max_size=14).map("".join))
def test_paths_tried_where_they_can_start_are_the_paths_a_scan_finds(text):
    from parsers.timing.subject import _PATH, _path_matches
    assert [m.span() for m in _path_matches(text)] == [m.span() for m in _PATH.finditer(text)]



@pytest.mark.parametrize("message, name, ns", [
    ("Setup of domain lock took 0.1 seconds.", "Setup of domain lock", 100 * MS),  # Home Assistant, every integration
    ("acquiring lock took 3 ms", "acquiring lock", 3 * MS),
    ("retry took 250 ms", "retry", 250 * MS),
])
def test_what_took_a_time_may_be_named_like_a_wait(parser, message, name, ns):
    # `took` is a measure of what the words before it name, even a lock, a wait or a retry
    assert parser.parse(message) == MethodTiming(name, ns)
