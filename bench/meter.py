"""Counts DynamoDB requests and the items they read, by wrapping botocore's API call."""
from __future__ import annotations

import os
from collections import Counter

import botocore.client


def use_embedded_store() -> None:
    """Fake credentials and bench tables; call before anything imports chalicelib."""
    os.environ.update(
        AWS_DEFAULT_REGION="eu-north-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
        TABLE_PREFIX="bench-", TOKEN_SECRET="bench-secret-only-for-measuring-0123",
    )
    os.environ.pop("DYNAMODB_ENDPOINT", None)


class Meter:
    """Counts DynamoDB calls and items read while ``active``."""

    def __init__(self) -> None:
        self.active = False
        self.calls: Counter[str] = Counter()
        self.items_read = 0
        original = botocore.client.BaseClient._make_api_call
        meter = self

        def counting(client, operation, params):
            response = original(client, operation, params)
            if meter.active and client.meta.service_model.service_name == "dynamodb":
                meter.calls[operation] += 1
                if operation in ("Query", "Scan"):
                    meter.items_read += response.get("ScannedCount", response.get("Count", 0))
                elif operation == "GetItem":
                    meter.items_read += 1 if "Item" in response else 0
                elif operation == "BatchGetItem":
                    meter.items_read += sum(len(v) for v in response.get("Responses", {}).values())
            return response

        botocore.client.BaseClient._make_api_call = counting
