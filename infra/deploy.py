"""Deploy Gruppechat to AWS, publish the web page, or tear it all down — the steps of docs/deploy.md.

    .venv/bin/python -m infra.deploy all --stage prod          # secret, infra, functions, web
    .venv/bin/python -m infra.deploy web --stage prod          # re-publish web/ only
    .venv/bin/python -m infra.deploy throttle --stage prod     # API Gateway throttling only
    .venv/bin/python -m infra.deploy teardown --stage dev --yes
    .venv/bin/python -m infra.deploy all --stage dev --dry-run # print the commands, run nothing

Each step is one ``aws`` or ``chalice`` command, printed before it runs, so the guide and this
script cannot disagree. It needs the AWS CLI (v2) and credentials for the target account, and
runs in the region of ``AWS_REGION``/``AWS_DEFAULT_REGION`` (the policies assume eu-north-1:
run ``infra/policy.py --region …`` first for another region).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

from chalicelib.limits import published  # noqa: E402
from infra import policy, throttling  # noqa: E402
from infra.bundle import BIN, SLIM_ENV  # noqa: E402

CONFIG = ROOT / ".chalice" / "config.json"
WEB = ROOT / "web"
# config.json and the page are re-read on every visit; the rest may be cached for five minutes.
NO_CACHE = ("index.html", "mentor.html", "config.json")


class Runner:
    """Runs (or, dry, only prints) commands; ``capture`` returns stdout."""

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run

    def __call__(
        self, *command: str, env: dict[str, str] | None = None, check: bool = True, capture: bool = False
    ) -> str:
        prefix = " ".join(f"{k}={v}" for k, v in (env or {}).items())
        print("$", (prefix + " " if prefix else "") + shlex.join(command), flush=True)
        if self.dry_run:
            return ""
        result = subprocess.run(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, check=check, text=True, capture_output=capture
        )
        return result.stdout if capture else ""


def stack_name(stage: str) -> str:
    return f"{policy.APP_NAME}-{stage}-infra"


def outputs(run: Runner, stage: str) -> dict[str, str]:
    if run.dry_run:
        return {
            "SiteBucketName": f"<SiteBucketName of {stack_name(stage)}>",
            "SiteDistributionId": "<SiteDistributionId>",
            "SiteUrl": "https://<SiteDomain>",
        }
    raw = run(
        "aws",
        "cloudformation",
        "describe-stacks",
        "--stack-name",
        stack_name(stage),
        "--query",
        "Stacks[0].Outputs",
        "--output",
        "json",
        capture=True,
    )
    return {item["OutputKey"]: item["OutputValue"] for item in json.loads(raw)}


def secret(run: Runner, stage: str) -> None:
    """Create the token secret and the reminders' VAPID key once (SecureStrings under the AWS
    managed key); never overwrite either: a new secret logs everyone out, a new VAPID key voids
    every reminder until each browser subscribes again."""
    from chalicelib.reminders.keys import new_private_key

    _put_secret_once(
        run, policy.token_secret_param(stage), lambda: secrets.token_urlsafe(48), "Gruppechat token signing secret"
    )
    _put_secret_once(run, policy.vapid_key_param(stage), new_private_key, "Gruppechat VAPID private key (reminders)")


def _put_secret_once(run: Runner, name: str, make: Callable[[], str], description: str) -> None:
    exists = run(
        "aws",
        "ssm",
        "describe-parameters",
        "--parameter-filters",
        f"Key=Name,Values={name}",
        "--query",
        "length(Parameters)",
        "--output",
        "text",
        capture=True,
    )
    if exists.strip() not in ("", "0"):
        print(f"  {name} exists: kept")
        return
    with tempfile.TemporaryDirectory() as folder:
        value_file = Path(folder) / "secret"
        value_file.touch(mode=0o600)
        value_file.write_text(make())  # never on a command line
        run(
            "aws",
            "ssm",
            "put-parameter",
            "--name",
            name,
            "--type",
            "SecureString",
            "--value",
            f"file://{value_file}",
            "--description",
            description,
        )


def infra(run: Runner, stage: str) -> None:
    run(
        "aws",
        "cloudformation",
        "deploy",
        "--template-file",
        "infra/template.yaml",
        "--stack-name",
        stack_name(stage),
        "--parameter-overrides",
        f"Stage={stage}",
        "--no-fail-on-empty-changeset",
    )


def allow_origin(stage: str, origin: str, dry_run: bool) -> None:
    """Put the site's URL into the stage's ALLOWED_ORIGIN (commit the change)."""
    config = json.loads(CONFIG.read_text())
    variables = config["stages"][stage]["environment_variables"]
    if variables.get("ALLOWED_ORIGIN") == origin:
        return
    print(f"  .chalice/config.json: {stage} ALLOWED_ORIGIN = {origin}")
    if not dry_run:
        variables["ALLOWED_ORIGIN"] = origin
        CONFIG.write_text(json.dumps(config, indent=2) + "\n")


def functions(run: Runner, stage: str) -> None:
    allow_origin(stage, outputs(run, stage)["SiteUrl"], run.dry_run)
    # Chalice caches the built dependencies by requirements.txt alone, not by PIP_NO_DEPS: drop
    # the cache so a copy built with botocore is never reused.
    run("rm", "-rf", ".chalice/deployments")
    run(str(BIN / "chalice"), "deploy", "--stage", stage, env=SLIM_ENV)


def deployed_ids(stage: str, dry_run: bool) -> dict[str, str]:
    """The REST and WebSocket API ids `chalice deploy` recorded."""
    path = ROOT / ".chalice" / "deployed" / f"{stage}.json"
    if dry_run and not path.exists():
        return {"rest_api_id": "<rest-api-id>", "websocket_api_id": "<websocket-api-id>"}
    resources = {r["name"]: r for r in json.loads(path.read_text())["resources"]}
    return {
        "rest_api_id": resources["rest_api"]["rest_api_id"],
        "websocket_api_id": resources["websocket_api"]["websocket_api_id"],
    }


def throttle(run: Runner, stage: str) -> None:
    """Stage and route throttling for both APIs (infra/throttling.py has the figures, docs/abuse.md why).

    Chalice creates the stages but sets no throttling; settings on a stage survive later deploys,
    and this step sets them again each time, so the figures in the repository are the ones in force.
    """
    ids = deployed_ids(stage, run.dry_run)
    run(
        "aws",
        "apigateway",
        "update-stage",
        "--rest-api-id",
        ids["rest_api_id"],
        "--stage-name",
        stage,
        "--patch-operations",
        *throttling.rest_patch_operations(),
        "--query",
        "methodSettings",
    )
    default = throttling.WEBSOCKET_DEFAULT
    run(
        "aws",
        "apigatewayv2",
        "update-stage",
        "--api-id",
        ids["websocket_api_id"],
        "--stage-name",
        stage,
        "--default-route-settings",
        f"ThrottlingRateLimit={default.rate},ThrottlingBurstLimit={default.burst}",
        "--route-settings",
        throttling.websocket_route_settings(),
        "--query",
        "RouteSettings",
    )


def deployed_urls(stage: str, dry_run: bool) -> dict[str, str]:
    """The REST and WebSocket URLs `chalice deploy` recorded, as the frontend's config.json."""
    path = ROOT / ".chalice" / "deployed" / f"{stage}.json"
    if dry_run and not path.exists():
        return {
            "apiUrl": "https://<rest-api-id>.execute-api.<region>.amazonaws.com/" + stage,
            "wsUrl": "wss://<websocket-api-id>.execute-api.<region>.amazonaws.com/" + stage,
            "stage": stage,
        }
    resources = {r["name"]: r for r in json.loads(path.read_text())["resources"]}
    return {
        "apiUrl": resources["rest_api"]["rest_api_url"].rstrip("/"),
        "wsUrl": resources["websocket_api"]["websocket_api_url"].rstrip("/"),
        "stage": stage,
    }


