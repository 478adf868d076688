"""The commands that parse collect the young generation less often (pipeline.cli.gc_pace)."""

from __future__ import annotations

import gc

import pytest

from pipeline.cli.app import main
from pipeline.cli.gc_pace import GC_GEN0_THRESHOLD
from pipeline.supervise.child import set_gc_pace


@pytest.fixture
def interpreter_default_threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, *before[1:])
    yield
    gc.set_threshold(*before)


@pytest.mark.parametrize("argv", [["ship", "--config", "{missing}"], ["scan", "{missing}"]])
def test_a_parsing_command_sets_the_pace_before_anything_else(argv, tmp_path, capsys,
                                                              interpreter_default_threshold):
    missing = str(tmp_path / "missing.toml")
    code = main([a.format(missing=missing) for a in argv])
    assert code != 0  # stopped at the missing file, after setting the pace
    assert gc.get_threshold()[0] == GC_GEN0_THRESHOLD


def test_other_commands_keep_the_interpreters_pace(tmp_path, capsys, interpreter_default_threshold):
    main(["index", "--config", str(tmp_path / "missing.toml")])
    assert gc.get_threshold()[0] == 700


@pytest.mark.parametrize(("stage", "threshold"), [("ship", GC_GEN0_THRESHOLD), ("index", 700), ("alert", 700)])
def test_run_paces_the_collector_of_its_ship_stage_process(stage, threshold, interpreter_default_threshold):
    """`logpipe run` parses in its ship stage process (pipeline.supervise.child), which sets the pace."""
    set_gc_pace(stage)
    assert gc.get_threshold()[0] == threshold
