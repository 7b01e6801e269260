"""No drift: infra/template.yaml defines exactly the tables, keys, indexes and TTL of the models.

When a model is added or changed in chalicelib/storage/, these tests name what infra/ lacks.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import storage
from chalicelib.config import settings

from .conftest import STAGES, lambda_functions, stage_config

TABLE = "AWS::DynamoDB::Table"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' wss: https:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'"
)


def resolve(value: Any, stage: str) -> Any:
    """Resolve the ``!Sub`` with ``${Stage}`` the template uses for names."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return value["Fn::Sub"].replace("${Stage}", stage)
    return value


def template_tables(template: dict) -> dict[str, tuple[str, dict]]:
    """{table name without prefix: (logical id, properties)}; names as for stage 'dev'."""
    tables = {}
    for logical, resource in template["Resources"].items():
        if resource["Type"] == TABLE:
            name = resolve(resource["Properties"]["TableName"], "dev")
            assert name.startswith("gruppechat-dev-"), f"{logical}: TableName must be gruppechat-${{Stage}}-<name>"
            tables[name[len("gruppechat-dev-") :]] = (logical, resource["Properties"])
    return tables


def model_name(model) -> str:
    return model.Meta.table_name[len(settings().table_prefix) :]


def keys(key_schema: list[dict]) -> dict[str, str]:
    return {k["KeyType"]: k["AttributeName"] for k in key_schema}


def model_tables() -> dict[str, Any]:
    return {model_name(model): model for model in storage.ALL_MODELS}


def test_every_model_has_a_table_and_every_table_a_model(template):
    in_code, in_infra = set(model_tables()), set(template_tables(template))
    missing = {f"{model_tables()[n].__name__} → table '{n}'" for n in in_code - in_infra}
    assert not missing, f"infra/template.yaml lacks a table for: {sorted(missing)} (run .venv/bin/python -m infra.sync)"
    assert not in_infra - in_code, f"infra/template.yaml has tables no model uses: {sorted(in_infra - in_code)}"


@pytest.mark.parametrize("model", storage.ALL_MODELS, ids=lambda m: m.__name__)
def test_table_matches_model(template, model):
    name = model_name(model)
    logical, props = template_tables(template).get(name, (None, None))
    assert props is not None, (
        f"infra/template.yaml: no table '{name}' for {model.__name__} (run .venv/bin/python -m infra.sync)"
    )
    where = f"infra/template.yaml {logical} ({model.__name__}; .venv/bin/python -m infra.sync rewrites it)"
    schema = model._get_schema()

    assert keys(props["KeySchema"]) == keys(schema["key_schema"]), f"{where}: KeySchema differs from the model"

    wanted_attributes = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
    attributes = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    assert attributes == wanted_attributes, f"{where}: AttributeDefinitions should be {wanted_attributes}"

    wanted_indexes = {
        index["index_name"]: (keys(index["key_schema"]), index["projection"])
        for index in schema["global_secondary_indexes"]
    }
    indexes = {
        index["IndexName"]: (keys(index["KeySchema"]), index["Projection"])
        for index in props.get("GlobalSecondaryIndexes", [])
    }
    for index_name, (index_keys, projection) in wanted_indexes.items():
        assert index_name in indexes, f"{where}: missing GSI '{index_name}' with keys {index_keys}, {projection}"
        assert indexes[index_name][0] == index_keys, f"{where}: GSI '{index_name}' keys should be {index_keys}"
        assert indexes[index_name][1] == projection, f"{where}: GSI '{index_name}' Projection should be {projection}"
    assert not set(indexes) - set(wanted_indexes), (
        f"{where}: GSIs no model declares: {set(indexes) - set(wanted_indexes)}"
    )
    assert not schema["local_secondary_indexes"] and "LocalSecondaryIndexes" not in props

    ttl = model._ttl_attribute()
    if ttl is None:
        assert "TimeToLiveSpecification" not in props, f"{where}: TTL set but the model has no TTLAttribute"
    else:
        assert props.get("TimeToLiveSpecification") == {"AttributeName": ttl.attr_name, "Enabled": True}, (
            f"{where}: needs TimeToLiveSpecification {{AttributeName: {ttl.attr_name}, Enabled: true}}"
        )


def test_tables_are_on_demand_recoverable_encrypted_and_protected_in_prod(template):
    for logical, props in template_tables(template).values():
        assert props["BillingMode"] == "PAY_PER_REQUEST", logical
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, logical
        assert props["SSESpecification"] == {"SSEEnabled": True}, logical
        assert props["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}, logical
    assert template["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}


@pytest.mark.parametrize("stage", STAGES)
def test_chalice_stage_points_at_these_tables_and_this_secret(template, stage):
    env = stage_config(stage)["environment_variables"]
    outputs = template["Outputs"]
    assert env["TABLE_PREFIX"] == resolve(outputs["TablePrefix"]["Value"], stage)
    assert env["TOKEN_SECRET_PARAM"] == resolve(outputs["TokenSecretParameter"]["Value"], stage)
    assert env["RETENTION_DAYS"] == "30"
    assert "ALLOWED_ORIGIN" in env


@pytest.mark.parametrize("stage", STAGES)
def test_every_lambda_function_has_a_log_group_with_retention(template, stage):
    groups = {
        resolve(r["Properties"]["LogGroupName"], stage): r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Logs::LogGroup"
    }
    wanted = {f"/aws/lambda/{f.function_name}" for f in lambda_functions(stage).values()}
    assert wanted - set(groups) == set(), (
        f"infra/template.yaml lacks log groups {sorted(wanted - set(groups))} (run .venv/bin/python -m infra.sync)"
    )
    assert set(groups) - wanted == set(), (
        f"infra/template.yaml has log groups of no function: {sorted(set(groups) - wanted)}"
    )
    for props in groups.values():
        assert props["RetentionInDays"] == {"Fn::If": ["IsProd", 30, 14]}


def test_site_is_private_https_only_and_sends_the_security_headers(template):
    resources = template["Resources"]
    bucket = resources["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    [read] = [
        s for s in resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"
    ]
    assert (
        read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        and "AWS:SourceArn" in read["Condition"]["StringEquals"]
    )
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    [origin] = config["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] in ("redirect-to-https", "https-only")
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SiteSecurityHeaders"}
    headers = resources["SiteSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["ContentSecurityPolicy"]["ContentSecurityPolicy"] == CSP
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert "Logging" not in config, "CloudFront access logs hold viewers' IP addresses"


# Tables that hold nothing about a person: an organisation's name and settings, a group's name,
# description, rules and schedule. Every other table holds personal data and must expire by TTL.
WITHOUT_PERSONAL_DATA = {"organisations", "groups"}


def test_every_table_holding_personal_data_expires_by_ttl_in_the_model_and_in_infra(template):
    assert set(model_tables()) >= WITHOUT_PERSONAL_DATA, "a table named here no longer exists"
    personal = {name: model for name, model in model_tables().items() if name not in WITHOUT_PERSONAL_DATA}
    assert {"participants", "messages", "reports", "audit", "sessions", "restrictions", "mentors"} <= set(personal)
    in_infra = template_tables(template)
    for name, model in sorted(personal.items()):
        ttl = model._ttl_attribute()
        assert ttl is not None, f"{model.__name__} holds personal data but has no TTLAttribute"
        _, props = in_infra[name]
        assert props.get("TimeToLiveSpecification") == {"AttributeName": ttl.attr_name, "Enabled": True}, (
            f"infra/template.yaml: table '{name}' holds personal data but does not expire by '{ttl.attr_name}'"
        )