def web(run: Runner, stage: str) -> None:
    site = outputs(run, stage)
    bucket = f"s3://{site['SiteBucketName']}"
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.json"
        config.write_text(json.dumps({**deployed_urls(stage, run.dry_run), "limits": published()}) + "\n")
        print(f"  config.json: {config.read_text().strip()}")
        excludes = [arg for name in (*NO_CACHE, "*/config.json") for arg in ("--exclude", name)]
        run("aws", "s3", "sync", "web/", bucket, "--delete", *excludes, "--cache-control", "public, max-age=300")
        for name in NO_CACHE:
            source = config if name == "config.json" else WEB / name
            if source.exists() or run.dry_run:
                run("aws", "s3", "cp", str(source), f"{bucket}/{name}", "--cache-control", "no-cache")
        run(
            "aws", "cloudfront", "create-invalidation", "--distribution-id", site["SiteDistributionId"], "--paths", "/*"
        )
    print(f"\nOpen {site['SiteUrl']}")


def teardown(run: Runner, stage: str) -> None:
    site = outputs(run, stage)
    run(str(BIN / "chalice"), "delete", "--stage", stage)
    run("aws", "s3", "rm", f"s3://{site['SiteBucketName']}", "--recursive")
    if stage == "prod":  # deletion protection would stop the stack's deletion
        for name in sorted(policy.table_layout()):
            run(
                "aws",
                "dynamodb",
                "update-table",
                "--table-name",
                f"{policy.table_prefix(stage)}{name}",
                "--no-deletion-protection-enabled",
                "--query",
                "TableDescription.TableName",
            )
    run("aws", "cloudformation", "delete-stack", "--stack-name", stack_name(stage))
    run("aws", "cloudformation", "wait", "stack-delete-complete", "--stack-name", stack_name(stage))
    run("aws", "ssm", "delete-parameter", "--name", policy.vapid_key_param(stage))
    run("aws", "ssm", "delete-parameter", "--name", policy.token_secret_param(stage))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["all", "secret", "infra", "functions", "throttle", "web", "teardown"])
    parser.add_argument("--stage", choices=policy.STAGES, required=True)
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    parser.add_argument("--yes", action="store_true", help="teardown: really delete everything")
    args = parser.parse_args(argv)
    run = Runner(args.dry_run)
    steps: dict[str, Any] = {
        "secret": [secret],
        "infra": [infra],
        "functions": [functions, throttle],
        "throttle": [throttle],
        "web": [web],
        "all": [secret, infra, functions, throttle, web],
        "teardown": [teardown],
    }
    if args.step == "teardown" and not (args.yes or args.dry_run):
        parser.error(f"teardown deletes every table, message and account of {args.stage}: add --yes")
    for step in steps[args.step]:
        print(f"\n== {step.__name__} ({args.stage})")
        step(run, args.stage)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
