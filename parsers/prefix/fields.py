"""The fields between a zero-configuration timestamp and the message.

Real layouts put level, thread, pid, logger and source position after the
timestamp in every order and bracketing:

    ERROR [main] c.f.p.OrderService - msg             [main] INFO  c.f.Foo:42 - msg
    SEVERE [http-nio-8080-exec-1] org.apache.Foo.bar msg (Tomcat)
    [pid] [tid] [File.java: 42] [ERROR ] msg           : ERROR/MainProcess] msg (celery)
    :INFO main (Foo.java:42)msg                        |DEBUG|main|c.f.Mapper[42]|msg
    DEBUG org.x.Foo (Foo.java:106) - msg (log4j `%-5p %c (%F:%L) - %m`)
    INFO [Logger:42] msg                               log 1234 5678 msg (Django verbose)
    "tasks:setUp:153" [INFO]- msg (Python, a quoted %(module)s:%(funcName)s:%(lineno)d)
    {taskinstance.py:1943} ERROR - msg (Airflow's default, after `[%(asctime)s]`)
    [views ERROR] msg (a name and the level in one bracket)
    xxl-job-executor [main] INFO  c.x.Foo - msg (logback's %contextName first)
    INFO  [org.jboss.as] (MSC service thread 1-2) msg (JBoss LogManager: WildFly, Quarkus)
    host app.jar[20428] ERROR [io.qua.Foo] (main) msg (Quarkus's file layout)
    [INFO] from play.api.Play in main - msg (Play's default file layout)
    django.request ERROR msg, root - INFO - msg (Python's `%(name)s %(levelname)s`)

`split_fields(rest)` reads such tokens from the start of `rest` while they look like
prefix fields and returns them with the message. It never fails: what it does not
recognise is message. RuoYi's `[method,line] - ` after the logger is read as the
position too. What a bracket holds is decided in `field_brackets`.
"""

from __future__ import annotations

import re

from parsers.jul_levels import LOCALIZED as JUL_LOCALIZED
from parsers.jul_levels import LOCALIZED_RX as JUL_LOCALIZED_RX
from parsers.prefix.engine import prefix_regex
from parsers.prefix.field_brackets import (QUALIFIED, Fields, bracket, bracket_logger, fill, later_thread,
                                           tracing)
from parsers.prefix.grammar import normalize_level
from parsers.prefix.levels import LEVELS

