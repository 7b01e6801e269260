"""Counts DynamoDB requests and the items they read, by wrapping botocore's API call."""
from __future__ import annotations

from collections import Counter

import botocore.client


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
