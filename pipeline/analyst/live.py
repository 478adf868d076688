"""`logpipe report --serve [PORT]`: the daily report's panels over a rolling window, served
live on loopback (by default), with the latest alerts of the alerts topic.

One refresher task recomputes the report every `refresh_s` (the window moves with the
clock when given as `--since`), Kafka health every `health_every_s`; pages fetch the
finished panels from `/api/panels`, so ten open pages cost Elasticsearch no more than
one. An Elasticsearch that does not answer keeps the last panels on the page with the
error beside the time of the last update; the refresher keeps trying. Anything else
that breaks the refresher stops the server with the error.

    GET /              the page (pipeline.analyst.live_page)
    GET /api/panels    {"seq", "updated", "window", "error", "report", "latest", "alerts"}
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone, tzinfo
from typing import Any

from aiohttp import web
from elasticsearch import ApiError, TransportError

from pipeline.analyst import queries as analyst
from pipeline.analyst.health import pipeline_health
from pipeline.analyst.live_alerts import LatestAlerts
from pipeline.analyst.live_page import alerts_panel, events_panel, page, report_sections
from pipeline.analyst.report import gather_report
from pipeline.analyst.window import Window
from pipeline.config.schema import Config

log = logging.getLogger(__name__)
LATEST_EVENTS = 20


class LiveReport:
    """The refresher and the latest panels; `window_at(now)` gives the window of a refresh."""

    def __init__(self, cfg: Config, env: Mapping[str, str], client: Any, window_at: Callable[[datetime], Window],
                 zone: tzinfo, *, size: int = 10, refresh_s: float = 5.0, health_every_s: float = 30.0) -> None:
        self.cfg, self.env, self.client, self.window_at, self.zone = cfg, env, client, window_at, zone
        self.size, self.refresh_s, self.health_every_s = size, refresh_s, health_every_s
        self.alerts = LatestAlerts(cfg.kafka, env)
        self.health: dict[str, Any] = {"groups": {}, "error": "not asked yet"}
        self._health_at = float("-inf")
        self.failures = 0
        self.panels: dict[str, Any] = {"seq": 0, "updated": "–", "window": "–", "error": "loading",
                                       "report": "", "latest": "", "alerts": ""}

    async def refresh(self) -> None:
        """Recompute every panel once; an Elasticsearch error is kept for the page, not raised."""
        window = self.window_at(datetime.now(timezone.utc))
        index = analyst.index_pattern(self.cfg.elasticsearch.index_prefix)
        if time.monotonic() - self._health_at >= self.health_every_s:
            self.health = await pipeline_health(self.cfg.kafka, self.env)
            self._health_at = time.monotonic()
        error = None
        report_html, latest_html = self.panels["report"], self.panels["latest"]
        try:
            report, (_, hits) = await asyncio.gather(
                gather_report(self.client, index, window, zone=self.cfg.host.timezone, slow_ms=self.cfg.sql.slow_ms,
                              slow_by_fingerprint=dict(self.cfg.sql.slow_ms_by_fingerprint), top=self.size),
                analyst.search(self.client, index, analyst.search_body("*", window, size=LATEST_EVENTS)))
            report["health"] = self.health
            report_html = report_sections(report, self.zone, self.cfg.host.timezone)
            latest_html = events_panel([h["_source"] for h in hits], self.zone)
        except (ApiError, TransportError) as exc:
            self.failures += 1
            error = f"Elasticsearch did not answer: {type(exc).__name__} {exc}"
            log.warning("live report: refresh %d failed (%d so far), the page keeps the last panels: %r",
                        self.panels["seq"], self.failures, exc)
        alerts_html = alerts_panel(self.alerts.latest(), self.zone, self.alerts.error)
        changed = (report_html, latest_html, alerts_html) != (self.panels["report"], self.panels["latest"],
                                                              self.panels["alerts"])
        self.panels = {"seq": self.panels["seq"] + int(changed), "window": window.describe(self.zone),
                       "updated": datetime.now(self.zone).strftime("%H:%M:%S"), "error": error,
                       "report": report_html, "latest": latest_html, "alerts": alerts_html}

    async def run(self) -> None:
        async with self.alerts:
            while True:
                self.alerts.check()
                await self.refresh()
                await asyncio.sleep(self.refresh_s)


def make_app(live: LiveReport, title: str) -> web.Application:
    async def index(_: web.Request) -> web.Response:
        return web.Response(text=page(title, live.refresh_s, live.cfg.host.timezone), content_type="text/html")

    async def panels(_: web.Request) -> web.Response:
        return web.json_response(live.panels, headers={"Cache-Control": "no-store"})

    app = web.Application()
    app.add_routes([web.get("/", index), web.get("/api/panels", panels)])
    return app


async def serve(live: LiveReport, *, bind: str, port: int, stop: asyncio.Event, title: str = "Live log inspection",
                on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until `stop` is set; raises what broke the refresher."""
    runner = web.AppRunner(make_app(live, title), access_log=None)
    await runner.setup()
    refresher = asyncio.create_task(live.run(), name="live-report-refresher")
    try:
        await web.TCPSite(runner, bind, port).start()
        if on_ready is not None:
            on_ready(f"http://{'[' + bind + ']' if ':' in bind else bind}:{port}/")
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({refresher, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if refresher.done():
            refresher.result()  # the refresher's error, with its traceback
    finally:
        refresher.cancel()
        try:
            await refresher
        except asyncio.CancelledError:
            pass
        await runner.cleanup()
