"""The bench prices DynamoDB requests by DynamoDB's rules; wrong rules would mislead the cost figures."""

from __future__ import annotations

from types import SimpleNamespace

from bench.meter import index_write_units, item_size, read_units, write_units

BY_SESSION_ALL = SimpleNamespace(
    schema_key_attrs=["session_id", "connection_id"],
    table_key_attrs=["connection_id"],
    projection={"ProjectionType": "ALL"},
)
BY_AUTHOR_KEYS = SimpleNamespace(
    schema_key_attrs=["author_id", "message_id"],
    table_key_attrs=["session_id", "message_id"],
    projection={"ProjectionType": "KEYS_ONLY"},
)


def connection(**extra: dict) -> dict:
    return {"connection_id": {"S": "c1"}, "session_id": {"S": "s1"}, "user_id": {"S": "u1"}, **extra}


def test_item_size_counts_names_and_values_as_dynamodb_does():
    item = {"pk": {"S": "abc"}, "n": {"N": "12345"}, "flag": {"BOOL": True}, "æ": {"S": "ø"}}
    # "pk"+"abc" = 5; "n" + 5 digits (3 bytes + 1) = 5; "flag" + 1 = 5; two 2-byte UTF-8 characters = 4
    assert item_size(item) == 19
    assert item_size({"l": {"L": [{"S": "ab"}, {"N": "7"}]}}) == 1 + 3 + (1 + 2) + (1 + 2)


def test_writes_are_priced_per_started_kilobyte_and_reads_per_four():
    assert [write_units(size) for size in (0, 1, 1024, 1025, 3000)] == [1, 1, 1, 2, 3]
    assert read_units(5000, consistent=True) == 2
    assert read_units(5000, consistent=False) == 1
    assert read_units(0, consistent=False) == 0.5


def test_an_all_projected_index_pays_when_any_attribute_changes():
    before = connection(flood={"S": '{"tokens": 4}'})
    after = connection(flood={"S": '{"tokens": 3}'})
    assert index_write_units(BY_SESSION_ALL, before, after) == 1
    assert index_write_units(BY_SESSION_ALL, after, after) == 0


def test_an_index_pays_for_entries_added_moved_and_removed_but_not_for_items_it_does_not_hold():
    outside = {"connection_id": {"S": "c1"}, "user_id": {"S": "u1"}}  # no session: sparse, not indexed
    assert index_write_units(BY_SESSION_ALL, outside, connection()) == 1  # added
    assert index_write_units(BY_SESSION_ALL, connection(), outside) == 1  # removed
    moved = connection(session_id={"S": "s2"})
    assert index_write_units(BY_SESSION_ALL, connection(), moved) == 2  # key changed: delete and put
    assert index_write_units(BY_SESSION_ALL, outside, outside) == 0


def test_a_keys_only_index_ignores_changes_to_other_attributes():
    message = {"session_id": {"S": "s1"}, "message_id": {"S": "m1"}, "author_id": {"S": "u1"}, "text": {"S": "hej"}}
    edited = {**message, "state": {"S": "removed"}}
    assert index_write_units(BY_AUTHOR_KEYS, None, message) == 1
    assert index_write_units(BY_AUTHOR_KEYS, message, edited) == 0
