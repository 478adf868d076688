"""A structured record (JSON, logfmt) whose message is a MyBatis record and which has fields of
its own beside it: the joiner reads the message once; the fields are not the statement's."""

from __future__ import annotations

import json

from tests.unit.tiled_events import tiled_events


def test_a_mybatis_record_in_json_with_fields_of_its_own_is_joined_once():
    def record(ms: int, message: str) -> str:
        return json.dumps({"@timestamp": f"2024-03-06T16:40:16.{ms:03d}+08:00", "level": "DEBUG", "thread_name": "exec-2",
                           "logger_name": "c.x.mapper.DictMapper.selectList", "message": message,
                           "appName": "content", "traceNo": "t1"}) + "\n"
    text = (record(557, "==>  Preparing: SELECT id,name FROM dictionary WHERE id = ?")
            + record(558, "==> Parameters: 7(Long)") + record(560, "<==      Total: 17"))
    sql = [e for e in tiled_events(text.encode()) if e.kind == "sql"]
    assert [(e.sql_statement, e.sql_rows, e.duration_ns) for e in sql] == [
        ("SELECT id,name FROM dictionary WHERE id = 7", 17, 3_000_000)]
