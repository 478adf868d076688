"""pipeline.config.toml_positions: every key path maps to the line it is written on."""

from __future__ import annotations

import tomllib

from pipeline.config.toml_positions import key_lines, line_of

DOC = '''\
# comment [not.a.table]
[host]
name = "pay-01"   # trailing
[[inputs]]
paths = [
  "a.log",  # one
  "b.log",
]
[[inputs]]
paths = ["c"]
note = """
[fake.header]
x = 1
"""
[inputs.extra]
k = 'v'
[[inputs.extra.rules]]
[[inputs.extra.rules]]
z = 2
[sql]
slow.ms."quoted key" = { a = 1, b = [1, { c = 2 }] }
"tricky \\" key" = 3
[sql.slow_ms_by_fingerprint]
"3f2a" = 500
'''


def test_the_document_is_valid_toml():
    tomllib.loads(DOC)


def test_headers_keys_and_array_items_map_to_their_lines():
    lines = key_lines(DOC)
    assert lines[("host",)] == 2 and lines[("host", "name")] == 3
    assert lines[("inputs", 0)] == 4 and lines[("inputs", 0, "paths", 1)] == 7
    assert lines[("inputs", 1, "paths")] == 10 and lines[("inputs", 1, "note")] == 11
    assert ("fake", "header") not in lines and ("inputs", 1, "x") not in lines


def test_sub_tables_and_nested_arrays_of_tables_follow_the_last_element():
    lines = key_lines(DOC)
    assert lines[("inputs", 1, "extra", "k")] == 16
    assert lines[("inputs", 1, "extra", "rules", 1)] == 18
    assert lines[("inputs", 1, "extra", "rules", 1, "z")] == 19


def test_dotted_quoted_and_inline_keys_are_indexed():
    lines = key_lines(DOC)
    assert lines[("sql", "slow", "ms", "quoted key", "b", 1, "c")] == 21
    assert lines[("sql", 'tricky " key')] == 22
    assert lines[("sql", "slow_ms_by_fingerprint", "3f2a")] == 24


def test_an_unindexed_path_falls_back_to_its_nearest_parent():
    lines = key_lines(DOC)
    assert line_of(lines, ("inputs", 1, "start_at")) == 9
    assert line_of(lines, ("metrics", "port")) is None


def test_text_the_scanner_does_not_understand_gives_a_partial_index():
    assert key_lines('a = 1\nb = "unterminated\nc = 2\n') == {("a",): 1, ("b",): 2}
