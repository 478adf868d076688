"""The chaos run: the whole pipeline (two shippers, two indexers, two alerters) against a
private Kafka and Elasticsearch, with kill -9s, broker restarts and an Elasticsearch
outage, then an exact check of what arrived. Entry point: `bench/chaos.py`."""
