"""A command line that names its sub-command up front builds that command's parser alone
(the others' modules stay unimported, so the command starts sooner) and means what the
full parser makes of it; every other command line goes to the full parser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.app import COMMANDS, build_parser, named_command, parse_command_line
from tests.unit.test_cli_conventions import every_command

REPO = Path(__file__).resolve().parents[2]


def test_the_table_names_every_command_the_modules_add():
    added = {words[0] for words, _ in every_command(build_parser()) if len(words) == 1}
    assert added == COMMANDS


@pytest.mark.parametrize("argv, command", [
    (["ship", "--config", "x.toml"], "ship"),
    (["--log-level", "debug", "scan", "x.log"], "scan"),
    (["--log-format=json", "alerts", "follow"], "alerts"),
    (["--log-level", "INFO", "--log-format", "text", "top", "sql"], "top"),
    (["--help", "ship"], None),
    (["--version"], None),
    (["--log-lev", "debug", "scan", "x"], None),  # an abbreviation: the full parser reads it
    (["x.log", "scan"], None),
    ([], None),
])
def test_the_command_named_up_front(argv, command):
    assert named_command(argv) == command


@pytest.mark.parametrize("argv", [
    ["ship", "--config", "x.toml", "--quiet"],
    ["--log-level", "debug", "scan", "--json", "x.log", "--log-level", "error"],
    ["alerts", "follow", "--log-level", "DEBUG"],
    ["--log-lev", "debug", "top", "sql", "--size", "3"],
    ["template", "install", "--config", "c.toml"],
    ["search", "status:500", "--size", "2"],
])
def test_the_command_line_means_what_the_full_parser_makes_of_it(argv, monkeypatch):
    monkeypatch.delenv("LOGPIPE_LOG_LEVEL", raising=False)
    lazy, full = vars(parse_command_line(argv)), vars(build_parser().parse_args(argv))
    assert lazy.keys() == full.keys()
    assert {k: v for k, v in lazy.items() if k != "func"} == {k: v for k, v in full.items() if k != "func"}
    assert lazy["func"] == full["func"]


def test_a_named_command_leaves_the_other_commands_unimported():
    probe = ("import sys\nfrom pipeline.cli.app import parse_command_line\n"
             "parse_command_line(['ship', '--config', 'x.toml'])\n"
             "print(' '.join(m for m in sys.modules if m.startswith('pipeline.cli.')))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "pipeline.cli.ship" in loaded
    assert loaded.isdisjoint({"pipeline.cli.analyst", "pipeline.cli.index", "pipeline.cli.run", "pipeline.cli.alert"})


def test_a_command_line_that_names_no_command_up_front_builds_the_full_parser_once(monkeypatch):
    import pipeline.cli.app as app

    built: list[str | None] = []
    real = app.build_parser
    monkeypatch.setattr(app, "build_parser", lambda command=None: built.append(command) or real(command))
    app.parse_command_line(["--log-lev", "debug", "scan", "x.log"])
    app.parse_command_line(["ship", "--config", "x.toml"])
    assert built == [None, "ship"]
