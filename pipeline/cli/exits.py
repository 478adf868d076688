"""The exit codes of every `logpipe` command, in one place (docs/cli.md, "Exit codes")."""

OK = 0                 # done; a stage stopped cleanly on SIGTERM/SIGINT
NOTHING_FOUND = 1      # `search` without hits, `trace` of an id no event has
CONDITION_HELD = 1     # `scan --fail-on`: the condition held
NEVER_CONNECTED = 1    # `index` stopped before Kafka ever answered
STAGE_FAILED = 1       # `run`: a stage failed (named on stderr); the others were stopped cleanly
USAGE = 2              # usage or configuration error, one line naming the cause; unreadable input
UNAVAILABLE = 3        # Elasticsearch did not answer or refused; `stack status`: a service is not up
INTERRUPTED = 130      # a second Ctrl-C
