"""Create the first organisation and its admin, against whatever DynamoDB the configuration names.

For ops, run once per organisation; everything after that happens in the admin view.

    # the local stack (while `make run` is running)
    .venv/bin/python -m tools.bootstrap --local --org-id ungdomshuset --org-name "Ungdomshuset" \
        --admin anna --admin-name "Anna"
    # AWS: the stage's table prefix and your AWS credentials/region
    TABLE_PREFIX=gruppechat-prod- AWS_REGION=eu-north-1 .venv/bin/python -m tools.bootstrap \
        --org-id ungdomshuset --org-name "Ungdomshuset" --admin anna --admin-name "Anna"

The password is read from BOOTSTRAP_PASSWORD or asked for without echo; it is never printed.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--org-id", required=True, help="short id, a-z 0-9 and -")
    parser.add_argument("--org-name", required=True)
    parser.add_argument("--admin", required=True, help="the admin's username")
    parser.add_argument("--admin-name", required=True, help="the name shown in chat")
    parser.add_argument("--retention-days", type=int, default=30)
    parser.add_argument("--local", action="store_true", help="use the running local stack's store")
    parser.add_argument("--data-dir", default=str(ROOT / ".local"), help="the local stack's data folder")
    args = parser.parse_args(argv)

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,40}", args.org_id):
        parser.error("--org-id: 2-41 characters, a-z 0-9 and -")
    if args.local:
        endpoint_file = Path(args.data_dir) / "dynamodb-endpoint"
        if not endpoint_file.exists():
            parser.error("the local stack is not running (start it with `make run`)")
        os.environ.update(
            DYNAMODB_ENDPOINT=endpoint_file.read_text().strip(),
            TABLE_PREFIX="gruppechat-local-",
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",
            AWS_DEFAULT_REGION="eu-north-1",
            TOKEN_SECRET="unused-by-bootstrap",
        )
    password = os.environ.get("BOOTSTRAP_PASSWORD") or getpass.getpass("Admin password (10+ characters): ")
    from chalicelib import storage
    from chalicelib.accounts import mentors
    from chalicelib.errors import ChatError

    now = datetime.now(UTC)
    if storage.get_organisation(args.org_id) is None:
        storage.Organisation(args.org_id, name=args.org_name, retention_days=args.retention_days).save()
        print(f"Created organisation {args.org_id}")
    else:
        print(f"Organisation {args.org_id} exists; keeping it")
    try:
        mentors.create(args.org_id, args.admin, args.admin_name, password, "admin", now)
    except ChatError as error:
        print(f"Admin not created: {error.message} ({error.code})", file=sys.stderr)
        return 1
    print(f"Created admin {args.admin} in {args.org_id}; log in at the mentor view")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
