"""Bring infra/ and the policies in step with the code after a model or a function changed.

tests/deploy fails, naming what is missing, when a PynamoDB model, an index, a TTL attribute or
a Lambda function has no counterpart in infra/template.yaml or .chalice/policy-*.json. Then:

    .venv/bin/python -m infra.sync            # rewrite the table and log-group blocks, the policies
    .venv/bin/python -m infra.sync --print    # only print the table blocks

Blocks are replaced in place (one per model, ``<Name>Table``; one log group per function), new
ones are added, outputs for new tables are added. Tables or log groups whose model or function
is gone are left for a person to remove (the test names them): deleting a table deletes data.
New Lambda functions also need a ``lambda_functions`` entry in .chalice/config.json.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "infra" / "template.yaml"


def models() -> dict[str, Any]:
    """{table name without prefix: model class}."""
    from chalicelib import storage
    from chalicelib.config import settings

    prefix = settings().table_prefix
    return {model.Meta.table_name[len(prefix) :]: model for model in storage.ALL_MODELS}


def logical_id(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]", name) if part) + "Table"


def _keys(key_schema: list[dict[str, str]], indent: str) -> list[str]:
    ordered = sorted(key_schema, key=lambda k: k["KeyType"] != "HASH")
    return [f"{indent}- {{AttributeName: {k['AttributeName']}, KeyType: {k['KeyType']}}}" for k in ordered]


def table_yaml(name: str, model: Any) -> str:
    schema = model._get_schema()
    lines = [
        f"  {logical_id(name)}:",
        "    Type: AWS::DynamoDB::Table",
        "    DeletionPolicy: Delete",
        "    UpdateReplacePolicy: Retain",
        "    Properties:",
        f"      TableName: !Sub gruppechat-${{Stage}}-{name}",
        "      BillingMode: PAY_PER_REQUEST",
        "      AttributeDefinitions:",
    ]
    hash_first = {k["AttributeName"]: k["KeyType"] != "HASH" for k in schema["key_schema"]}
    definitions = sorted(
        schema["attribute_definitions"],
        key=lambda a: (a["AttributeName"] not in hash_first, hash_first.get(a["AttributeName"], True)),
    )
    lines += [
        f"        - {{AttributeName: {a['AttributeName']}, AttributeType: {a['AttributeType']}}}" for a in definitions
    ]
    lines += ["      KeySchema:", *_keys(schema["key_schema"], "        ")]
    if schema["global_secondary_indexes"]:
        lines.append("      GlobalSecondaryIndexes:")
        for index in schema["global_secondary_indexes"]:
            lines += [
                f"        - IndexName: {index['index_name']}",
                "          KeySchema:",
                *_keys(index["key_schema"], "            "),
            ]
            projection = index["projection"]
            if projection["ProjectionType"] == "INCLUDE":
                lines += [
                    "          Projection:",
                    "            ProjectionType: INCLUDE",
                    f"            NonKeyAttributes: [{', '.join(projection['NonKeyAttributes'])}]",
                ]
            else:
                lines.append(f"          Projection: {{ProjectionType: {projection['ProjectionType']}}}")
    ttl = model._ttl_attribute()
    if ttl is not None:
        lines.append(f"      TimeToLiveSpecification: {{AttributeName: {ttl.attr_name}, Enabled: true}}")
    lines += [
        "      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}",
        "      SSESpecification: {SSEEnabled: true}",
        "      DeletionProtectionEnabled: !If [IsProd, true, false]",
    ]
    return "\n".join(lines) + "\n"


def function_names(stage: str = "dev") -> dict[str, str]:
    """{Chalice's python name of each Lambda function: its deployed name with ${Stage}}."""
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import models as chalice_models
    from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder

    config = CLIFactory(project_dir=str(ROOT)).create_config_obj(chalice_stage_name=stage)
    graph = ApplicationGraphBuilder().build(config, stage)
    return {
        resource.resource_name: resource.function_name.replace(f"-{stage}", "-${Stage}", 1)
        for resource in DependencyBuilder().build_dependencies(graph)
        if isinstance(resource, chalice_models.LambdaFunction)
    }


def log_group_yaml(python_name: str, function_name: str) -> str:
    logical = "".join(part.capitalize() for part in python_name.split("_")) + "Logs"
    return (
        f"  {logical}:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    DeletionPolicy: Delete\n"
        "    UpdateReplacePolicy: Delete\n"
        "    Properties:\n"
        f"      LogGroupName: !Sub /aws/lambda/{function_name}\n"
        "      RetentionInDays: !If [IsProd, 30, 14]\n"
    )


def upsert(text: str, block: str, before: str) -> str:
    """Replace the resource block with the same logical id, or insert it before ``before``."""
    logical = block.split(":", 1)[0].strip()
    existing = re.search(rf"^  {re.escape(logical)}:\n(?:    .*\n|\s*#.*\n)*?(?=\n|\Z)", text, re.M)
    if existing:
        return text[: existing.start()] + block + text[existing.end() :]
    return text.replace(before, block + "\n" + before, 1)


LOG_GROUPS_MARKER = "  # --- the static site:"
TABLES_MARKER = "  # --- log groups"
OUTPUTS_MARKER = "  TokenSecretParameter:\n"


def sync_template(text: str) -> str:
    for name, model in models().items():
        block = table_yaml(name, model)
        text = upsert(text, block, TABLES_MARKER)
        logical = logical_id(name)
        output = f"  {logical}Name:\n    Value: !Ref {logical}\n"
        if output not in text:
            text = text.replace(OUTPUTS_MARKER, output + OUTPUTS_MARKER, 1)
    for python_name, function_name in function_names().items():
        text = upsert(text, log_group_yaml(python_name, function_name), LOG_GROUPS_MARKER)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the table blocks, change nothing")
    args = parser.parse_args(argv)
    if args.print:
        for name, model in models().items():
            print(table_yaml(name, model))
        return 0
    before = TEMPLATE.read_text()
    after = sync_template(before)
    if after != before:
        TEMPLATE.write_text(after)
        print(f"updated {TEMPLATE.relative_to(ROOT)}")
    from infra import policy

    return policy.main([])


if __name__ == "__main__":
    raise SystemExit(main())
