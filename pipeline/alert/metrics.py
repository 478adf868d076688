"""What the alert stage counts, exported as `logpipe_alert_*`."""

from __future__ import annotations

from pipeline.metrics.families import stage_families

ALERT = stage_families("alert", "Errors of the alert stage, by kind.", """
    alert_events              counter  events_read                      Events fed to the rules.
    alert_alerts              counter  alerts{rule}                     Alerts raised, by rule.
    alert_consumer_lag        gauge    consumer_lag_records{partition}  Per partition: end offset minus position.
    alert_connect_failures    error    connect
    alert_events_undecodable  error    undecodable_event
    alert_output_failures     error    output{output}
    alert_commit_failures     error    commit
""")
