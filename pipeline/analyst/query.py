"""What an analyst types, made into the query string Elasticsearch should run (pure).

`logpipe search` takes Elasticsearch's query-string syntax (AND, OR, NOT, quotes,
`field:value`, wildcards). Three kinds of bare words are widened, everything else is
passed through untouched:

- a word of letters only (`ChannelTimeoutException`, `Timeout`): also matched in the
  `parts` subfields (the letters-only pieces of class, logger and method names, paths,
  messages, stack traces and SQL), and as a camel-case part of an exception type, root
  cause type, logger or method name: `Timeout` finds `com.acme.pay.ChannelTimeoutException`
  but not `TimeoutsCounter` (a part ends where a capital, digit, `.` or `$` begins);
- a dotted name of letters (`com.acme.pay`, `ChannelClient.send`): a phrase in the text
  fields and in the `parts` subfields, so it matches as consecutive parts of a longer
  name (`com.acme.pay.ChannelTimeoutException`) and not `com.acme.paygate...`;
- a word with CJK characters (`对账不平`): a phrase, so its characters must stand together
  in that order (the standard analyzer indexes Chinese one character per token, and an
  unquoted word would match the characters scattered over a message).

Words with digits or `_` (`ord_20261126_000123`) never go to `parts` (it would read
`ord_2026` as `ord`); they match whole tokens of the text fields and keyword fields.

    rewrite("Timeout AND 对账不平")
    -> '(Timeout OR \\*.parts:Timeout OR error.type:/.../ OR ...) AND "对账不平"'
"""

from __future__ import annotations

import re

# fields a query string searches when a word names none (keyword fields match the whole value)
DEFAULT_FIELDS = ["message", "error.message", "error.type", "error.stack_trace", "logpipe.root_cause.type",
                  "logpipe.root_cause.message", "logpipe.sql.statement", "logpipe.sql.params", "log.logger",
                  "logpipe.method.name", "logpipe.table.fields.*"]
PARTS = r"\*.parts"  # every `parts` subfield (sinks.es_template)
NAME_FIELDS = ("error.type", "logpipe.root_cause.type", "log.logger", "logpipe.method.name")
OPERATORS = frozenset(("AND", "OR", "NOT", "&&", "||"))

_TOKEN = re.compile(r'''
    (?P<space>\s+)
  | (?P<quoted>"(?:\\.|[^"\\])*"?)      # a phrase (an unclosed one runs to the end)
  | (?P<regex>/(?:\\.|[^/\\])*/?)
  | (?P<range>[\[{][^\]}]*[\]}]?)
  | (?P<punct>[()]|^[+\-!]|(?<=[\s(])[+\-!])
  | (?P<word>[^\s()"\[{]+)
''', re.X)
_LETTERS = re.compile(r"[A-Za-z]{2,100}")  # longer: past Elasticsearch's max_regex_length
_DOTTED = re.compile(r"[A-Za-z$][A-Za-z$]*(?:\.[A-Za-z$]+)+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SYNTAX = re.compile(r'[*?~^\\:/<>=]')


def camel_part_regex(word: str) -> str:
    """A Lucene regexp matching a whole keyword value that has `word` as a run of its
    camel-case or dotted parts: starting at the value's start, after a non-letter, or at
    a capital after a lower-case letter or digit; ending at its end or before anything
    but a lower-case letter."""
    head, rest = word[0], word[1:]
    cap = head.upper() + rest
    return (f"((.*[^A-Za-z0-9])?[{head.upper()}{head.lower()}]{rest}|.*[a-z0-9]{cap})([^a-z].*)?")


def _widen_letters(word: str) -> str:
    regex = camel_part_regex(word)
    names = " OR ".join(f"{f}:/{regex}/" for f in NAME_FIELDS)
    return f"({word} OR {PARTS}:{word} OR {names})"


def _widen_word(word: str) -> str:
    if word in OPERATORS or _SYNTAX.search(word):
        return word
    if _CJK.search(word):
        return f'"{word}"'
    if _LETTERS.fullmatch(word):
        return _widen_letters(word)
    if _DOTTED.fullmatch(word):
        return f'("{word}" OR {PARTS}:"{word}")'
    return word


def rewrite(query: str) -> str:
    """The query string to run for `query` (see the module docstring). What follows a
    `field:` (a word, a phrase or a parenthesised group) is the analyst's own choice of
    field and stays as written."""
    out: list[str] = []
    depth = 0  # parentheses open; `fixed`: the depths at which a `field:(` group opened
    fixed: list[int] = []
    for m in _TOKEN.finditer(query):
        kind, text = m.lastgroup, m.group()
        after_field = bool(out) and out[-1].endswith(":")
        if kind == "punct" and text == "(":
            depth += 1
            if after_field:
                fixed.append(depth)
        elif kind == "punct" and text == ")":
            if fixed and fixed[-1] == depth:
                fixed.pop()
            depth = max(0, depth - 1)
        if after_field or fixed:
            out.append(text)
        elif kind == "word":
            out.append(_widen_word(text))
        elif kind == "quoted" and _CJK.search(text) is None and _DOTTED.fullmatch(text.strip('"')):
            out.append(f"({text} OR {PARTS}:{text})")  # "com.acme.pay" quoted by the analyst
        else:
            out.append(text)
    return "".join(out)
