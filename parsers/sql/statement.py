"""Statements logged without a timing, by the loggers whose job it is to log them.

An ORM or a JDBC helper at DEBUG logs every statement it runs, with no duration:
  * Hibernate's `org.hibernate.SQL` logger (`logging.level.org.hibernate.SQL=DEBUG`),
    often formatted over several lines (`hibernate.format_sql`), the logger name possibly
    abbreviated by the layout (`o.h.SQL`, `o.hibernate.SQL`) or cut to its simple name
    `SQL` (`%c{1}`, `%logger{0}`);
  * Hibernate's `show_sql` on standard output: `Hibernate: select ...`;
  * log4jdbc's `jdbc.sqlonly` (Korean eGovFrame and Spring MVC projects): the statement with
    its values in place, lower case as often as not, maybe after its connection's number
    (`1. select ...`); with `jdbc.sqltiming` on too, the timed copy follows it (both count);
  * Spring's `JdbcTemplate`: `Executing prepared SQL statement [select ...]`,
    `Executing SQL query [...]`, `Executing SQL update [...]`, `Executing SQL batch update
    of N statements`;
  * SQLAlchemy's engine logger (`echo=True`, `sqlalchemy.engine.Engine`, before 1.4
    `sqlalchemy.engine.base.Engine`, maybe with the engine's `logging_name` after it): the
    statement, over several lines, then its parameters on a line of their own,
    `[generated in 0.00031s] (7,)`, `[cached since 12.3s ago] (...)`. The time in those
    brackets is the statement's compilation (or the cache's age), not its execution: the
    parameter line is no timing (`is_parameter_line`);
  * ShardingSphere's `sql-show` (logger `ShardingSphere-SQL`): `Logic SQL: select ...`, the
    statement the application issued, then one `Actual SQL: ds_0 ::: select ... ::: [7, 9]`
    per data source and table it was routed to (the parameters after a second `:::` when
    there are any). Each is a statement: the logical one as is, each routed one with its
    parameters and the source `shardingsphere-routed`, which the caller flags (`sql_routed`)
    so that counting what the application ran can leave them out. `Actual SQL(simple):`
    lines name data sources only and stay records;
  * jOOQ's `LoggerListener` at DEBUG: `Executing query          : select ...` (or `Executing
    batch query`), the statement as rendered, placeholders kept; its next line, `-> with bind
    values      : ...`, is the same statement with its values inlined and no second one.
  * Hibernate's statements under a layout that does not name the logger (`%d - %msg`), lower
    case: known by the table aliases Hibernate generates (`user0_.id` in 5, `u1_0.id` in 6),
    one of them declared as a table's (`from users user0_`);
  * any of these (or a program's own statement log) under a layout that does not name the
    logger (`%(asctime)s - %(levelname)s - %(message)s`): a message that is a statement with
    its keywords in capitals, as ORMs write them (`SELECT ... FROM`, `INSERT INTO`, `UPDATE t
    SET`, `DELETE FROM`, DDL on a table, index or view, SQLite's `PRAGMA`). Prose does not
    write `SELECT` and `FROM` in capitals; a lower-case statement needs its logger.
They become SQL events with a statement and its fingerprint and no duration: counted per
fingerprint by analysts and `scan`, never a slow-SQL alert. A message is taken only when
it starts with a statement verb, so a logger's other lines stay ordinary records.
"""

from __future__ import annotations

import re

from parsers.sql.timing import SqlTiming

# A statement verb, maybe after the comment Hibernate's `use_sql_comments` puts first
# (`/* <criteria> */ select ...`, `/* insert for com.x.Order */insert ...`). Schema statements
# count too: these loggers log the DDL they run (Hibernate's schema export through
# org.hibernate.SQL or show_sql, SQLAlchemy's `create_all`), as the timed forms do.
_VERB = re.compile(r"\s*(?:/\*.*?\*/\s*)?(?:select|insert|update|delete|with|merge|replace|call|upsert"
                   r"|create|alter|drop|truncate|pragma)\b", re.IGNORECASE | re.DOTALL)
# a statement whatever logged it: the message starts with it, keywords in capitals
_CAPITALS = re.compile(r"(?:SELECT\s(?:[^;]{0,4000}?\s)?FROM\s|INSERT\s+INTO\s|UPDATE\s+\S+\s+SET\s|DELETE\s+FROM\s"
                       r"|(?:CREATE|ALTER|DROP)\s+(?:TABLE|(?:UNIQUE\s+)?INDEX|VIEW)\s|PRAGMA\s+[\w.]+)")
