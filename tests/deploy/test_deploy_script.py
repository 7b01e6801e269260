"""infra/deploy.py runs the documented steps in order; --dry-run touches nothing."""
from __future__ import annotations

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
    assert not any("token_urlsafe" in step or "--value file://" not in step for step in steps if "put-parameter" in step)
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