# Tomcat's container loggers name the container's path in brackets after the class
# (`org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/app].[dispatcherServlet]`);
# logback's `%logger{N}` cuts a bracket to `[` like any segment (`o.a.c.c.C.[.[.[/]`)
_CONTAINER = r"(?:\.\[(?:[^\]\[\s]{1,128}\])?)+"
_TOKEN_SOURCE = (
    r"[ \t]*(?:"
    rf"(?P<level>(?i:{LEVELS}))(?:/(?P<proc>[\w.-]+)\]?)?(?![\w-])(?P<k_level>)"  # ERROR, ERROR/MainProcess (celery)
    r"|\[(?P<br>[^\]\[]{0,256})\](?P<k_br>)"  # [main], [ERROR ], [1234], [Foo.java: 42]
    # Tomcat's one-line layout in a Chinese locale: `信息 [main] org.apache.Foo.bar msg`
    rf"|(?P<jlevel>{JUL_LOCALIZED_RX})(?=[ \t]+\[)(?P<k_jlevel>)"
    rf"|\[(?P<cbr>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*)+{_CONTAINER})\](?P<k_cbr>)"  # [o.a.c.c.C.[.[.[/]]
    r"|\((?P<src>[\w$.]+\.\w+:\d+)\)(?P<k_src>)"  # (Foo.java:42)
    r"|(?P<word>[\w$][\w.$-]*) \((?P<wsrc>[\w$.]+\.\w+:\d+)\)(?P<k_wsrc>)"  # main (Foo.java:42); not `- (`
    r"|(?P<mod>[a-z_]\w*) (?P<pid>\d+) (?P<tid>\d+)(?= )(?P<k_django>)"  # Django verbose: module process thread
    # a source file and its line: `%(pathname)s[line:%(lineno)d]` (a common Python layout), `%(filename)s:%(lineno)d`
    r"|(?P<fpath>(?:[\w.~-]*/)*[\w.-]+\.(?:py|java|kt|scala|go|js|ts|rb|php))(?:\[line:(?P<fl1>\d+)\]|:(?P<fl2>\d+))"
    r"(?=[ \t]|$)(?P<k_fpath>)"
    # ... in braces: Airflow's `[%(asctime)s] {%(filename)s:%(lineno)d} %(levelname)s - %(message)s`
    r"|\{(?P<cpath>(?:[\w.~-]*/)*[\w.-]+\.(?:py|java|kt|scala|go|js|ts|rb|php)):(?P<cline>\d+)\}(?P<k_cpath>)"
    # log4j's `%l`, logback's `%caller{1}` cut to its frame: `pkg.Class.method(Class.java:42)`
    r"|(?P<loc>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.(?P<lmeth>[\w$]+|<(?:cl)?init>)"
    r"\((?P<lsrc>[\w$-]+\.[A-Za-z]{1,6}:\d+)\)(?=[ \t]|$)(?P<k_loc>)"
    "{NAME_LEVEL}"
    # a logger; a leading dot is what a width-truncated %c / %logger{N} leaves (`.s.d.r.c.RepositoryConfig`)
    # (`%C.%M:%L`: a constructor's method is `<init>`)
    r"|(?P<logger>\.?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*)+(?:\.<(?:cl)?init>)?"
    rf"(?:{_CONTAINER})?)(?:[:#](?P<lline>\d+)|\[(?P<bline>\d+)\])?"
    r"(?=[ \t]*(?:$|[:|]|(?:-+|={2,}) |\[[\w$<>]+,\d+\])|[ \t]+[\[(][\w$-]+\.[A-Za-z]{1,6}[ \t]?:[ \t]?(?:\d+|\?)[\])]"
    r"|[ \t]+-(?=[^\s\d-])|[ \t]{1,4}\[[A-Za-z][\w.-]{0,127}\](?=[ \t]|$)|[ \t]{0,64}[(\[]\d{1,7}[)\]]"
    r"|[ \t]+\d{1,7}[ \t]+[A-Za-z_$<][\w$<>]{0,127}[ \t]+-[ \t])(?P<k_logger>)"  # (`%logger %L %M - `)
    rf"|(?P<logger2>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*){{2,}}(?:{_CONTAINER})?)(?=[ \t])(?P<k_logger2>)"  # Tomcat: class.method msg
    r"|(?P<lname>[A-Za-z_$][\w$]*)(?:[:#]|\[)(?P<nline>\d+)\]?(?=[ \t]*(?:$|[:|]|-+ ))(?P<k_logger3>)"  # Logger:42
    # a simple name: `%c{1} - msg`, `%C{1} : msg` (not `Word: msg`), yudao's `%logger{39} | msg`
    r"|(?P<sname>[A-Z][\w$]{0,79})(?=[ \t]+[-:|][ \t])(?P<k_logger4>)"
    # `%p %t - %m` (RocketMQ): after the level, a thread name with no dots before ` - `, starting with a
    # small letter (`main`, `pool-2-thread-1`); a capitalised word there is a logger (above) or the
    # message's own (`HikariPool-1 - Starting...`)
    r"|(?P<dthr>[a-z][\w-]{0,127})(?=[ \t]+-[ \t])(?P<k_dthr>)"
    r"|(?P<lc>[VDIWEFA]) (?P<tag>[^:\s][^:]{0,63}?) ?: ?(?P<k_logcat>)"  # logcat: `E AndroidRuntime: msg`
    r'|"(?P<qsrc>[\w$.<>-]+(?::[\w$.<>-]+)*:\d+)"(?P<k_qsrc>)'  # "module:func:42" (Python %(lineno)d in quotes)
    r"|(?P<num>\d{1,10})(?= )(?P<k_num>)"  # pid / thread id
    # logback's %contextName (the application's name) before `[thread] LEVEL` (xxl-job's default layout),
    # or a bare thread before `[%X{traceId}] LEVEL` (the bracket empty or an id)
    rf"|(?P<ctx>[A-Za-z][\w.-]{{0,63}})(?=[ \t]+\[(?P<cbr2>[^\]\[]{{0,256}})\][ \t]+(?i:{LEVELS})(?![\w-]))(?P<k_ctx>)"
    r"|(?P<pword>[^\s|\[\]]{1,80})(?=\|)(?P<k_pword>)"  # |main| in pipe-delimited layouts
    r"|-{1,3}(?= |\[)(?P<k_skip>)"  # Spring Boot's ---, `ts - LEVEL - name - msg`, `[%d]-[%t]`
    # `%d === [%t] === %-5level === %logger ==== %msg`: a run of `=` before a bracket, a level or a
    # qualified name (the run before the message is taken after the logger)
    rf"|={{2,5}}(?= (?:\[|(?:{LEVELS})(?![\w-])|[A-Za-z_$][\w$]*\.[A-Za-z_$]))(?P<k_eq>)"
    r"|\|(?P<k_pipe>)"
    r"|:(?=[ \tA-Za-z])(?P<k_colon>)"
    # (last: most tokens match an alternative above first)
    # JBoss LogManager's `%-5p [%c] (%t) %s` (WildFly, Quarkus, Keycloak): the thread in parentheses
    r"|\((?P<pthread>[^()\r\n]{1,128})\)(?=[ \t]|$)(?P<k_pthread>)"
    # `%thread [%tid] %logger` (yudao's layout; SkyWalking's `[TID: ...]`, an MDC bracket): a bare
    # thread name right before a tracing bracket that a qualified logger follows
    # (or a class alone: %logger{39} gives a 40-character class name so, with no room for its package)
    r"|(?P<wthr>[^\s\[\]|()]{1,128})(?=[ \t]+\[(?P<wtid>[^\]\[]{0,256})\][ \t]+"
    r"(?:\.?[A-Za-z_$][\w$]*\.[A-Za-z_$]|[A-Z][\w$]{1,127}[ \t]+\|[ \t]))(?P<k_wthr>)"
    # Play's `%level from %logger in %thread - %message`: a logger and a thread in words
    r"|from (?P<plogger>[A-Za-z_$][\w$.-]{0,255}) in (?P<pthr>[^\r\n]{1,128}?)(?=[ \t]+-[ \t]|[ \t]*\r?$)(?P<k_play>)"
    r")")
