"""Alert outputs: a readable console line, JSON lines in a file, a webhook with retries
and chat templates (against a tiny aiohttp server on 127.0.0.1)."""

from __future__ import annotations

import io
import json

import orjson
from aiohttp import web

from sinks.alerts import ConsoleOutput, FileOutput, alert_key, format_line
from sinks.webhook import TEXT_TEMPLATE, WebhookOutput, render, template_for

ALERT = {"id": "0123456789abcdef0123456789abcdef", "rule": "new_signature", "key": "new_signature/s1",
         "severity": "high", "title": "New exception: java.io.IOException in payments@pay-01",
         "summary": 'java.io.IOException: reset "quoted" {braces}', "@timestamp": "2026-01-01T00:00:00.000Z",
         "service": "payments", "host": "pay-01"}


def test_the_console_line_reads_time_severity_rule_where_title_and_short_id():
    line = format_line(ALERT)
    assert line.startswith("2026-01-01T00:00:00.000Z HIGH")
    assert "new_signature" in line and "payments@pay-01" in line and "[0123456789ab]" in line
    assert "\n" not in format_line({**ALERT, "title": "two\nlines"})


async def test_console_output_writes_one_plain_line_when_not_a_terminal():
    buf = io.StringIO()
    await ConsoleOutput(buf).emit(ALERT)
    assert buf.getvalue() == format_line(ALERT) + "\n"


async def test_console_output_colours_with_rich_when_asked():
    buf = io.StringIO()
    out = ConsoleOutput(buf, color=True)
    await out.emit(ALERT)
    assert "\x1b[" in buf.getvalue() and "New exception" in buf.getvalue()


async def test_file_output_appends_json_lines(tmp_path):
    path = tmp_path / "alerts.jsonl"
    path.write_bytes(b'{"old": 1}\n')
    out = FileOutput(str(path))
    await out.start()
    await out.emit(ALERT)
    await out.emit({**ALERT, "id": "f" * 32})
    await out.stop()
    await out.stop()
    lines = path.read_bytes().splitlines()
    assert [json.loads(x).get("id") for x in lines] == [None, ALERT["id"], "f" * 32]


async def test_file_output_has_each_alert_on_disk_when_emit_returns(tmp_path):
    path = tmp_path / "alerts.jsonl"
    out = FileOutput(str(path))
    try:
        await out.emit(ALERT)
        assert json.loads(path.read_bytes())["id"] == ALERT["id"], "flushed before emit returned"
    finally:
        await out.stop()


def test_the_kafka_key_is_the_alert_key():
    assert alert_key(ALERT) == b"new_signature/s1"


def test_chat_templates_are_chosen_by_url_and_stay_valid_json():
    assert template_for("https://oapi.dingtalk.com/robot/send?access_token=x") == TEXT_TEMPLATE
    assert template_for("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x") == TEXT_TEMPLATE
    assert template_for("http://127.0.0.1/hook") is None
    body = render(TEXT_TEMPLATE, ALERT)
    assert body == {"msgtype": "text", "text": {"content": f"{ALERT['title']}\n{ALERT['summary']}"}}
    assert render("{nope} {title", ALERT) == "{nope} {title"


async def serve(statuses: list[int]):
    """A webhook receiver answering with `statuses` in turn (then 200); returns (url, bodies, runner)."""
    bodies: list[dict] = []

    async def hook(request: web.Request) -> web.Response:
        bodies.append(await request.json())
        return web.Response(status=statuses.pop(0) if statuses else 200, text="{}")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}/hook", bodies, runner


async def test_the_webhook_retries_5xx_and_429_with_back_off_then_delivers_the_alert_json():
    url, bodies, runner = await serve([500, 429])
    out = WebhookOutput(url, backoff_s=0.01)
    try:
        await out.emit(ALERT)
    finally:
        await out.stop()
        await runner.cleanup()
    assert len(bodies) == 3 and bodies[-1] == ALERT
    assert (out.delivered, out.failed) == (1, 0)


async def test_the_webhook_posts_a_chat_bot_body_from_a_template():
    url, bodies, runner = await serve([])
    out = WebhookOutput(url, template=TEXT_TEMPLATE)
    try:
        await out.emit(ALERT)
    finally:
        await out.stop()
        await runner.cleanup()
    assert bodies == [{"msgtype": "text", "text": {"content": ALERT["title"] + "\n" + ALERT["summary"]}}]


async def test_the_webhook_does_not_retry_a_4xx_and_counts_the_failure():
    url, bodies, runner = await serve([400, 400, 400])
    out = WebhookOutput(url, backoff_s=0.01)
    try:
        await out.emit(ALERT)
    finally:
        await out.stop()
        await runner.cleanup()
    assert len(bodies) == 1 and (out.delivered, out.failed) == (0, 1)


async def test_an_unreachable_webhook_gives_up_after_max_attempts_without_raising():
    url, _, runner = await serve([])
    await runner.cleanup()  # the port is closed now
    out = WebhookOutput(url, max_attempts=3, backoff_s=0.01)
    await out.emit(ALERT)
    await out.stop()
    assert out.failed == 1
    assert orjson.loads(out.body(ALERT)) == ALERT
