"""``make run``: the whole of Gruppechat on one machine, with no AWS account.

* an embedded DynamoDB (moto's server on a loopback port), restored from and saved to a
  snapshot file so data survives a restart (see :mod:`local.snapshot`);
* the local gateway (:mod:`local.gateway`) on one port: WebSocket ``/ws``, REST ``/api``,
  the Management API ``/@connections``, and the static frontend from ``web/``;
* the scheduled function, invoked every minute with a scheduled event;
* demo data (:mod:`local.seed`), and the URL to open, printed.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import socket
import sys
import uuid
from datetime import datetime, timedelta, timezone
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
    os.environ.update(
        {
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
        event = scheduled_event(datetime.now(timezone.utc), source.name)
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


async def serve(args: argparse.Namespace) -> None:
    from aiohttp import web
    from moto.server import ThreadedMotoServer

    data_dir = Path(args.data_dir)
    dynamodb_port = free_port()
    prepare_environment(data_dir, dynamodb_port)
    from local.moto_atomic import make_writes_atomic

    make_writes_atomic()  # conditional writes must race like DynamoDB's, not like moto's
    store = ThreadedMotoServer(ip_address="127.0.0.1", port=dynamodb_port, verbose=False)
    store.start()
    # Ops tooling (tools/bootstrap.py --local) finds the running store here.
    (data_dir / "dynamodb-endpoint").write_text(os.environ["DYNAMODB_ENDPOINT"])

    sys.path.insert(0, str(ROOT))
    from local import seed, snapshot
    import app as lambda_app

    snapshot_file = data_dir / "store.json"
    if args.persist:
        restored = snapshot.restore(snapshot_file)
        if restored:
            print(f"Restored {restored} items from {snapshot_file}", flush=True)
    from chalicelib import storage

    storage.create_tables()
    demo = seed.seed_demo(datetime.now(timezone.utc), timedelta(seconds=args.demo_session_seconds))

    from local.gateway import LocalGateway

    port = args.port or free_port()
    gateway = LocalGateway(lambda_app.app, ROOT / "web")
    gateway.port = port
    # Replies go to this gateway's @connections over plain HTTP (chalicelib.delivery reads it).
    os.environ["CONNECTIONS_ENDPOINT"] = f"http://127.0.0.1:{port}"

    def save() -> None:
        if args.persist:
            snapshot.save(snapshot_file)

    application = gateway.web_app()

    async def tick_now(request):
        """Local only: run the minute tick now (tests and impatient demos)."""
        await run_scheduled(lambda_app.app, gateway)
        return web.json_response({"ticked": True})

    application.router.add_post("/_local/tick", tick_now)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()

    url = f"http://127.0.0.1:{port}/"
    print(f"Gruppechat is running: open {url}", flush=True)
    for line in demo:
        print(f"  {line}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    ticker = None
    if args.tick_seconds > 0:
        ticker = asyncio.create_task(scheduler(lambda_app.app, gateway, save, args.tick_seconds))
    await stop.wait()
    if ticker:
        ticker.cancel()
    await gateway.close_all()
    await runner.cleanup()
    save()
    store.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Gruppechat locally.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")),
                        help="port for the browser, WebSocket, REST and @connections (0 = any free port)")
    parser.add_argument("--data-dir", default=str(ROOT / ".local"), help="where the snapshot and secret live")
    parser.add_argument("--no-persist", dest="persist", action="store_false",
                        help="start empty and keep nothing when stopped")
    parser.add_argument("--tick-seconds", type=float, default=60.0,
                        help="how often the scheduled function runs (EventBridge: every minute); "
                             "0 = only on POST /_local/tick")
    parser.add_argument("--demo-session-seconds", type=float, default=3 * 3600,
                        help="how long the seeded demo session stays open from now")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    for noisy in ("werkzeug", "botocore", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
