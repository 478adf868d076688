import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.options import MethodOptions
from parsers.timing.method import _FORMS, MethodTiming, MethodTimingParser, _search_before_word
from parsers.timing.subject import _CHAIN, may_name_a_method

MS = 1_000_000


@pytest.fixture(scope="module")
def parser():
    return MethodTimingParser(MethodOptions())


def test_workload_method_line_is_recognised(parser):
    assert parser.parse("method=OrderService.pay cost=35ms") == MethodTiming("OrderService.pay", 35 * MS)


@pytest.mark.parametrize(
    "message, name, ns",
    [
        ("OrderService.pay took 35 ms", "OrderService.pay", 35 * MS),
        ("[OrderService.pay] 耗时 35ms", "OrderService.pay", 35 * MS),
        ("方法 OrderService.pay 耗时: 35 ms", "OrderService.pay", 35 * MS),
        ("方法：OrderService.pay 执行耗时：1.5秒", "OrderService.pay", 1_500_000_000),
        ("execute OrderService.pay cost 35ms", "OrderService.pay", 35 * MS),
        ("com.fpay.pay.service.OrderService.pay() took 2s", "com.fpay.pay.service.OrderService.pay", 2_000_000_000),
        ("OrderService#pay took 350us", "OrderService#pay", 350_000),
        ("method=SettlementJob.settleMerchant cost=812", "SettlementJob.settleMerchant", 812 * MS),
        ("traceId=abc method=RiskEngine.evaluate, cost=17ms, ok", "RiskEngine.evaluate", 17 * MS),
        ("payment took 3 s", "payment", 3_000_000_000),
    ],
)
def test_known_forms_give_method_name_and_duration(parser, message, name, ns):
    assert parser.parse(message) == MethodTiming(name, ns)


@pytest.mark.parametrize(
    "message",
    [
        "Calling channel ALIPAY for orderNo=ord_1, timeout=3000ms",
        "Released lock pay:lock:ord_1 held=3ms",
        "method=OrderService.pay",
        "",
    ],
)
def test_lines_that_are_not_method_timings_give_none(parser, message):
    assert parser.parse(message) is None


def test_configured_pattern_in_seconds():
    p = MethodTimingParser(MethodOptions(patterns=(r"TIMER (?P<method>\S+) (?P<s>[\d.]+)s",)))
    assert p.parse("TIMER Batch.run 1.25s") == MethodTiming("Batch.run", 1_250_000_000)


def test_configured_pattern_with_unparseable_number_falls_back_to_built_in_forms():
    p = MethodTimingParser(MethodOptions(patterns=(r"(?P<method>\w+\.\w+) (?P<ms>\S+)",)))
    assert p.parse("OrderService.pay took 35 ms") == MethodTiming("OrderService.pay", 35 * MS)


def test_configured_pattern_without_required_groups_is_rejected():
    with pytest.raises(ValueError, match="named groups"):
        MethodTimingParser(MethodOptions(patterns=(r"(?P<method>\S+)",)))


texts = st.one_of(
    st.text(),
    st.builds(lambda b, e: b.decode("utf-8", e), st.binary(), st.sampled_from(["replace", "surrogateescape"])),
    st.builds(lambda a, b: a + b, st.sampled_from(["method=A.b cost=", "[A.b] 耗时 ", "A.b took ", "方法 A.b 耗时 "]), st.text()),
)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_method_timing_parser_is_total(message):
    p = MethodTimingParser(MethodOptions(patterns=(r"T (?P<method>\S+) (?P<ms>\S+)",)))
    result = p.parse(message)
    assert result is None or (isinstance(result, MethodTiming) and result.duration_ns >= 0)


qualified = st.one_of(
    texts,
    st.builds(lambda a, sep, b, rest: f"{a}{sep}{b}{rest}",
              st.text(alphabet="aZ_$.#0 9", max_size=8), st.sampled_from([".", "#", ". ", ""]),
              st.text(alphabet="aZ_$.#0(", max_size=8),
              st.sampled_from([" took 3 ms", " cost=3ms", "] 耗时 3ms", " 耗时: 3 ms", ""])),
    st.builds(lambda p, m: p + m, st.sampled_from(["method=", "[", "方法 ", "execute ", "invoked ", ""]),
              st.from_regex(r"[A-Za-z_$.#][\w$.#]{0,12}\s*(took|cost|耗时)\s*[=:]?\s*\d{1,4}\s*ms", fullmatch=True)),
)


@settings(max_examples=400, deadline=None)
@given(qualified)
def test_a_text_that_fails_the_qualifier_test_holds_no_method_form_and_no_chain(text):
    # the forms and the subject's method chain are searched only where `may_name_a_method` says
    # one may be: it must never hide one
    if not may_name_a_method(text):
        assert not any(rx.search(text) for _, rx in _FORMS)
        assert next(_CHAIN.finditer(text), None) is None


def test_the_qualifier_test_reads_dots_and_hashes_before_a_name():
    assert may_name_a_method("OrderService.pay took 3 ms") and may_name_a_method("c.f.Order#pay()")
    assert not may_name_a_method("|ORDER|ord_1|amount=87.47|status=SUCCESS| cost=35ms")


# texts around the `<method> took 3 ms` form: names in runs of name characters (`\w` is Unicode:
# `调用Foo.bar`), `()`, spaces of several kinds, the words anywhere, more than once
_piece = st.sampled_from(["took", "cost", "耗时", "Foo.bar", "a#b", "x.y.z", "Svc$1.run", "_a.b_", "调用Foo.bar", "9a.b",
                          "a.9", "0.5", "()", "(", ")", "$", ".", "#", " ", "  ", "\t", "\u3000", "\n", "[", "]", "=",
                          ":", "：", "3", " 3 ms", "12ms", "s", "|", "x", "调用"])
_noise = st.lists(st.one_of(_piece, st.text(alphabet="aZ_$.#0 (", max_size=3)), max_size=6).map("".join)
# noise, then a name, `()` or not, spaces (or none), a word, a duration, noise: the form and its near misses
before_word = st.builds(lambda *parts: "".join(parts), _noise, _piece, _piece, st.sampled_from(["", "()", "(", ")"]),
                        st.sampled_from(["", " ", "\t ", "\u3000"]), st.sampled_from(["took", "cost", "耗时", "tok"]),
                        st.sampled_from([" 3 ms", "=12ms", "：5秒", " 3", ""]), _noise)


@settings(max_examples=3000, deadline=None)
@given(before_word)
def test_the_form_before_a_timing_word_finds_what_a_search_of_every_position_finds(text):
    rx = next(rx for words, rx in _FORMS if words is None)
    got, want = _search_before_word(rx, text), rx.search(text)
    assert (got and got.span(), got and got.groupdict()) == (want and want.span(), want and want.groupdict())


def test_the_form_before_a_timing_word_takes_the_first_method_that_times():
    rx = next(rx for words, rx in _FORMS if words is None)
    text = "cache.warm took long; Refund.run() cost=4ms, OrderService.pay took 35 ms"
    assert _search_before_word(rx, text).group("method") == "Refund.run"
