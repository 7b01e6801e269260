"""``make run``: the whole of Gruppechat on one machine, with no AWS account.

* an embedded DynamoDB (moto's server on a loopback port), restored from and saved to a
  snapshot file so data survives a restart (see :mod:`local.snapshot`);
* the local gateway (:mod:`local.gateway`) on one port: WebSocket ``/ws``, REST ``/api``,
  the Management API ``/@connections``, and the static frontend from ``web/``;
* the scheduled function, invoked every minute with a scheduled event, and beside it the purge
  of expired items (:mod:`local.ttl`: moto never expires TTL);
* demo data (:mod:`local.seed`), and the URL to open, printed.

Options make the gateway misbehave the way API Gateway can (failing or slow ``@connections``
posts, lost ``$disconnect`` events, short connection lifetimes): see ``docs/local.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import socket
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_environment(data_dir: Path, dynamodb_port: int) -> None:
    """Point the app at the embedded store before anything imports it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    secret_file = data_dir / "token-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(32))
        secret_file.chmod(0o600)
    vapid_file = data_dir / "vapid-private-key"
    if not vapid_file.exists():
        vapid_file.write_text(new_vapid_key())
        vapid_file.chmod(0o600)
    os.environ.update(
        {
            "VAPID_PRIVATE_KEY": vapid_file.read_text().strip(),
            "AWS_DEFAULT_REGION": "eu-north-1",
            "AWS_REGION": "eu-north-1",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "DYNAMODB_ENDPOINT": f"http://127.0.0.1:{dynamodb_port}",
            "TABLE_PREFIX": "gruppechat-local-",
            "TOKEN_SECRET": secret_file.read_text().strip(),
        }
    )
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("TOKEN_SECRET_PARAM", None)
    os.environ.pop("VAPID_PRIVATE_KEY_PARAM", None)


def new_vapid_key() -> str:
    """The reminders' VAPID key for this data folder (chalicelib is not imported yet: its settings
    are read once, and the environment above is not complete)."""
    import base64

    from ecdsa import NIST256p, SigningKey

    return base64.urlsafe_b64encode(SigningKey.generate(curve=NIST256p).to_string()).rstrip(b"=").decode()


def scheduled_event(now: datetime, name: str) -> dict:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "eu-north-1",
        "resources": [f"arn:aws:events:eu-north-1:000000000000:rule/{name}"],
        "detail": {},
    }


async def run_scheduled(app, gateway) -> None:
    """Invoke every ``@app.schedule`` function once, with the event EventBridge would send."""
    from chalice.app import ScheduledEventConfig

    from local.gateway import LambdaContext

    loop = asyncio.get_running_loop()
    for source in app.event_sources:
        if not isinstance(source, ScheduledEventConfig):
            continue
        event = scheduled_event(datetime.now(UTC), source.name)
        try:
            await loop.run_in_executor(gateway.pool, app.handler_map[source.name], event, LambdaContext(source.name))
        except Exception:
            logging.getLogger("gruppechat.local").exception("scheduled %s failed", source.name)


async def scheduler(app, gateway, snapshot_fn, interval: float) -> None:
    """Every ``interval`` seconds, like EventBridge; then save the snapshot."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(interval)
        await run_scheduled(app, gateway)
        await loop.run_in_executor(gateway.pool, snapshot_fn)


async def purge(gateway) -> dict[str, int]:
    """Delete expired items now (in a worker thread: it walks whole tables)."""
    from local.ttl import purge_expired

    purged = await asyncio.get_running_loop().run_in_executor(gateway.pool, purge_expired)
    if purged:
        logging.getLogger("gruppechat.local").info("purged expired items: %s", purged)
    return purged


async def tidy(interval: float) -> None:
    """Every ``interval`` seconds: collect cyclic garbage and give freed memory back (local.memory)."""
    from local.memory import collect

    log = logging.getLogger("gruppechat.local")
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(interval)
        started = time.perf_counter()
        found = await loop.run_in_executor(None, collect)
        log.debug("collected %d objects in %.0f ms", found, (time.perf_counter() - started) * 1000)


async def purger(gateway, interval: float) -> None:
    """Every ``interval`` seconds, what DynamoDB's TTL does in the background."""
    while True:
        await asyncio.sleep(interval)
        try:
            await purge(gateway)
        except Exception:
            logging.getLogger("gruppechat.local").exception("purging expired items failed")


