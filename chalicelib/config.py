"""Configuration read from the environment, once.

Chalice stages (``.chalice/config.json``) set these in AWS; the local stack sets them for the
embedded store. Nothing here talks to AWS at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    table_prefix: str
    dynamodb_endpoint: str | None
    region: str
    token_secret: str | None
    token_secret_param: str | None
    retention_days: int
    participant_token_hours: int
    allowed_origin: str
    # A mentor's presence: how long the room stays open after the last mentor left, and how long
    # a mentor's socket counts as there without a heartbeat (``$disconnect`` is best effort).
    mentor_grace_s: int
    mentor_stale_s: int
    # scrypt's cost as log2(N): 17 is OWASP's minimum; tests set a lighter one.
    password_log2_n: int = 17
    # An account nobody logs in to is deleted after this many months (an organisation may set its own).
    account_inactive_months: int = 12
    # How long an audit entry is kept: the organisation's record of what its mentors did.
    audit_retention_days: int = 365

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            table_prefix=env.get("TABLE_PREFIX", "gruppechat-dev-"),
            dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-north-1",
            token_secret=env.get("TOKEN_SECRET") or None,
            token_secret_param=env.get("TOKEN_SECRET_PARAM") or None,
            retention_days=int(env.get("RETENTION_DAYS", "30")),
            participant_token_hours=int(env.get("PARTICIPANT_TOKEN_HOURS", "12")),
            allowed_origin=env.get("ALLOWED_ORIGIN", "*"),
            mentor_grace_s=int(env.get("MENTOR_GRACE_SECONDS", "120")),
            mentor_stale_s=int(env.get("MENTOR_STALE_SECONDS", "90")),
            password_log2_n=int(env.get("PASSWORD_SCRYPT_LOG2_N", "17")),
            account_inactive_months=int(env.get("ACCOUNT_INACTIVE_MONTHS", "12")),
            audit_retention_days=int(env.get("AUDIT_RETENTION_DAYS", "365")),
        )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


MIN_SECRET_BYTES = 32  # HS256 keys shorter than the hash's 256 bits can be guessed offline from one token


@lru_cache(maxsize=1)
def token_secret() -> str:
    """The signing secret: from the environment locally, from SSM (SecureString) in AWS.

    Read lazily and cached per Lambda instance, so a cold start pays for it once. A secret shorter
    than 32 bytes is refused here, at its first use, rather than signing weak tokens for months.
    Recovery codes and one-way tags use keys derived from it (``chalicelib.accounts.tags``).
    """
    current = settings()
    if current.token_secret:
        return checked_secret(current.token_secret)
    if current.token_secret_param:
        import boto3

        ssm = boto3.client("ssm", region_name=current.region)
        value = ssm.get_parameter(Name=current.token_secret_param, WithDecryption=True)
        return checked_secret(str(value["Parameter"]["Value"]))
    raise RuntimeError("Set TOKEN_SECRET or TOKEN_SECRET_PARAM")


def checked_secret(secret: str) -> str:
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise RuntimeError(f"The token secret must be at least {MIN_SECRET_BYTES} bytes long")
    return secret
