"""The field names of structured log lines (JSON lines, logfmt), one table per meaning.

A record's time, level, logger, thread, message and stack trace are read from the first
of their names the line holds; nested JSON objects are looked up by dotted path
(`log.level` is ECS's `{"log":{"level":...}}` and Spring Boot's flat `"log.level"`).
The names cover logstash-logback-encoder, Spring Boot's ECS/logstash/GELF structured
logging, log4j2's JSON layouts, python-json-logger, structlog, zap, zerolog, logrus,
bunyan/pino, go-kit and slog; GELF's own fields carry an underscore (`_level_name`,
`_log_logger`). A library that names a meaning differently needs one more name here,
not code.
"""

from __future__ import annotations

TIME = ("@timestamp", "timestamp", "time", "ts", "asctime", "timeMillis", "instant", "datetime", "date", "t")
LEVEL = ("_level_name", "level", "log.level", "levelname", "severity", "lvl", "loglevel", "log_level", "level_name",
         "logLevel")
LOGGER = ("logger_name", "logger", "log.logger", "loggerName", "name", "logger.name", "_log_logger")
THREAD = ("thread_name", "thread", "process.thread.name", "threadName", "thread.name", "_process_thread_name")
MESSAGE = ("message", "msg", "@message", "short_message", "event")
# Text of a whole trace, as the library printed it (frames on lines of their own).
STACK = ("stack_trace", "stacktrace", "exc_info", "error.stack_trace", "err.stack", "error.stack",
         "thrown.extendedStackTrace", "exception.stacktrace", "exception.stack_trace", "stack", "exception",
         "_error_stack_trace", "full_message")
# The exception's class and message when no trace is written (one line becomes its header).
ERROR_TYPE = ("error.type", "thrown.name", "exception.exception_class", "exc_type", "error.kind", "err.type",
              "_error_type")
ERROR_MESSAGE = ("error.message", "thrown.message", "exception.exception_message", "err.message", "_error_message")

# Fields whose values say nothing a timing or SQL recogniser reads: left out of the text
# those recognisers see beside the message.
BOOKKEEPING = frozenset(("@version", "level_value", "caller", "source", "file", "line", "func", "pid", "hostname",
                         "host", "v", "logger", "component", "app", "service", "version"))

# Numeric levels: bunyan/pino (10..60), and logback's level_value when it is the only one.
NUMERIC_LEVELS = {10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL",
                  5000: "TRACE", 10000: "DEBUG", 20000: "INFO", 30000: "WARN", 40000: "ERROR"}
# GELF's `level` is a syslog severity (a record with a `short_message` is GELF's).
SYSLOG_LEVELS = {0: "FATAL", 1: "FATAL", 2: "CRITICAL", 3: "ERROR", 4: "WARN", 5: "INFO", 6: "INFO", 7: "DEBUG"}
# Level words the libraries write besides the usual ones.
LEVEL_WORDS = {"WARNING": "WARN", "ERR": "ERROR", "EROR": "ERROR", "CRIT": "CRITICAL", "DPANIC": "FATAL",
               "PANIC": "FATAL", "INFORMATION": "INFO", "DBG": "DEBUG", "TRC": "TRACE", "WRN": "WARN", "INF": "INFO",
               "FTL": "FATAL", "PNC": "FATAL"}


def level_of(value: object) -> str | None:
    """The upper-case level of a level field's value (a word or a number), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return NUMERIC_LEVELS.get(int(value))
    if isinstance(value, str) and 0 < len(value) <= 16:
        up = value.strip().upper()
        return LEVEL_WORDS.get(up, up) if up.isalpha() else None
    return None


def epoch_seconds(value: float) -> float | None:
    """Seconds since the epoch of a numeric time field, whatever its unit (s, ms, µs, ns),
    judged by its size; None for numbers no log time has (before 2001 or after 2286)."""
    for scale in (1.0, 1e3, 1e6, 1e9):
        seconds = value / scale
        if 1e9 <= seconds < 1e10:
            return seconds
    return None


def lookup(fields: dict, names: tuple[str, ...]) -> object:
    """The value of the first of `names` in `fields` (dotted names reach into nested
    objects when the flat name is absent), or None."""
    for name in names:
        value = fields.get(name)
        if value is None and "." in name:
            value = fields
            for part in name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
                if value is None:
                    break
        if value is not None and value != "":
            return value
    return None
