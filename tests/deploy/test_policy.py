"""Least privilege: the policy files grant what the code calls, on exactly this stage's resources.

The actions the code needs are derived from the source with the fixed table below; a new kind
of call (say a ``batch_write``) fails ``test_policy_grants_exactly_the_actions_the_code_uses``
until infra/policy.py grants it and is re-run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from chalicelib import storage
from chalicelib.config import settings

from .conftest import ROOT, STAGES, lambda_functions, load_policy, stage_config

CHALICELIB = ROOT / "chalicelib"

# Calls in modules that import pynamodb (outside LOCAL_ONLY) → the IAM action each one needs.
# A TransactWrite is authorised per item: its save/update/delete/condition_check need the
# PutItem/UpdateItem/DeleteItem/ConditionCheckItem of that table, which the same rows catch.
# PynamoDB 6 never calls DescribeTable on item operations (proved below), only on exists()
# and create_table(), which run in tests and the local stack, never in Lambda.
DYNAMODB_CALLS = {
    r"\b(?:[A-Z]\w*|model)\.get\(": "dynamodb:GetItem",  # Model.get, and storage._get(model, ...)
    r"\.refresh\(": "dynamodb:GetItem",
    r"\bTransactGet\b": "dynamodb:GetItem",
    r"\.save\(": "dynamodb:PutItem",
    r"\.update\(": "dynamodb:UpdateItem",
    r"\.delete\(": "dynamodb:DeleteItem",
    r"\.query\(": "dynamodb:Query",
    r"\.count\(": "dynamodb:Query",
    r"\.condition_check\(": "dynamodb:ConditionCheckItem",
    r"\.batch_write\(": "dynamodb:BatchWriteItem",
    r"\.batch_get\(": "dynamodb:BatchGetItem",
    r"\.scan\(": "dynamodb:Scan",
    r"\b(?:model|[A-Z]\w*)\.exists\(|\.describe_table\(": "dynamodb:DescribeTable",
}
LOCAL_ONLY = {"create_tables"}  # storage functions that never run in Lambda
# Management API calls on Chalice's WebsocketAPI → the HTTP method in the execute-api ARN.
# The Management API operations chalicelib.delivery calls (by name) → their HTTP methods.
CONNECTION_CALLS = {"post_to_connection": "POST", "delete_connection": "DELETE", "get_connection": "GET"}
OTHER_ACTIONS = {
    r"\.get_parameter\(": "ssm:GetParameter",
    r"\.get_parameters\(": "ssm:GetParameters",
    r"\.get_secret_value\(": "secretsmanager:GetSecretValue",
}
LOG_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents"}  # the runtime writes the functions' logs

ACCOUNT = r"(\*|\d{12})"


def lambda_source(path: Path) -> str:
    """A module's source without the functions that only tests and the local stack call."""
    source = path.read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in LOCAL_ONLY:
            for index in range(node.lineno - 1, node.end_lineno):
                lines[index] = ""
    return "\n".join(lines)


def modules() -> list[Path]:
    return sorted(CHALICELIB.rglob("*.py"))


def code_actions() -> dict[str, set[str]]:
    """{action: modules that need it}, derived from the source with the tables above."""
    needed: dict[str, set[str]] = {}
    for path in modules():
        source = lambda_source(path)
        name = str(path.relative_to(ROOT))
        if re.search(r"^\s*(from|import) pynamodb", source, re.M):
            for pattern, action in DYNAMODB_CALLS.items():
                if re.search(pattern, source):
                    needed.setdefault(action, set()).add(name)
        for pattern, action in OTHER_ACTIONS.items():
            if re.search(pattern, source):
                needed.setdefault(action, set()).add(name)
        if connection_methods(path):
            needed.setdefault("execute-api:ManageConnections", set()).add(name)
    for action in LOG_ACTIONS:
        needed[action] = {"the Lambda runtime"}
    return needed


def connection_methods(path: Path) -> set[str]:
    """HTTP methods of the @connections operations a module names (``_call(recipient, "post_to_connection")``)."""
    methods = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and arg.value in CONNECTION_CALLS:
                    methods.add(CONNECTION_CALLS[arg.value])
    return methods


def statements(stage: str) -> list[dict]:
    return load_policy(stage)["Statement"]


def granted(stage: str) -> dict[str, set[str]]:
    """{action: resources}."""
    out: dict[str, set[str]] = {}
    for statement in statements(stage):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for action in actions:
            out.setdefault(action, set()).update(resources)
    return out


def table_names() -> dict[str, list[str]]:
    prefix = settings().table_prefix
    return {
        model.Meta.table_name[len(prefix) :]: [i["index_name"] for i in model._get_schema()["global_secondary_indexes"]]
        for model in storage.ALL_MODELS
    }


@pytest.mark.parametrize("stage", STAGES)
def test_no_wildcard_action_or_bare_wildcard_resource(stage):
    for statement in statements(stage):
        assert statement["Effect"] == "Allow"
        assert not {"NotAction", "NotResource", "NotPrincipal"} & set(statement), statement
        for action in statement["Action"]:
            assert "*" not in action and "?" not in action, f"wildcard action {action!r}"
        for resource in statement["Resource"]:
            assert resource != "*" and not resource.startswith("arn:*"), f"bare wildcard resource {resource!r}"


@pytest.mark.parametrize("stage", STAGES)
def test_policy_grants_exactly_the_actions_the_code_uses(stage):
    needed = code_actions()
    have = set(granted(stage))
    missing = {action: sorted(where) for action, where in needed.items() if action not in have}
    assert not missing, (
        f".chalice/policy-{stage}.json lacks {missing}: add them to infra/policy.py and run "
        "`.venv/bin/python -m infra.policy`"
    )
    extra = have - set(needed)
    assert not extra, f".chalice/policy-{stage}.json grants actions no code calls: {sorted(extra)}"


