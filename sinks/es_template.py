"""The index template of the daily event indices `<prefix>-YYYY.MM.DD`.

Explicit mappings for every field `parsers.event.Event.to_ecs()` writes; ECS types
where ECS has the field. Free text is `text` with a `keyword` subfield only where
exact matching or aggregation makes sense (`message`, `error.message`); stack traces
are text only. Table columns (`logpipe.table.fields.*`) are mapped by dynamic
templates: strings keyword, numbers double. Date and numeric detection are off, so
a column's type never depends on the first value that happened to arrive.

Search by the parts of dotted names (v2): the standard analyzer keeps
`com.acme.pay.ChannelTimeoutException` (and `at com.acme.Foo.bar(Foo.java:42)`) as one
token, so class names, logger names, paths, method names and the free text that quotes
them (messages, stack traces, SQL) also get a `parts` subfield analyzed with the built-in
`simple` analyzer: letters only, split on everything else (`.`, `$`, `/`, digits),
lowercased. `pipeline.analyst.query` decides which words go to it (words of letters
only, and dotted names as phrases), since it would read `ord_2026` as `ord`. Only
built-in analysis is used (the node may have no analysis module), so the subfields can
be added to an existing index with a mapping update (`upgrade_index`).

The template carries `version`; `put_template` never replaces a newer one.
"""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import AsyncElasticsearch, NotFoundError
from elasticsearch.helpers import async_bulk, async_scan

log = logging.getLogger(__name__)

TEMPLATE_VERSION = 2  # 2: `parts` subfields
PRIORITY = 200  # above the built-in templates (100), so `<prefix>-*` is ours alone
KEYWORD_MAX_CHARS = 8191  # 4 bytes/char stays under Lucene's 32766-byte term limit

KEYWORD: dict[str, Any] = {"type": "keyword", "ignore_above": KEYWORD_MAX_CHARS}
LONG: dict[str, Any] = {"type": "long"}
DATE: dict[str, Any] = {"type": "date", "format": "strict_date_optional_time||epoch_millis"}
TEXT: dict[str, Any] = {"type": "text"}
PARTS: dict[str, Any] = {"type": "text", "analyzer": "simple"}  # letters only: com.acme.Foo -> com acme foo
KEYWORD_AND_TEXT: dict[str, Any] = {**KEYWORD, "fields": {"text": TEXT}}
NAME: dict[str, Any] = {**KEYWORD, "fields": {"parts": PARTS}}  # class, logger, method names, paths
TEXT_PARTS: dict[str, Any] = {"type": "text", "fields": {"parts": PARTS}}
TEXT_KEYWORD_PARTS: dict[str, Any] = {"type": "text", "fields": {"keyword": KEYWORD, "parts": PARTS}}


def _obj(**props: dict[str, Any]) -> dict[str, Any]:
    return {"properties": props}


def mappings() -> dict[str, Any]:
    """The `mappings` of an event index."""
    logpipe = _obj(
        kind=KEYWORD, file_id=KEYWORD, end_offset=LONG,
        signature=KEYWORD, signature_version=KEYWORD, signature_reasons=KEYWORD,
        root_cause=_obj(type=NAME, message=TEXT_KEYWORD_PARTS),
        sql=_obj(statement=TEXT_PARTS, fingerprint=KEYWORD_AND_TEXT, fingerprint_id=KEYWORD, params=TEXT, rows=LONG),
        method=_obj(name=NAME),
        table={"properties": {"name": KEYWORD, "fields": {"type": "object", "dynamic": True}}},
        trace_ids=KEYWORD, truncated={"type": "boolean"},
        masked={"type": "object", "dynamic": True}, flags=KEYWORD,
    )
    return {
        "dynamic": True,
        "date_detection": False,
        "numeric_detection": False,
        "dynamic_templates": [
            {"table_numbers": {"path_match": "logpipe.table.fields.*", "match_mapping_type": ["long", "double"],
                               "mapping": {"type": "double", "ignore_malformed": True}}},
            {"table_strings": {"path_match": "logpipe.table.fields.*", "match_mapping_type": "string",
                               "mapping": KEYWORD}},
            {"masked_counts": {"path_match": "logpipe.masked.*", "match_mapping_type": "long", "mapping": LONG}},
            {"other_strings": {"match_mapping_type": "string", "mapping": KEYWORD}},
        ],
        "properties": {
            "@timestamp": DATE,
            "message": TEXT_KEYWORD_PARTS,
            "event": _obj(id=KEYWORD, kind=KEYWORD, duration=LONG, created=DATE),
            "log": _obj(level=KEYWORD, logger=NAME, file=_obj(path=NAME), offset=LONG),
            "process": _obj(thread=_obj(name=KEYWORD)),
            "host": _obj(name=KEYWORD),
            "service": _obj(name=KEYWORD),
            "error": _obj(type=NAME, message=TEXT_KEYWORD_PARTS, stack_trace=TEXT_PARTS),
            "logpipe": logpipe,
        },
    }


