"""Every name the code counts under is in its stage's table, and every row of a table is
counted somewhere: a counter cannot be added without a type and HELP, nor outlive its code."""

from __future__ import annotations

import ast
from pathlib import Path

from pipeline.alert.metrics import ALERT
from pipeline.index.metrics import INDEX
from pipeline.metrics.server import ENDPOINT
from pipeline.ship.metrics import SHIP
from pipeline.supervise.metrics import RUN
from pipeline.tail.metrics import TAIL

ROOT = Path(__file__).resolve().parents[2]
DECLARED = {name for stage in (SHIP, TAIL, INDEX, ALERT, ENDPOINT, RUN) for name in stage.bindings}
COUNTING = {"inc", "set", "replace"}
PASSING = {"report_error", "_report_error", "consumer_lag_sampler"}  # take a counted name as an argument


def counted_names() -> dict[str, str]:
    """Counted name -> where, for every literal given to a counting call in pipeline/ and sinks/."""
    found: dict[str, str] = {}
    for path in [*(ROOT / "pipeline").rglob("*.py"), *(ROOT / "sinks").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            metrics_call = called in COUNTING and isinstance(func, ast.Attribute) and "metrics" in ast.unparse(func.value)
            if not (metrics_call or called in PASSING):
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
                    if metrics_call:
                        break
    return found


def test_every_name_the_code_counts_is_declared_in_a_stage_table():
    counted = counted_names()
    assert len(counted) > 60  # the scan sees the stages' counters
    undeclared = {name: where for name, where in counted.items() if name not in DECLARED}
    assert undeclared == {}


def test_every_declared_row_is_counted_by_the_code():
    assert DECLARED - set(counted_names()) == set()


def test_the_operations_guide_lists_every_family():
    guide = (ROOT / "docs" / "operations.md").read_text()
    section = guide[guide.index("## Metrics"):guide.index("Renamed from earlier releases")]
    missing = []
    for stage in (SHIP, TAIL, INDEX, ALERT, ENDPOINT, RUN):
        for spec in stage.families:
            exported = spec.name + ("_total" if spec.type == "counter" else "")
            short = exported[len(f"logpipe_{stage.stage}"):]  # `_files_rotated_total` beside its stage's first
            if f"`{exported}`" not in section and f"`{short}`" not in section:
                missing.append(exported)
    assert missing == []
