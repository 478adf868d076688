"""The local Elasticsearch is a real node: the official async client indexes, searches and aggregates."""

from __future__ import annotations

import statistics

import pytest
from elasticsearch import AsyncElasticsearch
from elasticsearch.helpers import async_bulk

pytestmark = pytest.mark.integration

N = 10_000


async def test_bulk_indexed_documents_are_searchable_and_aggregate_correctly(es_url, unique_name):
    es = AsyncElasticsearch(es_url)
    index = f"{unique_name}-2026.11.26"
    try:
        await es.indices.put_index_template(
            name=unique_name, index_patterns=[f"{unique_name}-*"],
            template={"settings": {"number_of_replicas": 0},
                      "mappings": {"properties": {
                          "@timestamp": {"type": "date"}, "service": {"type": "keyword"},
                          "duration": {"type": "long"}, "message": {"type": "text"}}}})
        services = ["pay", "order", "account", "settle"]

        def docs():
            for i in range(N):
                yield {"_index": index, "_id": f"id-{i}", "@timestamp": f"2026-11-26T{i // 600:02d}:{i // 10 % 60:02d}:00Z",
                       "service": services[i % 4], "duration": i, "message": f"订单 ord_{i} 耗时 {i}ms"}

        ok, errors = await async_bulk(es, docs(), chunk_size=2000, raise_on_error=False)
        assert (ok, errors) == (N, [])
        # the same ids again: replaced, not doubled
        ok, _ = await async_bulk(es, docs(), chunk_size=2000)
        await es.indices.refresh(index=index)

        mapping = await es.indices.get_mapping(index=index)
        assert mapping[index]["mappings"]["properties"]["service"]["type"] == "keyword"

        count = await es.count(index=index)
        assert count["count"] == N

        hit = await es.search(index=index, query={"match": {"message": "ord_4242"}})
        assert hit["hits"]["hits"][0]["_id"] == "id-4242"

        res = await es.search(index=index, size=0, aggs={
            "by_service": {"terms": {"field": "service"}},
            "per_hour": {"date_histogram": {"field": "@timestamp", "calendar_interval": "hour"}},
            "p": {"percentiles": {"field": "duration", "percents": [50, 95]}},
        })
        aggs = res["aggregations"]
        assert {b["key"]: b["doc_count"] for b in aggs["by_service"]["buckets"]} == {s: N // 4 for s in services}
        hours = [b["doc_count"] for b in aggs["per_hour"]["buckets"]]
        assert sum(hours) == N and hours[0] == 600 and len(hours) == -(-N // 600)
        p50 = aggs["p"]["values"]["50.0"]
        assert abs(p50 - statistics.median(range(N))) < N * 0.01
        assert abs(aggs["p"]["values"]["95.0"] - 0.95 * N) < N * 0.01
    finally:
        await es.indices.delete(index=f"{unique_name}-*", ignore_unavailable=True)
        await es.options(ignore_status=404).indices.delete_index_template(name=unique_name)
        await es.close()