# Python's `%(name)s %(levelname)s`: the logger's name (dotted or one word: `root`, `__main__`)
# right before the level (`django.request ERROR msg`, `root - INFO - msg`, `[%t] %c %p`)
_NAME_LEVEL = rf"|(?P<nlogger>[A-Za-z_][\w.-]{{0,127}})(?=[ \t]+(?:-[ \t]+)?(?:{LEVELS})(?![\w-]))(?P<k_nlogger>)"
_TOKEN = prefix_regex(_TOKEN_SOURCE.replace("{NAME_LEVEL}", _NAME_LEVEL))  # PCRE2 (`engine`)
# a word before the level that names a thread, not a logger: the JVM's `main`, a pool's or a
# server's numbered worker (`http-nio-8080-exec-7`, `pool-3-thread-2`, `Thread-1`)
_THREAD_NAME = re.compile(r"main|[\w-]*(?:-\d|[Tt]hread|exec)[\w-]*")
_TOKEN_NO_NAME_LEVEL = prefix_regex(_TOKEN_SOURCE.replace("{NAME_LEVEL}", ""))  # once the level or logger is read
# the thread's bracket right after the logger, no separator between: `%c{1.} [%t] %m`
_THREAD_AFTER = re.compile(r"[ \t]{1,4}\[(?P<thread>[A-Za-z][\w.-]{0,127})\](?=[ \t]|$)")
# ... and the level's bracket after it: log4j's `%d %c [%t] [%-5p] - [%L] - %m`
_THREAD_LEVEL_AFTER = re.compile(rf"[ \t]{{1,4}}\[(?P<thread>[^\]\[]{{1,128}})\][ \t]+\[(?P<level>(?i:{LEVELS}))[ \t]*\]"
                                 r"(?=[ \t]|$)")