@pytest.mark.parametrize("stage", STAGES)
def test_dynamodb_actions_name_exactly_the_stage_tables_and_indexes(stage):
    prefix = stage_config(stage)["environment_variables"]["TABLE_PREFIX"]
    arn = rf"arn:aws:dynamodb:[a-z0-9-]+:{ACCOUNT}:table/"
    tables = {f"{prefix}{name}" for name in table_names()}
    indexes = {f"{prefix}{name}/index/{index}" for name, idx in table_names().items() for index in idx}
    for action, resources in granted(stage).items():
        if not action.startswith("dynamodb:"):
            continue
        names = set()
        for resource in resources:
            match = re.fullmatch(arn + r"([\w.-]+(?:/index/[\w.-]+)?)", resource)
            assert match, f"{action}: {resource!r} is not one named table or index"
            names.add(match.group(2))
        assert names - tables - indexes == set(), (
            f"{action}: grants on unknown tables {sorted(names - tables - indexes)}"
        )
        if action == "dynamodb:Query":
            wanted = tables | indexes
        else:
            wanted = tables
        assert wanted - names == set(), (
            f".chalice/policy-{stage}.json: {action} lacks {sorted(wanted - names)}; run `.venv/bin/python -m infra.sync`"
        )


@pytest.mark.parametrize("stage", STAGES)
def test_connections_are_managed_on_this_stage_only_with_the_methods_the_gateway_uses(stage):
    methods = set().union(*(connection_methods(path) for path in modules()))
    api_stage = stage_config(stage)["api_gateway_stage"]
    resources = granted(stage)["execute-api:ManageConnections"]
    seen = set()
    for resource in resources:
        match = re.fullmatch(
            rf"arn:aws:execute-api:[a-z0-9-]+:{ACCOUNT}:\*/([\w-]+)/([A-Z]+)/@connections/\*", resource
        )
        assert match, f"unexpected execute-api resource {resource!r}"
        assert match.group(2) == api_stage, resource
        seen.add(match.group(3))
    assert seen == methods, f"@connections methods granted {sorted(seen)}, used {sorted(methods)}"


@pytest.mark.parametrize("stage", STAGES)
def test_the_one_secret_parameter_and_the_functions_own_logs(stage):
    variables = stage_config(stage)["environment_variables"]
    # The token secret and the reminders' VAPID key: exactly the two parameters the stage names.
    params = sorted(variables[name] for name in ("TOKEN_SECRET_PARAM", "VAPID_PRIVATE_KEY_PARAM"))
    resources = sorted(granted(stage)["ssm:GetParameter"])
    assert len(resources) == len(params) == 2
    for param, resource in zip(params, resources, strict=True):
        assert re.fullmatch(rf"arn:aws:ssm:[a-z0-9-]+:{ACCOUNT}:parameter{re.escape(param)}", resource), resource
    log_groups = {f"/aws/lambda/{f.function_name}" for f in lambda_functions(stage).values()}
    patterns = [
        re.fullmatch(rf"arn:aws:logs:[a-z0-9-]+:{ACCOUNT}:log-group:(.+):log-stream:\*", r).group(2)
        for r in granted(stage)["logs:PutLogEvents"]
    ]
    for group in log_groups:
        assert any(re.fullmatch(re.escape(p).replace(r"\*", ".*"), group) for p in patterns), group
    for pattern in patterns:
        assert pattern.startswith(f"/aws/lambda/gruppechat-{stage}"), pattern


@pytest.mark.parametrize("stage", STAGES)
def test_policy_files_are_what_infra_policy_py_writes(stage):
    import importlib.util

    spec = importlib.util.spec_from_file_location("infra_policy", ROOT / "infra" / "policy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = load_policy(stage)
    region, account = re.match(
        r"arn:aws:dynamodb:([a-z0-9-]+):([^:]+):", committed["Statement"][0]["Resource"][0]
    ).groups()
    assert committed == module.build(stage, region, account), (
        f".chalice/policy-{stage}.json is stale: run `.venv/bin/python -m infra.sync`"
    )


def test_pynamodb_item_operations_need_no_describe_table(monkeypatch):
    """PynamoDB 6 takes table metadata from the model class, so DescribeTable is not granted."""
    import botocore.client
    from moto import mock_aws
    from pynamodb.transactions import TransactWrite

    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation, params):
        calls.append(operation)
        return original(self, operation, params)

    with mock_aws():
        storage.create_tables()
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
        for model in storage.ALL_MODELS:
            monkeypatch.setattr(model, "_connection", None)  # as in a fresh Lambda instance
            schema = model._get_schema()
            keys = {k["KeyType"]: k["AttributeName"] for k in schema["key_schema"]}
            hash_key, range_key = "x", ("y" if "RANGE" in keys else None)
            with pytest.raises(model.DoesNotExist):
                model.get(hash_key, range_key)
            list(model.query(hash_key))
            for index in schema["global_secondary_indexes"]:
                list(getattr(model, _index_attribute(model, index["index_name"])).query("x"))
            item = model(hash_key, range_key) if range_key else model(hash_key)
            item.delete()
            with TransactWrite(connection=storage._dynamo()) as transaction:
                transaction.delete(item)
    assert calls and "DescribeTable" not in calls, calls


def _index_attribute(model, index_name: str) -> str:
    from pynamodb.indexes import Index

    for name in dir(model):
        value = getattr(model, name, None)
        if isinstance(value, Index) and value.Meta.index_name == index_name:
            return name
    raise AssertionError(index_name)
