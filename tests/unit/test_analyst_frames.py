"""The first in-app frame of a trail's exceptions, and how the trail shows it (no services)."""

from __future__ import annotations

from rich.console import Console

from parsers.prefix.time import parse_timezone
from pipeline.analyst.frames import annotate_app_frames, app_frame_of
from pipeline.analyst.render import describe, render_trace
from pipeline.analyst.trace_html import render_trace_html

ZONE = parse_timezone("Asia/Shanghai")
JAVA = ("com.acme.pay.ChannelTimeoutException: channel timeout for ord_1\n"
        "\tat org.apache.hc.Client.execute(Client.java:12)\n"
        "\tat com.acme.pay.channel.ChannelClient.send(ChannelClient.java:42)\n"
        "\tat com.acme.pay.service.PayService.pay(PayService.java:58)\n"
        "Caused by: java.net.SocketTimeoutException: Read timed out\n"
        "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)\n")
PYTHON = ('Traceback (most recent call last):\n  File "/app/settle/main.py", line 3, in main\n'
          '  File "/app/settle/job.py", line 10, in run\n'
          '  File "/usr/lib/python3/dist-packages/x.py", line 3, in f\nValueError: x')


def test_the_first_frame_of_the_application_is_found_past_library_frames():
    assert app_frame_of(JAVA) == "com.acme.pay.channel.ChannelClient.send(ChannelClient.java:42)"
    assert app_frame_of(JAVA, ("com.acme.pay.service",)) == "com.acme.pay.service.PayService.pay(PayService.java:58)"
    assert app_frame_of(JAVA, ("org.nothing",)) is None


def test_a_python_traceback_gives_the_application_frame_nearest_the_raise():
    assert app_frame_of(PYTHON) == "app.settle.job.run(/app/settle/job.py:10)"


def test_no_trace_no_frame():
    assert app_frame_of(None) is None and app_frame_of("just a line") is None


def _exception() -> dict:
    return {"@timestamp": "2026-11-26T02:15:31.000Z", "service": {"name": "pay"}, "host": {"name": "h"},
            "log": {"level": "ERROR", "offset": 9}, "logpipe": {"kind": "exception"},
            "message": "支付失败 orderNo=ord_1\n" + JAVA,
            "error": {"type": "com.acme.pay.ChannelTimeoutException", "message": "channel timeout for ord_1",
                      "stack_trace": JAVA}}


def test_a_trail_shows_an_exception_with_its_class_frame_and_log_message():
    (src,) = annotate_app_frames([_exception()])
    text = describe(src)
    assert text.startswith("com.acme.pay.ChannelTimeoutException: channel timeout for ord_1 at "
                           "com.acme.pay.channel.ChannelClient.send(ChannelClient.java:42)")
    assert text.endswith("— 支付失败 orderNo=ord_1")
    console = Console(width=250, record=True, force_terminal=False, color_system=None)
    render_trace("ord_1", [src], console, ZONE)
    assert "ChannelClient.send(ChannelClient.java:42)" in console.export_text()
    page = render_trace_html("ord_1", [src], ZONE, "Asia/Shanghai")
    assert 'stroke="#dc2626"' in page and "ChannelTimeoutException" in page and "<details" in page
