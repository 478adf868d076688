"""The commands that parse collect the young generation less often (pipeline.cli.gc_pace)."""

from __future__ import annotations

import gc

import pytest

from pipeline.cli.app import main
from pipeline.cli.gc_pace import GC_GEN0_THRESHOLD
from pipeline.supervise.child import main as child_main


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



def test_a_stage_process_of_run_sets_the_pace_before_anything_else(monkeypatch, interpreter_default_threshold):
    """`logpipe run` parses and decodes in its stage processes (pipeline.supervise.child)."""
    import io
    import pickle
    import signal

    sigint = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr("sys.stdin", type("Stdin", (), {"buffer": io.BytesIO(pickle.dumps("not a hand-off"))})())
    try:
        with pytest.raises(SystemExit):
            child_main()
    finally:
        signal.signal(signal.SIGINT, sigint)
    assert gc.get_threshold()[0] == GC_GEN0_THRESHOLD
