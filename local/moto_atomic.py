"""Make moto's DynamoDB apply each write atomically, as DynamoDB does.

moto checks a condition and then writes without a lock, so two threads can both pass the same
``ConditionExpression``. Real DynamoDB serialises writes to an item; the product's exactly-once
transitions rely on that. Development and test tooling only.
"""

from __future__ import annotations

import functools
import threading

WRITE_LOCK = threading.RLock()  # also taken by local.ttl while it purges
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")


def make_writes_atomic() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_atomic", False):
            continue

        @functools.wraps(original)
        def atomic(self, *args, __original=original, **kwargs):
            with WRITE_LOCK:
                return __original(self, *args, **kwargs)

        atomic._atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, atomic)
