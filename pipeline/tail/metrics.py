"""What the tailer and its checkpoints count, exported as `logpipe_tail_*` (see
`pipeline.metrics.families` for the table's form). The tailer runs inside `logpipe ship`
(and `logpipe run`); its counters are its own stage's, so a reader of `/metrics` tells a
file problem (`logpipe_tail_errors_total`) from a Kafka one (`logpipe_ship_errors_total`)."""

from __future__ import annotations

from pipeline.metrics.families import stage_families

TAIL = stage_families("tail", "Errors of the tailer, by kind (the file or directory is retried).", """
    tail_bytes_read                 counter  read_bytes                      Bytes read from log files and handed to the shipper.
    tail_chunks                     counter  chunks_read                     Chunks read from log files and handed on.
    tail_files_followed             gauge    files_followed                  Log files followed.
    tail_open_files                 gauge    open_files                      Log files held open.
    tail_open_files_over_budget     counter  open_files_over_budget          Times more files were open than max_open_files (none could be closed).
    tail_files_discovered           counter  files_discovered                Files found by a scan of the globs.
    tail_patterns_unmatched         gauge    patterns_unmatched              Input paths matching no file in the last full scan.
    tail_files_identified           counter  files_identified                Files identified by their first line (fingerprint) and followed.
    tail_files_identified_unread    counter  files_identified_unread         Pending files identified by a pass over them, before their first read.
    tail_files_gone_unidentified    counter  files_gone_unidentified         Files deleted before they had a complete first line.
    tail_files_rotated              counter  files_rotated                   Rename rotations (or deletions) seen: the old file is drained.
    tail_files_renamed_unseen       counter  files_renamed_unseen            Files born and renamed out of the globs between two scans, read once.
    tail_files_moved_while_away     counter  files_moved_while_away          Followed files renamed while the shipper was stopped, found again.
    tail_renames_seen               counter  renames_seen                    Renames of followed files reported by inotify.
    tail_rotations_found            counter  rotations_found                 Rotated generations written while the shipper was stopped, read.
    tail_rotations_unread           counter  rotations_unread{reason}        Rotated generations that cannot be read (compressed, no complete line).
    tail_compressed_unpacked        counter  compressed_unpacked             Compressed rotations owing lines to a checkpoint, unpacked and read.
    tail_truncations                counter  files_truncated                 Truncations seen (copytruncate): the file is read again from 0.
    tail_truncated_while_away       counter  files_truncated_while_away      Files found shorter than their checkpoint at start: read from 0.
    tail_copies_waiting             counter  copies_waiting                  Copies (copytruncate) waiting for their original to be drained.
    tail_copies_adopted             counter  copies_adopted                  Copies that carried on from their original's checkpoint.
    tail_copies_found               counter  copies_found                    Copies no glob names, found beside a file seen truncated, read.
    tail_inode_reused               counter  inodes_reused                   Inodes reused by another file while closed: the new file is followed.
    tail_files_handed_over          counter  files_handed_over               Files deleted during an outage, read from the descriptor held since.
    tail_files_released             counter  files_released                  Files closed for good (drained, gone or truncated).
    tail_files_lost                 counter  files_lost{reason}              Files gone before they were read to their end.
    tail_inotify_overflows          counter  inotify_overflows               Inotify queue overflows (a full rescan follows).
    checkpoint_commits              counter  checkpoint_commits              Acknowledged offsets recorded in the checkpoints.
    checkpoint_commits_ignored      counter  checkpoint_commits_ignored{reason}  Acknowledged offsets not recorded (older generation, backwards).
    checkpoints_forgotten           counter  checkpoints_forgotten           Checkpoints dropped after forget_after_s unseen.
    checkpoint_flushes              counter  checkpoint_flushes              Checkpoint files written.
    tail_io_errors                  error    file_io{op,errno}
    tail_stat_errors                error    stat{errno}
    tail_watch_errors               error    watch{errno}
    tail_rotation_scan_errors       error    rotation_scan{errno}
    checkpoint_flush_errors         error    checkpoint_flush{errno}
    checkpoint_temp_cleanup_errors  error    checkpoint_temp_cleanup
""")
