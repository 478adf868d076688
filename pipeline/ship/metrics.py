"""What the ship stage counts (assembler, producer, checkpoints written after acks),
exported as `logpipe_ship_*`; its tailer counts under `pipeline.tail.metrics`. Counters
move per chunk or per batch, never per event."""

from __future__ import annotations

from pipeline.metrics.families import stage_families

SHIP = stage_families("ship", "Errors of the ship stage, by kind (it retries, or resumes from checkpoints).", """
    ship_lines_read               counter  lines_read            Complete lines read from log files.
    ship_bytes_read               counter  read_bytes            Bytes read from log files.
    ship_events_sent              counter  events_sent           Events handed to the Kafka producer.
    ship_events_acked             counter  events_acked          Events acknowledged by Kafka.
    ship_events_truncated         counter  events_truncated      Events cut at a size bound (logpipe.truncated).
    ship_file_restarts            counter  file_restarts         Files delivered again from their checkpoint: their events are assembled again.
    ship_outages                  counter  outages               Kafka outages: reading paused, resumed from checkpoints.
    ship_backpressure_waits       counter  backpressure_waits    Sends that waited for bytes in flight to drain.
    ship_files                    gauge    files                 Files with events not yet fully acknowledged.
    ship_behind_bytes             gauge    behind_bytes{path}    Per followed file: size minus read offset.
    ship_delivery_failures        error    delivery{error}
    ship_connect_failures         error    connect
    ship_checkpoint_failures      error    checkpoint
    ship_encode_errors            error    encode{error}
    ship_producer_close_failures  error    producer_close
""")