# the line alone in brackets after the separator (the same layout's `- [%L] - `)
_LINE_POSITION = re.compile(r"\[(?P<line>\d{1,7})\][ \t]*-[ \t]")
POSITION = re.compile(r"[ \t]*\[(?P<method>[\w$<>]+),(?P<line>\d+)\][ \t]*-[ \t]")  # RuoYi: [method,line] -
_SPACES = re.compile(r"[ \t]*")
# a message that is a table row, `| a | b |` or `|REFUND|ord_1|`: it ends with a pipe
_ENDS_WITH_PIPE = re.compile(r"\|[ \t\r]*$")
_PIPE_NEXT = re.compile(r"[ \t]*\|")
_MSG_SEP = re.compile(r"[ \t]*(?:(?:-+|:)(?=[ \t]|$)|\|)?[ \t]*")
# the same where the layout separates its fields with runs of `=`: the run before the message
_MSG_SEP_EQ = re.compile(r"[ \t]*(?:(?:-+|={2,}|:)(?=[ \t]|$)|\|)?[ \t]*")
# log4j's `%C.%M:%L -%m`: the separator's dash written against the message, after the line number
_GLUED_DASH = re.compile(r"[ \t]+-(?=[^\s\d-])")
# the source position right after the logger: `%logger [%file:%line]` (logback's manual),
# `%c (%F:%L)`, log4j2's `%c:%M(%L):` (its manual's example), `%logger %L %M - `, `[%logger] %M (%L): `
_SOURCE_AFTER = re.compile(r":(?P<method>[\w$<>]{1,128})\((?P<mline>\d{1,7}|\?)\)(?=:)"
                           # `%logger %L %M - `: the line, then the method, before the dash
                           r"|[ \t]+(?P<nline>\d{1,7})[ \t]+(?P<nmethod>[A-Za-z_$<][\w$<>]{0,127})(?=[ \t]+-[ \t])"
                           # `[%logger] %M (%L): `: the method, then the line in parentheses, before the colon
                           r"|[ \t]+(?P<pmethod>[A-Za-z_$<][\w$<>]{0,127})[ \t]\((?P<pline>\d{1,7})\):(?=[ \t])"
                           r"|[ \t]{1,8}[\[(](?P<src>[\w$-]{1,128}\.[A-Za-z]{1,6})[ \t]?:[ \t]?(?P<sline>\d{1,7}|\?)[\])](?=[ \t]|$)"
                           # the line alone: `%c:%4L - `, `%c{1}:[%L] - `, `%c(%L) - `, `%logger [%line]: `
                           r"|(?::[ \t]{0,6}\[?|\(|[ \t]{1,64}\[)(?P<line>\d{1,7})[\])]?(?=[ \t]*(?:-+|:|\|)(?:[ \t]|$))")
MAX_TOKENS = 10
# loguru's default format, `{time} | {level: <8} | {name}:{function}:{line} - {message}` (its SUCCESS
# level, between INFO and WARNING, is INFO)
_LOGURU = re.compile(rf"[ \t]*\|[ \t]*(?P<level>(?i:{LEVELS})|SUCCESS)[ \t]*\|[ \t]*(?P<name>[\w.<>-]{{1,256}}):"
                     r"(?P<function>[\w$.<>-]{1,128}):(?P<line>\d{1,7}) - ")
# Python's `%(asctime)s | %(name)s | %(levelname)s | %(message)s` (the name padded, `%(name)-20s`):
# the logger's cell, then the level's (the level's cell first is read token by token, below)
_PIPE_NAME_LEVEL = re.compile(rf"[ \t]*\|[ \t]*(?P<name>[^\s|\[\]]{{1,128}})[ \t]*\|"
                              rf"[ \t]*(?P<level>(?i:{LEVELS}))[ \t]*\|[ \t]?")
