"""Write the least-privilege IAM policy of each Chalice stage (``.chalice/policy-<stage>.json``).

The policy names exactly the tables and indexes of ``chalicelib.storage.ALL_MODELS``, the
DynamoDB actions the code calls, the two SSM parameters (the token secret, the VAPID key), the
``@connections`` methods of this stage's WebSocket API, and the functions' own log streams.
Chalice reads the file as it is (no CloudFormation substitution), so the ARNs are literal.

    .venv/bin/python -m infra.policy                      # rewrite both files
    .venv/bin/python -m infra.policy --region eu-west-1   # another region
    .venv/bin/python -m infra.policy --account 123456789012   # pin the account too

The account defaults to ``*``: the policy is committed before anyone knows the account, and a
wildcard account grants nothing outside it here (see docs/deploy.md, "Least privilege").
``tests/deploy/test_policy.py`` fails when a model, an index or a DynamoDB call is added and
this file has not been re-run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "gruppechat"
STAGES = ("dev", "prod")
DEFAULT_REGION = "eu-north-1"

# The DynamoDB actions the Lambda code calls (chalicelib/storage/), and why. PynamoDB 6
# builds its table metadata from the model class, so it never calls DescribeTable on a
# get/put/update/delete/query (tests/deploy/test_policy.py proves it under moto).
# TransactWriteItems is authorised per item: a transaction's Put needs PutItem on that table.
DYNAMODB_ACTIONS = (
    "dynamodb:GetItem",  # Model.get: participant log-in, group, session, connection, receipt
    "dynamodb:BatchGetItem",  # Connection.batch_get: a round invites the teens in the order they came
    "dynamodb:PutItem",  # Model.save and TransactWrite.save: sign-up, connect, message + receipt
    "dynamodb:UpdateItem",  # Model.update: session transitions (open, warn, close)
    "dynamodb:DeleteItem",  # Model.delete: disconnect, gone connections
    "dynamodb:Query",  # Model.query / index.query: history, connections of a session, due sessions
    "dynamodb:BatchWriteItem",  # Message.batch_write: a deleted account takes its messages along
)
# The Management API methods the gateway uses: send (POST) and close (DELETE), never info (GET).
CONNECTION_METHODS = ("POST", "DELETE")


def token_secret_param(stage: str) -> str:
    return f"/{APP_NAME}/{stage}/token-secret"


def vapid_key_param(stage: str) -> str:
    """The reminders' VAPID private key (chalicelib.reminders.keys), a SecureString like the token secret."""
    return f"/{APP_NAME}/{stage}/vapid-private-key"


def table_prefix(stage: str) -> str:
    return f"{APP_NAME}-{stage}-"


def table_layout() -> dict[str, list[str]]:
    """Each table's name without the prefix, and its global secondary index names."""
    from chalicelib import storage
    from chalicelib.config import settings

    prefix = settings().table_prefix
    layout = {}
    for model in storage.ALL_MODELS:
        name = model.Meta.table_name
        assert name.startswith(prefix), f"{model.__name__}: {name!r} lacks prefix {prefix!r}"
        schema = model._get_schema()
        layout[name[len(prefix) :]] = sorted(
            index["index_name"] for index in schema.get("global_secondary_indexes", [])
        )
    return layout


def build(
    stage: str, region: str = DEFAULT_REGION, account: str = "*", layout: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    layout = table_layout() if layout is None else layout
    table_arn = f"arn:aws:dynamodb:{region}:{account}:table/{table_prefix(stage)}"
    tables = [f"{table_arn}{name}" for name in sorted(layout)]
    indexes = [f"{table_arn}{name}/index/{index}" for name in sorted(layout) for index in layout[name]]
    # Chalice names the REST handler "<app>-<stage>" and every other function "<app>-<stage>-<name>";
    # infra/template.yaml creates these log groups (with their retention), the code only writes.
    log_groups = f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{APP_NAME}-{stage}"
    statements: list[dict[str, Any]] = [
        {"Sid": "Tables", "Effect": "Allow", "Action": list(DYNAMODB_ACTIONS), "Resource": tables},
    ]
    if indexes:
        statements.append({"Sid": "Indexes", "Effect": "Allow", "Action": ["dynamodb:Query"], "Resource": indexes})
    statements += [
        {
            "Sid": "WebSocketConnections",
            "Effect": "Allow",
            "Action": ["execute-api:ManageConnections"],
            # The API id does not exist before the first deploy: any API of this account and
            # region, but only its stage named after this Chalice stage.
            "Resource": [
                f"arn:aws:execute-api:{region}:{account}:*/{stage}/{method}/@connections/*"
                for method in CONNECTION_METHODS
            ],
        },
        {
            "Sid": "Secrets",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter"],
            "Resource": [
                f"arn:aws:ssm:{region}:{account}:parameter{name}"
                for name in (token_secret_param(stage), vapid_key_param(stage))
            ],
        },
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{log_groups}:log-stream:*", f"{log_groups}-*:log-stream:*"],
        },
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def render(policy: dict[str, Any]) -> str:
    return json.dumps(policy, indent=2) + "\n"


def policy_path(stage: str) -> Path:
    return ROOT / ".chalice" / f"policy-{stage}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--account", default="*", help="12-digit account id (default: *)")
    parser.add_argument("--stage", action="append", choices=STAGES, help="default: every stage")
    args = parser.parse_args(argv)
    if args.account != "*" and not (args.account.isdigit() and len(args.account) == 12):
        parser.error("--account must be a 12-digit AWS account id")
    layout = table_layout()
    for stage in args.stage or STAGES:
        path = policy_path(stage)
        path.write_text(render(build(stage, args.region, args.account, layout)))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
