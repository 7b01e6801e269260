"""infra/deploy.py runs the documented steps in order; --dry-run touches nothing."""

from __future__ import annotations

import json
import shlex

import pytest

from infra import deploy

from .conftest import ROOT


def commands(capsys, *argv: str) -> list[str]:
    assert deploy.main(list(argv)) == 0
    return [line[2:] for line in capsys.readouterr().out.splitlines() if line.startswith("$ ")]


def test_all_creates_the_secret_then_infra_then_functions_then_publishes_the_page(capsys):
    config_before = (ROOT / ".chalice" / "config.json").read_text()
    steps = commands(capsys, "all", "--stage", "prod", "--dry-run")
    order = [
        "aws ssm put-parameter --name /gruppechat/prod/token-secret --type SecureString",
        "aws cloudformation deploy --template-file infra/template.yaml --stack-name gruppechat-prod-infra",
        "PIP_NO_DEPS=1 ",
        "aws s3 sync web/",
        "aws cloudfront create-invalidation",
    ]
    positions = [next(i for i, step in enumerate(steps) if want in step) for want in order]
    assert positions == sorted(positions), steps
    assert any(step.endswith("chalice deploy --stage prod") for step in steps)
    assert not any(
        "token_urlsafe" in step or "--value file://" not in step for step in steps if "put-parameter" in step
    )
    assert (ROOT / ".chalice" / "config.json").read_text() == config_before


def test_teardown_needs_yes_and_unprotects_prod_tables_before_deleting_the_stack(capsys):
    with pytest.raises(SystemExit):
        deploy.main(["teardown", "--stage", "prod"])
    capsys.readouterr()
    steps = commands(capsys, "teardown", "--stage", "prod", "--dry-run")
    unprotect = [i for i, step in enumerate(steps) if "--no-deletion-protection-enabled" in step]
    delete_stack = next(i for i, step in enumerate(steps) if "delete-stack" in step)
    assert unprotect and max(unprotect) < delete_stack
    assert steps[0].endswith("chalice delete --stage prod")
    assert steps[-1] == "aws ssm delete-parameter --name /gruppechat/prod/token-secret"


# --- API Gateway throttling -------------------------------------------------------------------------


def test_the_deploy_sets_rest_and_websocket_throttling_after_the_functions(capsys):
    from infra import throttling

    steps = commands(capsys, "all", "--stage", "prod", "--dry-run")
    deploy_at = next(i for i, step in enumerate(steps) if step.endswith("chalice deploy --stage prod"))
    rest = [i for i, step in enumerate(steps) if step.startswith("aws apigateway update-stage")]
    websocket = [i for i, step in enumerate(steps) if step.startswith("aws apigatewayv2 update-stage")]
    assert len(rest) == len(websocket) == 1 and deploy_at < rest[0] and deploy_at < websocket[0]
    rest_step, websocket_step = steps[rest[0]], steps[websocket[0]]
    assert "--stage-name prod" in rest_step and "--stage-name prod" in websocket_step
    # The moderation default, and a sign-up limit of its own, far below it.
    assert "path=/*/*/throttling/rateLimit,value=50" in rest_step
    assert "path=/~1participants/POST/throttling/rateLimit,value=2" in rest_step
    assert "path=/~1participants/POST/throttling/burstLimit,value=3" in rest_step
    assert "path=/~1mentors~1login/POST/throttling/rateLimit,value=2" in rest_step
    route_settings = json.loads(shlex.split(websocket_step)[shlex.split(websocket_step).index("--route-settings") + 1])
    assert set(route_settings) == {"$connect", "$disconnect", "$default"}
    assert route_settings["$connect"] == {"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 25}
    assert throttling.PUBLIC[("POST", "/participants")].rate < throttling.MODERATION.rate
    # `functions` alone sets them too: a redeploy never leaves the figures behind.
    assert any(
        "apigateway update-stage" in step for step in commands(capsys, "functions", "--stage", "dev", "--dry-run")
    )


def test_every_route_without_the_mentor_authorizer_has_a_limit_of_its_own():
    import app as lambda_app
    from infra import throttling

    public = {
        (method, path)
        for path, methods in lambda_app.app.routes.items()
        for method, entry in methods.items()
        if entry.authorizer is None or entry.authorizer.name != "mentor_auth"
    }
    assert public == set(throttling.PUBLIC), "a new public route needs its own limit in infra/throttling.py"


def test_public_traffic_bursting_at_once_leaves_room_for_moderation():
    """The concurrency arithmetic of docs/abuse.md, against the reservations in .chalice/config.json."""
    from infra import throttling

    from .conftest import stage_config

    reserved = {
        name: settings.get("reserved_concurrency")
        for name, settings in stage_config("prod")["lambda_functions"].items()
    }
    figures = throttling.concurrency()
    print(
        f"\n[figures] REST: public steady {figures['public_steady']} executions, every public burst at once "
        f"{figures['public_worst']}, + {throttling.MODERATION_RESERVE} kept for moderation = {figures['needed']} "
        f"<= reserved {reserved['api_handler']}"
    )
    assert figures["needed"] <= reserved["api_handler"]
    for route, function in (
        ("$connect", "websocket_connect"),
        ("$disconnect", "websocket_disconnect"),
        ("$default", "websocket_message"),
    ):
        assert throttling.WEBSOCKET[route].burst <= reserved[function], route
