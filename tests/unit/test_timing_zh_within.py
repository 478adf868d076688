"""Chinese timings told by 在…内 and [N]毫秒后, as Tomcat's zh_CN messages write them; a wait
told after them (重试, 过期...) is none."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.timing.method import MethodTimingParser
from parsers.timing.zh_within import find_zh_timing

PARSER = MethodTimingParser()


@pytest.mark.parametrize("message, name, ns", [
    ("服务器在[577]毫秒内初始化", "服务器", 577_000_000),
    ("Web应用程序目录[/opt/tomcat/webapps/docs]的部署已在[6,018]ms内完成", "/opt/tomcat/webapps/docs", 6_018_000_000),
    ("[6444]毫秒后服务器启动", "服务器启动", 6_444_000_000),
    ("同步在 35 毫秒内完成", "同步", 35_000_000),
])
def test_tomcat_chinese_timings(message, name, ns):
    got = PARSER.parse(message)
    assert got is not None and (got.name, got.duration_ns) == (name, ns)
    assert any(word in message for word in PARSER.triggers)  # the recognisers' screen passes it


@pytest.mark.parametrize("message", ["5秒后重试", "在5秒内重试", "[30]秒后过期", "令牌在 3600 秒内有效"])
def test_waits_and_settings_are_no_timings(message):
    assert PARSER.parse(message) is None


@given(st.integers(0, 10_000_000), st.text(alphabet="服务器应用部署完成", max_size=8))
def test_the_written_milliseconds(ms, tail):
    got = find_zh_timing(f"部署已在[{ms:,}]毫秒内完成{tail}")
    assert got is not None and got[2] == ms * 1_000_000
