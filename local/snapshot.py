"""Keep the embedded store's data across a restart of ``make run``.

moto's server keeps everything in memory. On each tick and on shutdown we write every table's
items to one JSON file (atomically); at start we load them back. Connections are not restored:
every socket died with the old process, so they are not saved either, and expired items are
purged before each save (:mod:`local.ttl`). This reads whole tables, which is fine for
development data and is never part of the deployed code.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import boto3

from chalicelib import storage

# Live sockets do not survive a restart, so neither do their items.
NOT_KEPT = {storage.Connection}


@lru_cache(maxsize=1)
def _client():
    """One client for the life of the stack: building one costs ~77 ms of CPU and some memory."""
    return boto3.client("dynamodb", endpoint_url=os.environ["DYNAMODB_ENDPOINT"])


def save(path: Path) -> int:
    client = _client()
    dump: dict[str, list] = {}
    count = 0
    for model in storage.ALL_MODELS:
        if model in NOT_KEPT:
            continue
        name = model.Meta.table_name
        items: list = []
        for page in client.get_paginator("scan").paginate(TableName=name):
            items.extend(page["Items"])
        dump[name] = items
        count += len(items)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(dump, separators=(",", ":")))
    temporary.replace(path)
    return count


def restore(path: Path) -> int:
    if not path.exists():
        return 0
    storage.create_tables()
    dump = json.loads(path.read_text())
    client = _client()
    skip = {model.Meta.table_name for model in NOT_KEPT}  # older snapshots still hold them
    count = 0
    for name, items in dump.items():
        if name in skip:
            continue
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            client.batch_write_item(RequestItems={name: batch})
            count += len(batch)
    return count
