"""Keep the embedded moto's memory proportional to the data, not to the traffic it has seen.

Two things in moto 5 made ``make run`` grow from ~290 MB to 1.6 GB in 20 minutes of chat:

* **Every model instance is kept forever.** ``moto.core.common_models.BaseModel.__new__`` appends
  each new instance to its class's ``instances_tracked`` list, for the server's dashboard
  (``/moto-api/data.json``). A DynamoDB ``Item`` is a ``BaseModel``: each put, each update (moto
  deep-copies the old item) and each delete leaves an object behind that is never freed, and
  so does every ``Table``.
* **Every transaction deep-copies whole tables.** ``transact_write_items`` copies each table it
  touches so it can roll back. Our send is a transaction over the messages, receipts and
  connections tables: each message copied all three tables, and (with the first point) kept
  the copies. Memory grew with messages × table size, and so did the CPU a send took.

:func:`forget_dynamodb_instances` empties and disables those lists for the DynamoDB models (the
dashboard then lists none of them: nobody uses it here). :func:`roll_back_items_not_tables`
makes a transaction remember only the items it writes, and restore just those if it fails,
which is what DynamoDB's all-or-nothing promise needs. Both must run before the store serves
its first request; development tooling only.
"""

from __future__ import annotations

import copy
import functools
import types
from typing import Any


class _Forgetful(list):
    """A list that keeps nothing: ``instances_tracked`` for classes whose instances must be freed."""

    def append(self, item: Any) -> None:
        return None


def forget_dynamodb_instances() -> int:
    """Stop moto tracking DynamoDB model instances; returns how many it was holding."""
    import moto.dynamodb.models  # noqa: F401 - registers the DynamoDB model classes
    from moto.core.model_instances import model_data

    released = 0
    for model in model_data.get("dynamodb", {}).values():
        released += len(getattr(model, "instances_tracked", []))
        model.instances_tracked = _Forgetful()  # type: ignore[attr-defined]
    return released


def _same_table_not_a_copy(module_copy: types.ModuleType) -> types.SimpleNamespace:
    """``copy`` as moto's DynamoDB backend sees it: tables are no longer deep-copied."""
    from moto.dynamodb.models.table import Table

    def deepcopy(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Table):
            return value  # rolled back item by item instead, see roll_back_items_not_tables
        return module_copy.deepcopy(value, memo)

    return types.SimpleNamespace(deepcopy=deepcopy, copy=module_copy.copy)


def _key_of(backend: Any, operation: str, request: dict[str, Any]) -> tuple[Any, Any, Any] | None:
    """The table and key values one transaction step writes, or None if moto would refuse it."""
    try:
        table = backend.get_table(request["TableName"])
        if operation == "Put":
            attrs = request["Item"]
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs[table.range_key_attr]
        else:
            key = request["Key"]
        hash_value, range_value = backend.get_keys_value(table, key)
    except Exception:  # moto raises its own validation error when it gets there
        return None
    return table, hash_value, range_value


def _restore(table: Any, hash_value: Any, range_value: Any, before: Any) -> None:
    if range_value is None:
        if before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before
        return
    items = table.items[hash_value]
    if before is None:
        items.pop(range_value, None)
        if not items:
            table.items.pop(hash_value, None)
    else:
        items[range_value] = before


def roll_back_items_not_tables() -> None:
    """Make ``transact_write_items`` save and restore the items it writes, not whole tables."""
    import moto.dynamodb.models as backend_module
    from moto.dynamodb.models import DynamoDBBackend

    from local.moto_atomic import WRITE_LOCK

    if getattr(DynamoDBBackend.transact_write_items, "_item_rollback", False):
        return
    backend_module.copy = _same_table_not_a_copy(copy)  # type: ignore[assignment]
    original = DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with WRITE_LOCK:  # nothing else writes between saving the items and restoring them
            saved = []
            for step in transact_items:
                for operation, request in step.items():
                    found = _key_of(self, operation, request)
                    if found is not None:
                        table, hash_value, range_value = found
                        saved.append(
                            (table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value)))
                        )
            try:
                return original(self, transact_items)
            except Exception:
                for table, hash_value, range_value, before in reversed(saved):
                    _restore(table, hash_value, range_value, before)
                raise

    transact_write_items._item_rollback = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