# the table aliases Hibernate generates, in any statement it logs: `user0_.id` (5), `u1_0.id` (6)
_ORM_ALIAS = re.compile(r"(?<![\w.])(?P<alias>[a-z][a-z0-9]{0,9}\d+_|[a-z]{1,3}\d+_\d+)\.[a-z_]")
# (every such statement names its first table's alias: `..0_.` in 5, `.._0.` in 6; few screen words:
# past 100 with the trace keys the screen is an NFA, not a DFA, and each record costs ~6 % more)
_ALIAS_TRIGGERS = ("0_.", "_0.")
_CONNECTION_NUMBER = re.compile(r"\A\s*\d{1,9}\.\s+")  # log4jdbc's connection number before a statement
_HIBERNATE_LOGGER = re.compile(r"(?:^|(?:org|o)\.(?:hibernate|h)\.)SQL$")
_SHOW_SQL = "Hibernate: "
# `untimed_statement` answers None unless the message holds one of TRIGGERS or the
# logger's name ends with one of LOGGER_SUFFIXES.
_LOGIC_SQL, _ACTUAL_SQL = "Logic SQL: ", "Actual SQL: "
_JOOQ = "Executing "
_JOOQ_QUERY = re.compile(r"Executing (?:batch )?query[ \t]*: (?P<sql>.+)\Z", re.DOTALL)
TRIGGERS = (_SHOW_SQL, _LOGIC_SQL, _ACTUAL_SQL, "Executing query", "Executing batch query",
            "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "PRAGMA", *_ALIAS_TRIGGERS)
# `Actual SQL: <data source> ::: <statement>[ ::: [<parameters>]]`; the statement may run over lines
_ACTUAL = re.compile(r"(?P<ds>[^\s:]{1,128}) ::: (?P<sql>.+?)(?: ::: \[(?P<params>.*)\])?\s*\Z", re.DOTALL)
# what may precede the marker when the layout's logger was not read: the logger and a separator
_SHARDING_LOGGER = re.compile(r"ShardingSphere-SQL[ \t]*[-:]?[ \t]*\Z")
ROUTED = "shardingsphere-routed"
LOGGER_SUFFIXES = ("SQL", "JdbcTemplate", "jdbc.sqlonly")
LOGGER_PREFIXES = ("sqlalchemy.engine",)
_SQLALCHEMY_LOGGER = re.compile(r"sqlalchemy\.engine\.(?:base\.)?Engine(?:\.[\w.-]+)?$")
_JDBC_TEMPLATE = re.compile(r"Executing (?:prepared )?SQL (?:statement|query|update) \[(.+)\]\s*$", re.DOTALL)


def _sharding(message: str) -> SqlTiming | None:
    """ShardingSphere's `Logic SQL:` or `Actual SQL:` statement, or None."""
    for marker in (_LOGIC_SQL, _ACTUAL_SQL):
        i = message.find(marker)
        if i == 0 or i > 0 and "\n" not in message[:i] and _SHARDING_LOGGER.search(message, 0, i) is not None:
            text = message[i + len(marker):]
            break
    else:
        return None
    params, source = None, "shardingsphere"
    if marker is _ACTUAL_SQL:
        m = _ACTUAL.match(text)
        if m is None:
            return None
        text, params, source = m.group("sql"), m.group("params"), ROUTED
    if not _VERB.match(text):
        return None
    return SqlTiming(None, text.strip(), params, source=source)


def _declares(message: str, alias: str) -> bool:
    """The statement names `alias` as a table's (`from users user0_`), not only a column's
    qualifier: `v1_0.jar` in a sentence is a file."""
    return re.search(rf"\s{re.escape(alias)}(?![\w.])", message) is not None


def untimed_statement(logger: str | None, message: str) -> SqlTiming | None:
    """The statement a statement logger logged in `message`, or None."""
    if " SQL: " in message[:200] or message.startswith((_LOGIC_SQL, _ACTUAL_SQL)):
        if (found := _sharding(message)) is not None:
            return found
    if message.startswith(_SHOW_SQL):
        text = message[len(_SHOW_SQL):]
        source = "hibernate"
    elif message.startswith(_JOOQ) and (m := _JOOQ_QUERY.match(message)) is not None:
        text, source = m.group("sql"), "jooq"
    elif (name := logger or "").endswith("SQL") and _HIBERNATE_LOGGER.search(name):
        text, source = message, "hibernate"
    elif name.startswith(LOGGER_PREFIXES) and _SQLALCHEMY_LOGGER.match(name):
        text, source = message, "sqlalchemy"
    elif name.endswith("jdbc.sqlonly"):  # log4jdbc: the statement, values in place (`1. ` numbered by connection)
        text, source = _CONNECTION_NUMBER.sub("", message, count=1), "log4jdbc"
    elif name.endswith("JdbcTemplate") and "Executing" in message:
        m = _JDBC_TEMPLATE.search(message)
        if m is None:
            return None
        text, source = m.group(1), "spring-jdbc"
    elif ("0_." in message or "_0." in message) and (alias := _ORM_ALIAS.search(message, 0, 600)) is not None \
            and _declares(message, alias.group("alias")):  # (the regex search only where a trigger is)
        text, source = message, "hibernate"  # Hibernate's statement, no logger named
    elif _CAPITALS.match(message) is not None:  # whatever logged it, or no logger named
        text, source = message, "generic"
    else:
        return None
    if not _VERB.match(text):
        return None
    return SqlTiming(None, text.strip(), source=source)


# the bracket SQLAlchemy (1.4+) puts before a statement's parameters, known without its logger
_PARAMETER_BRACKET = re.compile(r"\[(?:generated in |cached since |no key |raw sql\]|insertmanyvalues "
                                r"|dialect \S+ does not support caching )")


def is_parameter_line(logger: str | None, message: str) -> bool:
    """SQLAlchemy's line of a statement's parameters (`[generated in 0.00031s] (7,)`): no timing."""
    return message.startswith("[") and (_PARAMETER_BRACKET.match(message) is not None or (
        logger is not None and logger.startswith(LOGGER_PREFIXES) and _SQLALCHEMY_LOGGER.match(logger) is not None))
