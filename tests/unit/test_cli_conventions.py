"""CLI conventions: --version, global options before or after the command, a bad value
is one line on stderr and exit 2."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.app import build_parser, main

REPO = Path(__file__).resolve().parents[2]


def test_version_prints_the_package_version_and_exits_0(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("logpipe ")


@pytest.mark.parametrize("argv,level", [
    (["--log-level", "debug", "scan", "x"], "DEBUG"),
    (["scan", "x", "--log-level", "ERROR"], "ERROR"),
    (["--log-level", "INFO", "scan", "--log-level", "error", "x"], "ERROR"),
    (["scan", "x"], None),
    (["alerts", "follow", "--log-level", "DEBUG"], "DEBUG"),
    (["--log-level", "INFO", "alerts", "follow", "--log-level", "error"], "ERROR"),
    (["alerts", "--log-level", "info", "follow"], "INFO"),
])
def test_global_options_go_before_or_after_the_command_and_after_wins(argv, level, monkeypatch):
    monkeypatch.delenv("LOGPIPE_LOG_LEVEL", raising=False)
    args = build_parser().parse_args(argv)
    assert args.log_level == (level or "WARNING")


@pytest.mark.parametrize("argv,needle", [
    (["--log-level", "bogus", "scan", "x"], "invalid log level 'bogus'"),
    (["scan", "--top", "-1", "x"], "-1 must be at least 1"),
    (["search", "--size", "0", "x"], "0 must be at least 1"),
    (["top", "sql", "--size", "many"], "'many' is not a whole number"),
    (["scan", "--no-such-option"], "unrecognized arguments"),
])
def test_a_bad_value_is_one_line_on_stderr_and_exit_2(argv, needle):
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", *argv], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("logpipe")


def every_command(parser, path=()):
    """(words, parser) of every sub-command at any depth."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                yield (*path, name), command
                yield from every_command(command, (*path, name))


def test_every_command_at_every_depth_takes_the_global_options():
    missing = [" ".join(words) for words, command in every_command(build_parser())
               if "--log-level" not in command._option_string_actions]
    assert missing == []


def test_config_is_one_option_with_one_help_text_wherever_a_command_reads_it():
    helps = {command._option_string_actions["--config"].help for _, command in every_command(build_parser())
             if "--config" in command._option_string_actions}
    assert len(helps) == 1


@pytest.mark.parametrize("argv", [["index"], ["alert"], ["ship"], ["alerts", "follow"], ["scan"], ["top", "sql"]])
def test_a_bad_config_file_is_one_line_and_exit_2_for_every_command(argv, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[kafka\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", *argv, "--config", str(bad)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("logpipe: ") and "bad.toml" in lines[0]


def test_the_indexer_run_alone_is_the_same_command(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[kafka\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli.index", "--config", str(bad), "--log-level", "DEBUG"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.startswith("logpipe: ") and "bad.toml" in proc.stderr


@pytest.mark.parametrize("command", ["ship", "run"])
def test_following_files_without_inputs_is_a_config_error(command, tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", command, "--config", str(empty)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip() == f"logpipe: {empty}: inputs: no [[inputs]]; nothing to follow"
