"""What the index stage counts, exported as `logpipe_index_*`."""

from __future__ import annotations

from pipeline.metrics.families import stage_families

INDEX = stage_families("index", "Errors of the index stage, by kind (it retries; records stay uncommitted).", """
    index_docs_indexed_total        counter  events_indexed               Events stored in Elasticsearch.
    index_batches_total             counter  batches                      Batches of records sent to Elasticsearch.
    index_bulk_requests_total       counter  bulk_requests                Bulk requests sent.
    index_retries_total             counter  bulk_retries{cause,scope}    Bulk retries, by cause and scope (request or item).
    index_id_fallbacks_total        counter  id_fallbacks                 Events without an id, stored under topic-partition-offset.
    index_date_fallbacks_total      counter  date_fallbacks               Events without a timestamp, stored under the record's time.
    index_deadletters_total         counter  dead_letters{reason}         Records written to the dead-letter topic, by reason.
    index_rejected_total            counter  rejected{reason}             Documents rejected by Elasticsearch or undecodable, by reason.
    index_es_outages_total          counter  outages                      Elasticsearch outages waited out.
    index_commits_total             counter  commits                      Offset commits after a stored batch.
    index_records_committed_total   counter  records_committed            Kafka records whose offsets were committed.
    index_retention_deleted_total   counter  retention_deleted_indices    Daily indices deleted by retention.
    index_consumer_lag              gauge    consumer_lag_records{partition}  Per partition: end offset minus position.
    index_connect_failures          error    connect
    index_commits_failed_total      error    commit
    index_batches_abandoned_total   error    batch_abandoned
    index_retention_errors_total    error    retention
""")