async def serve(args: argparse.Namespace) -> None:  # noqa: PLR0915 - the whole stack, start to end, in order
    from aiohttp import web
    from moto.server import ThreadedMotoServer

    data_dir = Path(args.data_dir)
    dynamodb_port = free_port()
    prepare_environment(data_dir, dynamodb_port)
    # A mentor's presence (chalicelib.chat.presence): tests shorten both to seconds.
    os.environ["MENTOR_GRACE_SECONDS"] = str(args.mentor_grace_seconds)
    os.environ["MENTOR_STALE_SECONDS"] = str(args.mentor_stale_seconds)
    from local.memory import limit_arenas, settle_startup
    from local.moto_atomic import make_writes_atomic

    limit_arenas()  # before any thread starts: see local.memory
    make_writes_atomic()  # conditional writes must race like DynamoDB's, not like moto's
    from local.moto_memory import forget_dynamodb_instances, roll_back_items_not_tables

    forget_dynamodb_instances()  # moto would keep every item it ever saw (see local.moto_memory)
    roll_back_items_not_tables()  # and copy whole tables for every transaction
    store = ThreadedMotoServer(ip_address="127.0.0.1", port=dynamodb_port, verbose=False)
    store.start()
    # Ops tooling (tools/bootstrap.py --local) finds the running store here.
    (data_dir / "dynamodb-endpoint").write_text(os.environ["DYNAMODB_ENDPOINT"])

    import app as lambda_app
    from local import seed, snapshot

    snapshot_file = data_dir / "store.json"
    if args.persist:
        restored = snapshot.restore(snapshot_file)
        if restored:
            print(f"Restored {restored} items from {snapshot_file}", flush=True)
    from chalicelib import storage

    storage.create_tables()
    demo = seed.seed_demo(datetime.now(UTC), timedelta(seconds=args.demo_session_seconds))

    from local.faults import DisconnectLoss, PostFaults
    from local.gateway import Limits, LocalGateway

    port = args.port or free_port()
    baseline = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
    limits = Limits(
        idle_timeout_s=args.idle_seconds, max_lifetime_s=args.max_connection_seconds, max_body_bytes=args.max_body_bytes
    )
    post_faults = PostFaults.parse(args.post_faults, args.post_delay_ms, args.fault_seed)
    disconnect_loss = DisconnectLoss(args.skip_disconnect, args.fault_seed)
    gateway = LocalGateway(
        lambda_app.app, ROOT / "web", limits=limits, post_faults=post_faults, disconnect_loss=disconnect_loss
    )
    gateway.port = port
    # Replies go to this gateway's @connections over plain HTTP (chalicelib.delivery reads it).
    os.environ["CONNECTIONS_ENDPOINT"] = f"http://127.0.0.1:{port}"

    def save() -> None:
        if args.persist:
            from local.ttl import purge_expired

            purge_expired()  # what has expired is not worth a byte of the snapshot
            snapshot.save(snapshot_file)

    application = gateway.web_app()

    async def tick_now(request):
        """Local only: run the minute tick now (tests and impatient demos)."""
        await run_scheduled(lambda_app.app, gateway)
        return web.json_response({"ticked": True})

    async def purge_now(request):
        """Local only: delete expired items now, as DynamoDB's TTL eventually would."""
        return web.json_response({"purged": await purge(gateway)})

    async def memory(request):
        """Local only: resident memory, and with GRUPPECHAT_TRACEMALLOC=1 where Python's grew most."""
        from local.process import rss_mb

        body: dict = {"rss_mb": round(rss_mb(os.getpid()), 1)}
        if request.query.get("collect"):
            from local.memory import collect

            body["collected"] = collect()
            body["rss_mb_after_collect"] = round(rss_mb(os.getpid()), 1)
        if tracemalloc.is_tracing():
            current, peak = tracemalloc.get_traced_memory()
            top = tracemalloc.take_snapshot().compare_to(baseline, "lineno")[: int(request.query.get("top", "15"))]
            body.update(
                traced_mb=round(current / 2**20, 1),
                traced_peak_mb=round(peak / 2**20, 1),
                grown=[str(stat) for stat in top],
            )
        return web.json_response(body)

    application.router.add_post("/_local/tick", tick_now)
    application.router.add_get("/_local/memory", memory)
    application.router.add_post("/_local/purge", purge_now)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()

    settle_startup()
    url = f"http://127.0.0.1:{port}/"
    print(f"Gruppechat is running: open {url}", flush=True)
    for line in demo:
        print(f"  {line}", flush=True)
    for line in misbehaviour(args):
        print(f"  {line}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    background = []
    if args.tick_seconds > 0:
        background.append(asyncio.create_task(scheduler(lambda_app.app, gateway, save, args.tick_seconds)))
    if args.purge_seconds > 0:
        background.append(asyncio.create_task(purger(gateway, args.purge_seconds)))
    if args.gc_seconds > 0:
        background.append(asyncio.create_task(tidy(args.gc_seconds)))
    await stop.wait()
    for task in background:
        task.cancel()
    await gateway.close_all()
    await runner.cleanup()
    save()
    store.stop()


def misbehaviour(args: argparse.Namespace) -> list[str]:
    """Say loudly when the gateway has been told to differ from API Gateway's defaults."""
    lines = []
    if args.post_faults:
        lines.append(
            f"Injecting @connections faults: {args.post_faults} (delay {args.post_delay_ms} ms, seed {args.fault_seed})"
        )
    if args.skip_disconnect:
        lines.append(f"Skipping $disconnect for {args.skip_disconnect:.0%} of closed sockets")
    if args.max_connection_seconds != 7200 or args.idle_seconds != 600:
        lines.append(f"Connections last at most {args.max_connection_seconds:g} s, {args.idle_seconds:g} s idle")
    return lines


def env_default(name: str, fallback: str | None) -> str | None:
    return os.environ.get(f"GRUPPECHAT_{name}", fallback)


def add_gateway_options(parser: argparse.ArgumentParser) -> None:
    """Ways to make the local gateway behave like API Gateway on a bad day (docs/local.md)."""
    group = parser.add_argument_group("API Gateway behaviour (each also from a GRUPPECHAT_… variable)")
    group.add_argument(
        "--post-faults",
        default=env_default("POST_FAULTS", None),
        metavar="KIND:SHARE,…",
        help="fail a share of @connections posts: 429 (LimitExceededException), 500, "
        "403 (ForbiddenException) or slow, e.g. 429:0.05,500:0.05 [POST_FAULTS]",
    )
    group.add_argument(
        "--post-delay-ms",
        type=int,
        default=int(env_default("POST_DELAY_MS", "1000")),
        help="how late a slow post answers, in ms [POST_DELAY_MS]",
    )
    seed = env_default("FAULT_SEED", None)
    group.add_argument(
        "--fault-seed",
        type=int,
        default=int(seed) if seed else None,
        help="seed for which posts fail and which $disconnects are skipped [FAULT_SEED]",
    )
    group.add_argument(
        "--skip-disconnect",
        type=float,
        nargs="?",
        const=1.0,
        default=float(env_default("SKIP_DISCONNECT", "0")),
        metavar="SHARE",
        help="close sockets without invoking $disconnect (all of them, or a share) [SKIP_DISCONNECT]",
    )
    group.add_argument(
        "--max-connection-seconds",
        type=float,
        default=float(env_default("MAX_CONNECTION_SECONDS", "7200")),
        help="a WebSocket's longest life, then close 1001 (API Gateway: 2 hours) [MAX_CONNECTION_SECONDS]",
    )
    group.add_argument(
        "--idle-seconds",
        type=float,
        default=float(env_default("IDLE_SECONDS", "600")),
        help="close 1001 after this long without a frame from the client (10 minutes) [IDLE_SECONDS]",
    )
    group.add_argument(
        "--max-body-bytes",
        type=int,
        default=int(env_default("MAX_BODY_BYTES", str(10 * 1024 * 1024))),
        help="REST bodies above this get 413 payload_too_large (API Gateway: 10 MB) [MAX_BODY_BYTES]",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Gruppechat locally.")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "8000")),
        help="port for the browser, WebSocket, REST and @connections (0 = any free port)",
    )
    parser.add_argument("--data-dir", default=str(ROOT / ".local"), help="where the snapshot and secret live")
    parser.add_argument(
        "--no-persist", dest="persist", action="store_false", help="start empty and keep nothing when stopped"
    )
    parser.add_argument(
        "--tick-seconds",
        type=float,
        default=60.0,
        help="how often the scheduled function runs (EventBridge: every minute); 0 = only on POST /_local/tick",
    )
    parser.add_argument(
        "--mentor-grace-seconds",
        type=int,
        default=int(os.environ.get("MENTOR_GRACE_SECONDS", "120")),
        help="how long a room stays open after its last mentor left",
    )
    parser.add_argument(
        "--mentor-stale-seconds",
        type=int,
        default=int(os.environ.get("MENTOR_STALE_SECONDS", "90")),
        help="a mentor's socket not seen (pinged) this long has vanished",
    )
    parser.add_argument(
        "--demo-session-seconds",
        type=float,
        default=3 * 3600,
        help="how long the seeded demo session stays open from now",
    )
    parser.add_argument(
        "--purge-seconds",
        type=float,
        default=60.0,
        help="how often expired items are deleted (moto never expires TTL); 0 = only on POST /_local/purge",
    )
    parser.add_argument(
        "--gc-seconds",
        type=float,
        default=30.0,
        help="how often garbage is collected and freed memory returned (0 = never)",
    )
    add_gateway_options(parser)
    args = parser.parse_args()
    if os.environ.get("GRUPPECHAT_TRACEMALLOC"):
        tracemalloc.start(int(os.environ["GRUPPECHAT_TRACEMALLOC"]))  # frames per traceback; slow
    if not 0 <= args.skip_disconnect <= 1:
        parser.error("--skip-disconnect takes a share between 0 and 1")
    from local.faults import PostFaults

    try:
        PostFaults.parse(args.post_faults, args.post_delay_ms, args.fault_seed)
    except ValueError as error:
        parser.error(f"--post-faults: {error}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    for noisy in ("werkzeug", "botocore", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
