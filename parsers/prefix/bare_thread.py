"""A thread written without brackets between the level and the logger, then `: ` or ` - `.

pig's file layout (`%d{yyyy-MM-dd HH:mm:ss.SSS} %5p %t %c{1}: %m`, copied into the projects
built on it) and log4j's `%-5p %d %t %c - %m` write

    DEBUG HikariPool-1 connection adder c.z.h.p.HikariPool: HikariPool-1 - Added connection
    ERROR nacos.client.config.listener.task-0 c.a.c.n.c.NacosConfigDataLoader: Error getting properties
    qtp896693169-16 ru.nic.httpfop.transform.FopTransformer - XSL stream source   (after `INFO date `)

The thread may hold spaces, so it is told from the message by what follows it: a qualified
logger whose last segment is a class name (`c.z.h.p.HikariPool`), then `: `. To keep a
message that names a class (`Calling com.foo.Bar: ...`) the message's, a thread with spaces
must hold a digit (`HikariPool-1 connection adder`, `RMI TCP Connection(2)-10.0.0.7`), and
a class that ends `Exception`/`Error` is an exception the message names, not a logger. Before
` - ` (a message's own dash is common) the thread is one word that holds a digit, or `main`.
"""

from __future__ import annotations

import re

from parsers.prefix.field_brackets import Fields

_THROWABLE_ENDS = ("Exception", "Error", "Throwable")
_THREAD_LOGGER = re.compile(r"(?P<thread>[^\s\[\]:=,][^\[\]:=,]{0,79}?) (?P<logger>(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*)"
                            r"(?P<sep>: | - )")
# with no date: any qualified name (a shaded `org.spark-project.jetty.Server`, a category
# `org.apache.hadoop.conf.Configuration.deprecation`), a class alone or none (the root
# logger's empty name), then ` - `
_UNDATED_THREAD_LOGGER = re.compile(r"(?P<thread>[^\s\[\]:=,][^\[\]:=,]{0,79}?) "
                                    r"(?P<logger>(?:[A-Za-z_$][\w$-]*\.)+[A-Za-z_$][\w$]*|[A-Z][\w$]*|)(?P<sep> - )")


def bare_thread_logger(f: Fields, dated: bool = True) -> Fields:
    """`f` (a level read, no thread) with the thread and logger read from its text, when the
    text opens with `thread logger: ` or `thread logger - `; else `f` unchanged. A record with
    no date that opens with its level (`%5p %t %c - %m`: Spark's and Hadoop's console layouts)
    has no other fields to tell it by: there a thread (`Spark Context Cleaner`) and a logger of
    any name are taken before ` - `."""
    if f.logger is not None and f.logger.rpartition(".")[2][:1].isupper():
        return f  # a class read as the logger (`[ImageProcessorImpl:181]`): no thread in front of it
    text = f.message if f.logger is None else f"{f.logger} {f.message}"
    m = (_THREAD_LOGGER if dated else _UNDATED_THREAD_LOGGER).match(text)
    if m is None or m.group("logger").endswith(_THROWABLE_ENDS):
        return f  # `... java.io.FileNotFoundException: /x`: the message names an exception
    thread = m.group("thread")
    numbered = any(c.isdigit() for c in thread)
    if dated and (" " in thread and not numbered
                  or m.group("sep") == " - " and (" " in thread or not (numbered or thread == "main"))):
        return f
    out = Fields()
    out.level, out.pid, out.mdc, out.extra = f.level, f.pid, f.mdc, f.extra
    out.thread, out.logger, out.message = thread, m.group("logger") or None, text[m.end():]
    return out
