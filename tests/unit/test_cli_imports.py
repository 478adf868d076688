"""A shipper on every host loads what shipping needs: building the `logpipe` command
line (every sub-command's options) loads neither the Elasticsearch client nor aiohttp's
web stack; the commands that use them load them when they run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("elasticsearch", "elastic_transport", "aiohttp")


def loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_command_line_and_the_shipper_load_no_elasticsearch_client() -> None:
    assert loaded_after("from pipeline.cli.app import build_parser\nbuild_parser()\n"
                        "import pipeline.ship.shipper") == set()


def test_the_indexer_still_loads_its_client() -> None:
    assert "elasticsearch" in loaded_after("import pipeline.index.stage")
