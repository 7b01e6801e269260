"""Time to live for the embedded store: moto accepts a table's TTL setting but never expires anything.

In DynamoDB an item whose TTL attribute (a Number, epoch seconds) lies in the past is deleted in
the background, usually within days; reads may still see it until then. Locally nothing would
ever go, so connections, send receipts, log-in throttles and old messages would pile up in memory
and in the snapshot for as long as ``make run`` lives. :func:`purge_expired` deletes them from
moto's backend directly (it runs in this process), under the same lock as every other write.

Which attribute is the TTL comes from the PynamoDB models (``Model._ttl_attribute()``), the same
place that tells ``create_tables`` to switch TTL on. Like DynamoDB, items whose TTL value is not a
number, or lies more than five years in the past, are left alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from pynamodb.models import Model

from chalicelib import storage

FIVE_YEARS_S = 5 * 365 * 24 * 3600


def ttl_attributes(models: tuple[type[Model], ...] = storage.ALL_MODELS) -> dict[str, str]:
    """Table name -> the name its TTL attribute has in DynamoDB, for every model that has one."""
    found = {}
    for model in models:
        attribute = model._ttl_attribute()
        if attribute is not None:
            found[model.Meta.table_name] = attribute.attr_name
    return found


def _tables(names: set[str]) -> Iterator[Any]:
    """moto's in-process tables with these names, in whichever account and region hold them."""
    from moto.dynamodb.models import dynamodb_backends

    for account_id in list(dict.keys(dynamodb_backends)):
        regions = dict.__getitem__(dynamodb_backends, account_id)
        for region in list(dict.keys(regions)):
            backend = dict.__getitem__(regions, region)
            for name, table in list(backend.tables.items()):
                if name in names:
                    yield table


def is_expired(item: Any, attribute: str, now: float) -> bool:
    value = item.attrs.get(attribute)
    if value is None or value.type != "N":
        return False
    try:
        expires = float(value.value)
    except (TypeError, ValueError):
        return False
    return now - FIVE_YEARS_S <= expires <= now


def purge_expired(now: float | None = None, attributes: dict[str, str] | None = None) -> dict[str, int]:
    """Delete every expired item now; returns how many went, by table (tables with none left out)."""
    from local.moto_atomic import WRITE_LOCK

    now = time.time() if now is None else now
    attributes = ttl_attributes() if attributes is None else attributes
    purged: dict[str, int] = {}
    for table in _tables(set(attributes)):
        attribute = attributes[table.name]
        # One table at a time under the write lock: writers wait a moment, nobody sees half a purge.
        with WRITE_LOCK:
            expired = [item for item in table.all_items() if is_expired(item, attribute, now)]
            for item in expired:
                table.delete_item(item.hash_key, item.range_key)
        if expired:
            purged[table.name] = len(expired)
    return purged
