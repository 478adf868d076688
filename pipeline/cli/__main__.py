"""`python3 -m pipeline.cli ...`: the `logpipe` command."""

import sys

from pipeline.cli.app import main

sys.exit(main())
