"""The metric families of `logpipe run` itself (its stages count in their own tables)."""

from __future__ import annotations

from pipeline.metrics.families import stage_families

RUN = stage_families("run", "Errors of `logpipe run` itself, by kind.", """
    run_stage_scrape_errors  error  stage_scrape{stage,error}
""")