# Python's colons, `%(asctime)s:%(levelname)s:%(name)s:%(message)s` (Superset's; basicConfig's
# default with a time before it): the level and the name glued between colons
_PY_COLONS = re.compile(rf"[ \t]?:?(?P<level>{LEVELS}):(?P<name>[A-Za-z_<][\w.<>-]{{0,127}}):[ \t]?")
# Locust's `[%(asctime)s] %(hostname)s/%(levelname)s/%(name)s: %(message)s`
_HOST_LEVEL_NAME = re.compile(rf"[ \t]*[\w.-]{{1,63}}/(?P<level>{LEVELS})/(?P<name>[\w.<>-]{{1,128}}):[ \t]?")
# Odoo's `%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s`: after the pid and
# the level, the database's name (`?` when none) and the logger (`odoo.*`, `werkzeug`, `py.warnings`)
_ODOO_DB_NAME = re.compile(r"[ \t]+(?P<db>[^\s:\[\]]{1,64})[ \t]+(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|werkzeug|root)"
                           r":[ \t]")
_DASH_NEXT = re.compile(r"[ \t]+-[ \t]")
_SEP_NEXT = re.compile(r"[ \t]*(?:-+|:|\|)(?:[ \t]|$)")  # a separator before the message
_NUMBER = re.compile(r"[\d.,:]+(?:[ \t]*m?s)?")
# a host, then a process name with its pid in brackets, before the level: Quarkus's file layout
# `%d %h %N[%i] %-5p [%c{3.}] (%t) %s` (`hal9000 app-dev.jar[20428] ERROR [io.qua.Foo] (main) msg`)
_HOST_PROCESS = re.compile(rf"[ \t]*[\w.-]{{1,63}}[ \t]+[\w.-]{{1,80}}\[(?P<pid>\d{{1,10}})\](?=[ \t]+(?:{LEVELS})(?![\w-]))")
_HOST_PROCESS_REACH = 150  # the pid's bracket is the first one and this close to the start, or it is not this layout
# log4j's TTCC fields after the ones read (`%d - %c -%r [%t] %-5p %c %x - %m`): milliseconds since
# start, the thread in brackets, the level, the logger, the NDC if any, then ` - `
_TTCC = re.compile(rf"(?:[A-Za-z_$][\w$.]{{0,255}}[ \t]+)?-?\d{{1,12}}[ \t]+\[(?P<thread>[^\]\[]{{1,256}})\][ \t]+(?P<level>(?i:{LEVELS}))[ \t]+"
                   r"(?P<logger>[A-Za-z_$][\w$.-]{0,255})(?:[ \t]+[^\s-]\S{0,63})?[ \t]+-[ \t]")
# token kind -> (its logger group, its line-number groups): `pkg.Logger:42`, Tomcat's
# `pkg.Class.method msg`, `Logger:42`
_LOGGER_KINDS = {"k_logger": ("logger", ("lline", "bline")), "k_logger2": ("logger2", ()),
                 "k_logger3": ("lname", ("nline",)), "k_logger4": ("sname", ())}
_LOGCAT_LEVELS = {"V": "TRACE", "D": "DEBUG", "I": "INFO", "W": "WARN", "E": "ERROR", "F": "FATAL", "A": "FATAL"}


