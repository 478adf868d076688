"""Chinese timings told by 在…内 ("within") and …后 ("after"), as Tomcat's Chinese messages
(its zh_CN resource bundle) and applications write them:

    服务器在[577]毫秒内初始化                               Server initialized in [577] milliseconds
    Web应用程序目录[/opt/app]的部署已在[6,018]ms内完成       Deployment of ... has finished in [6,018] ms
    [6444]毫秒后服务器启动                                  Server startup in [6444] milliseconds
    同步在 35 毫秒内完成

`find_zh_timing(message)` returns `(start, end, duration ns)` of the first one, or None.
在/已在 before the number and 内 after the unit tell the first form; the second, `[N]毫秒后`,
needs its brackets, since `5秒后重试` ("retry after 5 s") is a wait. A wait, a setting or a
requirement told right after (重试, 过期, 超时, 有效, 必须...: `在5秒内重试`, `30秒后过期`,
`令牌在3600秒内有效`) makes none.
"""

from __future__ import annotations

import re

from parsers.timing.free import GROUPED, MAX_TIMING_NS, ungrouped
from parsers.units import duration_ns

# every timing found here holds one of these
TRIGGERS = ("毫秒内", "毫秒后", "ms内", "ms后", "秒内")
_NUMBER = rf"(?P<num>(?:{GROUPED}|[0-9]{{1,15}})(?:\.[0-9]{{1,9}})?)"
_UNIT = r"(?P<unit>毫秒|ms|秒|s)"
_WITHIN = re.compile(rf"已?在[ \t]*\[?[ \t]*{_NUMBER}[ \t]*\]?[ \t]*{_UNIT}内")
_AFTER = re.compile(rf"\[[ \t]*{_NUMBER}[ \t]*\][ \t]*(?P<unit>毫秒|ms)后")
_WAIT_AFTER = re.compile(r"[ \t]*(?:重试|重连|过期|超时|等待|执行|失效|关闭|有效|返回|未|没有|必须|需要)")
_UNITS = {"毫秒": "ms", "ms": "ms", "秒": "s", "s": "s"}


def may_have_zh_timing(message: str) -> bool:
    """Cheap test: one of `TRIGGERS` is in `message` (a non-ASCII message only)."""
    return not message.isascii() and ("秒内" in message or "毫秒后" in message or "ms内" in message
                                      or "ms后" in message)


def find_zh_timing(message: str) -> tuple[int, int, int] | None:
    for rx in (_WITHIN, _AFTER):
        for m in rx.finditer(message):
            if _WAIT_AFTER.match(message, m.end()) is not None:
                continue  # `在5秒内重试`: a wait
            ns = duration_ns(ungrouped(m.group("num")), _UNITS[m.group("unit")])
            if ns is not None and ns <= MAX_TIMING_NS:
                return m.start(), m.end(), ns
    return None