def settings(*, number_of_replicas: int | None = None, total_fields_limit: int = 2000) -> dict[str, Any]:
    """Index settings. `number_of_replicas=None` lets Elasticsearch choose 0 on a single
    node and 1 once there is a second (`auto_expand_replicas: 0-1`)."""
    s: dict[str, Any] = {"index.mapping.total_fields.limit": total_fields_limit}
    if number_of_replicas is None:
        s["index.auto_expand_replicas"] = "0-1"
    else:
        s["index.number_of_replicas"] = number_of_replicas
    return s


def index_template(prefix: str, *, number_of_replicas: int | None = None) -> dict[str, Any]:
    """The body of `PUT _index_template/<prefix>`, as keyword arguments of `put_index_template`."""
    return {
        "name": prefix,
        "index_patterns": [f"{prefix}-*"],
        "priority": PRIORITY,
        "version": TEMPLATE_VERSION,
        "template": {"settings": settings(number_of_replicas=number_of_replicas), "mappings": mappings()},
        "meta": {"managed_by": "logpipe", "description": "logpipe daily event indices"},
    }


async def installed_version(client: AsyncElasticsearch, name: str) -> int | None:
    """The `version` of template `name` in the cluster; None when absent or unversioned."""
    try:
        res = await client.indices.get_index_template(name=name)
    except NotFoundError:
        return None
    for item in res.get("index_templates", []):
        if item.get("name") == name:
            version = item.get("index_template", {}).get("version")
            return int(version) if version is not None else None
    return None


async def put_template(client: AsyncElasticsearch, prefix: str, *, number_of_replicas: int | None = None) -> bool:
    """Install (or refresh) the template; idempotent. Returns False, leaving it alone,
    when the cluster already has a newer version (an older indexer must not downgrade it)."""
    current = await installed_version(client, prefix)
    if current is not None and current > TEMPLATE_VERSION:
        log.warning("index template %s has version %d, newer than ours (%d): left as it is",
                    prefix, current, TEMPLATE_VERSION)
        return False
    await client.indices.put_index_template(**index_template(prefix, number_of_replicas=number_of_replicas))
    return True


async def upgrade_index(client: AsyncElasticsearch, index: str, *, chunk_size: int = 500) -> int:
    """Give existing indices (a name or pattern) this version's fields, then index their
    documents again, same `_id` and `_source`, so the new subfields are filled; returns the
    documents written. A mapping update may add subfields, never change a field's type.
    Done with scroll + bulk because `_update_by_query` and `_reindex` live in a module a
    minimal node does not have."""
    await client.indices.put_mapping(index=index, properties=mappings()["properties"])

    async def again():
        async for hit in async_scan(client, index=index, query={"query": {"match_all": {}}}, size=chunk_size):
            yield {"_op_type": "index", "_index": hit["_index"], "_id": hit["_id"], "_source": hit["_source"]}

    written, errors = await async_bulk(client, again(), chunk_size=chunk_size, raise_on_error=False, refresh=True)
    if errors:
        raise RuntimeError(f"re-indexing {index}: {len(errors)} document(s) refused, first: {errors[0]}")
    return int(written)