def split_fields(rest: str) -> Fields:
    f = Fields()
    if rest[:1] == "|" or rest[1:2] == "|":  # a pipe's cells after the time (`ts | name | LEVEL | msg`)
        if (pn := _PIPE_NAME_LEVEL.match(rest)) is not None:
            f.logger, f.level, f.message = pn.group("name"), pn.group("level").upper(), rest[pn.end():]
            return f
        if (lg := _LOGURU.match(rest)) is not None:
            level = lg.group("level").upper()
            f.level, f.logger = "INFO" if level == "SUCCESS" else level, lg.group("name")
            f.extra, f.message = {"method": lg.group("function"), "line": lg.group("line")}, rest[lg.end():]
            return f
    if (rest[:1] == ":" or rest[1:2].isupper()) and (pc := _PY_COLONS.match(rest)) is not None:
        f.level, f.logger, f.message = pc.group("level"), pc.group("name"), rest[pc.end():]
        return f
    if "/" in rest[:70] and (hl := _HOST_LEVEL_NAME.match(rest)) is not None:
        f.level, f.logger, f.message = hl.group("level"), hl.group("name"), rest[hl.end():]
        return f
    pos, end = 0, len(rest)
    kind = None
    eq_from, eq_runs, last = 0, 0, None  # `=` runs read as separators, where the last began
    glued = br_name = app_bracket = named_first = msg_pipe = False
    pipes = 0  # pipes read as the layout's separators
    b = rest.find("[", 1, _HOST_PROCESS_REACH)  # `name[pid]`: the bracket right after a name, a digit in it
    if b > 0 and rest[b - 1] not in " \t]" and rest[b + 1:b + 2].isdigit() and (hp := _HOST_PROCESS.match(rest)):
        f.pid, pos = hp.group("pid"), hp.end()
    for _ in range(MAX_TOKENS):
        if pos >= end:
            break
        m = _TOKEN.match(rest, pos)
        if m is not None and m.lastgroup == "k_nlogger" and (f.level is not None or f.logger is not None):
            m = _TOKEN_NO_NAME_LEVEL.match(rest, pos)  # the name is no logger before a level here
        if m is None:
            break
        dash_before, kind = kind == "k_skip", m.lastgroup
        if kind == "k_level":
            if f.level is not None:
                break
            f.level = m.group("level").upper()
            f.thread = m.group("proc") or f.thread
            if last == "k_num" and f.pid is not None and (od := _ODOO_DB_NAME.match(rest, m.end())) is not None:
                f.logger, pos, last = od.group("name"), od.end(), kind
                f.mdc = {"db": od.group("db")} if od.group("db") != "?" else None
                break
            if named_first and (f.thread is not None or (n := _TOKEN.match(rest, m.end())) is None
                                or n.lastgroup != "k_logger"):
                pos, last = m.end(), kind
                break  # `name LEVEL msg`: the prefix ends at the level (the message may start with `---`)
            if rest[m.end():m.end() + 2] in (": ", ":\t") and (f.logger is not None or f.extra is not None):
                pos, last = m.end(), kind
                break  # `%(pathname)s[line:%(lineno)d] - %(levelname)s: %(message)s`: the message follows
        elif kind == "k_br":
            named, br = f.logger, m.group("br")
            if app_bracket and last == "k_br" and f.logger is None and not tracing(br) and not QUALIFIED.fullmatch(br):
                # Spring Boot 3's `--- [app] [thread] logger :`: the bracket after `---` was the
                # application's name (`spring.application.name`), this one is the thread
                f.mdc = dict(f.mdc or {}, application=f.thread)
                f.thread, app_bracket = br.strip(), False
                pos, last = m.end(), kind
                continue
            if br_name and last == "k_br" and f.logger is not None and tracing(br) and " " not in br.strip():
                pos, last = m.end(), kind  # `[%logger] [%X{traceId}] - msg`: MDC values after a bracketed logger
                continue
            if br_name and last == "k_br" and f.thread is None and f.level is not None \
                    and _THREAD_NAME.fullmatch(br.strip()) is not None:
                f.thread, pos, last = br.strip(), m.end(), kind  # `%level [%logger] [%thread] %msg`
                continue
            had_thread = f.thread is not None
            if not bracket(f, br) and not bracket_logger(f, br, rest[pos:pos + 1] == "[") \
                    and not later_thread(f, br, rest, m.end()):
                break
            app_bracket = dash_before and rest[pos - 3:pos] == "---" and not had_thread and f.thread is not None
            # a dotted name in brackets: the logger, or a thread named like one
            br_name = named is None and f.logger is not None and f.extra is None
        elif kind == "k_pthread":
            # only right after `LEVEL [logger]`: elsewhere a parenthesis is the message's
            if f.thread is not None or f.logger is None or f.level is None or rest[pos:pos + 1] != " " \
                    or _NUMBER.fullmatch(m.group("pthread")):
                break  # `(0.003) SELECT ...` (Django's query time) is the message's
            f.thread = m.group("pthread")
        elif kind == "k_wthr":
            if f.level is None or f.thread is not None or f.logger is not None or not tracing(m.group("wtid")):
                break  # only after the level, and only before a bracket that holds no name
            f.thread = m.group("wthr")
        elif kind == "k_play":
            if f.level is None or f.logger is not None or f.thread is not None or not rest[:pos].rstrip(" \t-").endswith("]"):
                break  # only after a bracketed level (`[INFO] from`): `INFO from db in 5 ms - x` is message
            f.logger, f.thread, pos, last = m.group("plogger"), m.group("pthr"), m.end(), kind
            break  # the message follows its ` - ` (`0 0` there is no pid)
        elif kind == "k_dthr":
            if f.level is None or f.thread is not None or f.logger is not None or last != "k_level":
                break
            f.thread, pos, last = m.group("dthr"), m.end(), kind
            break  # the message follows its ` - `
        elif kind == "k_fpath":
            if m.group("fl2") and f.level is not None and not _DASH_NEXT.match(rest, m.end()):
                break  # after the level, `Order.java:42 failed` is the message's; `%file:%line - msg` is not
            f.extra = {"source": f"{m.group('fpath')}:{m.group('fl1') or m.group('fl2')}"}
        elif kind == "k_cpath":
            if f.level is not None or f.logger is not None or f.extra is not None:
                break  # only before the level: after it, braces are the message's
            f.extra = {"source": f"{m.group('cpath')}:{m.group('cline')}"}
        elif kind == "k_jlevel":
            if f.level is not None:
                break
            f.level = JUL_LOCALIZED[m.group("jlevel")]
        elif kind == "k_cbr":
            if f.logger is not None:
                break
            f.logger = m.group("cbr")
        elif kind == "k_src" or kind == "k_qsrc":
            if dash_before or f.logger is not None and _SEP_NEXT.match(rest, m.end()) is None:
                break  # `[Foo] - (Bar.java:88) retry`: after the separator, or a logger with none after it
            f.extra = {"source": m.group("src") or m.group("qsrc")}
        elif kind == "k_wsrc":
            word = m.group("word")
            if f.logger is None and QUALIFIED.fullmatch(word):
                f.logger = word  # log4j's `%c (%F:%L)`: a qualified name is the logger, not a thread
            else:
                f.thread = f.thread or word
            f.extra = {"source": m.group("wsrc")}
        elif kind == "k_nlogger":
            name = m.group("nlogger")
            if f.thread is None and _THREAD_NAME.fullmatch(name):
                f.thread = name  # logback's `%t %p %m`: `main INFO`, `http-nio-8080-exec-7 DEBUG`
            else:
                f.logger, named_first = name, True
        elif kind == "k_django":
            f.logger, f.pid, f.thread = m.group("mod"), m.group("pid"), m.group("tid")
        elif kind in _LOGGER_KINDS:  # the logger ends the prefix
            if (br_name or named_first) and f.thread is None and f.level is not None and kind == "k_logger":
                # `[a.b.Worker] INFO x.y.Foo - msg`, `main INFO x.y.Foo - msg`: the name before the level was the thread
                f.thread, f.logger = f.logger, None
            if f.logger is not None or (kind == "k_logger4" and (
                    dash_before or (f.level is None and f.thread is None))):
                break  # a simple name is a logger only right after the level or thread (`INFO - Word - ` is message)
            if f.extra is not None and "source" in f.extra and (dash_before or kind == "k_logger3"):
                break  # `%F:%L - %m`: after the record's position and its dash, `A.b`, `A#0` are the message's
            name, line_groups = _LOGGER_KINDS[kind]
            f.logger = m.group(name)
            line = next((m.group(g) for g in line_groups if m.group(g)), None)
            if line:
                f.extra = {"line": line}
                glued = True
            pos, last = m.end(), kind
            break
        elif kind == "k_loc":
            if f.logger is not None:
                break
            f.logger, f.extra = m.group("loc"), {"method": m.group("lmeth"), "source": m.group("lsrc")}
            pos, last = m.end(), kind
            break
        elif kind == "k_eq":
            eq_from, eq_runs = pos, eq_runs + 1
        elif kind == "k_pword":
            if not fill(f, m.group("pword"), ("thread", "logger")):
                break
        elif kind == "k_logcat":
            if f.level is not None or f.logger is not None:
                break
            f.level, f.logger = _LOGCAT_LEVELS[m.group("lc")], m.group("tag")
            f.message = rest[m.end():]
            return f
        elif kind == "k_ctx":
            if pos != 0:
                break  # only the first field: elsewhere such a word is the message
            if tracing(m.group("cbr2")):  # `%thread [%X{traceId}] %level` (`main [] INFO`): the word is the thread
                f.thread = m.group("ctx")
        elif kind == "k_pipe":
            if last == "k_skip" or not pipes and f.logger is not None and (
                    rest[m.end():m.end() + 1] not in " \t" or _ENDS_WITH_PIPE.search(rest) is not None):
                msg_pipe = True  # `[Foo] - |REFUND|ord_1|...`, `[Foo]|REFUND|...`, `[Foo] | a | b |`: the message's pipes
                break
            pipes += 1
        elif kind == "k_num":
            # a pid or thread id is followed by another field (`INFO 12345 --- [main]`,
            # `12345 INFO`, `%(thread)d - [%(name)s]`) and comes before the logger:
            # `12 orders settled`, `[Foo] - 3 retries left` are the message's
            if f.logger is not None or _TOKEN.match(rest, m.end()) is None or not fill(f, m.group("num"), ("pid", "thread")):
                break
        pos, last = m.end(), kind
    if (last in _LOGGER_KINDS or last == "k_br" and br_name) and (src := _SOURCE_AFTER.match(rest, pos)) is not None:
        if src.group("method"):
            f.extra = {"method": src.group("method"), "line": src.group("mline")}
        elif src.group("nmethod"):
            f.extra = {"method": src.group("nmethod"), "line": src.group("nline")}
        elif src.group("pmethod"):
            f.extra = {"method": src.group("pmethod"), "line": src.group("pline")}
        elif src.group("src"):
            f.extra = {"source": f"{src.group('src')}:{src.group('sline')}"}
        else:
            f.extra = {"line": src.group("line")}
        pos, glued = src.end(), True
    if last in _LOGGER_KINDS and f.thread is None and f.level is not None \
            and (tb := _THREAD_AFTER.match(rest, pos)) is not None and not tb.group("thread").isupper():
        f.thread, pos = tb.group("thread"), tb.end()  # log4j2's manual `%d %p %c{1.} [%t] %m`; not `[DUBBO]`
    elif last in _LOGGER_KINDS and f.thread is None and f.level is None \
            and (tl := _THREAD_LEVEL_AFTER.match(rest, pos)) is not None:
        f.thread, f.level, pos = tl.group("thread"), normalize_level(tl.group("level")), tl.end()
    if last == "k_eq":  # a `===` nothing was read after: the layout's separator before the message
        pos, eq_runs = eq_from, eq_runs - 1  # when an earlier one was (`=== WARN === msg`), else message
    glue = _GLUED_DASH.match(rest, pos) if glued or last in _LOGGER_KINDS else None
    if not pipes and _ENDS_WITH_PIPE.search(rest) is not None and _PIPE_NEXT.match(rest, pos) is not None:
        msg_pipe = True  # `%c [%t] %m` writing a table row `| a | b |`: its first pipe is no separator
    sep = glue or (_SPACES if msg_pipe else _MSG_SEP_EQ if eq_runs else _MSG_SEP).match(rest, pos)
    assert sep is not None  # the separator's parts are all optional: it matches anywhere
    pos = sep.end()
    pm = POSITION.match(rest, pos)
    if pm is not None:
        f.extra = {"method": pm.group("method"), "line": pm.group("line")}
        pos = pm.end()
    elif last in _LOGGER_KINDS and f.level is not None and f.extra is None \
            and (lp := _LINE_POSITION.match(rest, pos)) is not None:
        f.extra, pos = {"line": lp.group("line")}, lp.end()
    if f.level is None and f.thread is None and (tm := _TTCC.match(rest, pos)) is not None:
        f.thread, f.level, f.logger = tm.group("thread"), tm.group("level").upper(), tm.group("logger")
        pos = tm.end()
    f.message = rest[pos:]
    return f
