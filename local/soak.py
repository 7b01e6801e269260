"""Soak the local stack: a few teens chat in the demo group for minutes; watch its memory.

Starts ``python -m local.stack`` as ``make run`` does (snapshot on, the minute tick on), signs
up ``--clients`` teens, lets each send a message every ``--every`` seconds and read every frame,
and samples the stack's resident memory (RSS) every ``--sample`` seconds. It prints one line per
sample and a summary: a stack whose memory keeps climbing while the chat is steady leaks.

    .venv/bin/python -m local.soak --clients 5 --minutes 5
    .venv/bin/python -m local.soak --minutes 3 -- --purge-seconds 10   # options after -- go to the stack
    GRUPPECHAT_TRACEMALLOC=1 .venv/bin/python -m local.soak --minutes 3   # and where memory grew
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import requests
import websockets

from chalicelib.abuse.challenge import solve
from local import process

GROUP = "demo-torsdag"
MENTOR = ("mentor", "demo-mentor-1")  # the demo mentor: no group chats without an adult in the room
HEARTBEAT_S = 30  # as the mentor page pings; the tick forgets a mentor socket silent for 90 s


class Teen:
    def __init__(self, name: str, token: str) -> None:
        self.name = name
        self.token = token
        self.sent = 0
        self.received = 0
        self.errors: dict[str, int] = {}


async def chat(stack: process.RunningStack, teen: Teen, every: float, stop_at: float, offset: float) -> None:
    async with websockets.connect(f"{stack.ws}?token={teen.token}", max_size=None) as ws:
        await ws.send(json.dumps({"action": "join", "group_id": GROUP}))

        async def read() -> None:
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "message":
                    teen.received += 1
                elif frame.get("type") == "error":
                    teen.errors[frame.get("code", "?")] = teen.errors.get(frame.get("code", "?"), 0) + 1

        reader = asyncio.create_task(read())
        await asyncio.sleep(offset)
        while time.monotonic() < stop_at:
            teen.sent += 1
            text = f"{teen.name} siger hej for {teen.sent}. gang"
            await ws.send(json.dumps({"action": "send", "text": text, "client_id": f"{teen.name}-{teen.sent}"}))
            await asyncio.sleep(every)
        await asyncio.sleep(1.0)
        reader.cancel()


async def sample(
    stack: process.RunningStack,
    teens: list[Teen],
    every: float,
    stop_at: float,
    rows: list[tuple[float, float, int, int]],
) -> None:
    started = time.monotonic()
    while True:
        now = time.monotonic()
        row = (now - started, stack.rss_mb(), sum(t.sent for t in teens), sum(t.received for t in teens))
        rows.append(row)
        print(f"{row[0]:7.0f} s  RSS {row[1]:7.1f} MB  sent {row[2]:6d}  delivered {row[3]:7d}", flush=True)
        if now >= stop_at:
            return
        await asyncio.sleep(min(every, max(0.0, stop_at - now)))


async def mentor_in_room(stack: process.RunningStack, stop_at: float) -> None:
    """The demo mentor stays in the group for the whole run, pinging as the mentor page does."""
    login = requests.post(f"{stack.api}/mentors/login", json={"username": MENTOR[0], "password": MENTOR[1]}, timeout=30)
    login.raise_for_status()
    async with websockets.connect(f"{stack.ws}?token={login.json()['token']}", max_size=None) as ws:
        await ws.send(json.dumps({"action": "join", "group_id": GROUP}))

        async def drain() -> None:
            async for _ in ws:
                pass

        reader = asyncio.create_task(drain())
        while time.monotonic() < stop_at + 1.5:
            await asyncio.sleep(min(HEARTBEAT_S, max(0.1, stop_at + 1.5 - time.monotonic())))
            await ws.send(json.dumps({"action": "ping"}))
        reader.cancel()


def sign_up(stack: process.RunningStack, name: str) -> Teen:
    """A sign-up as the page makes it: a solved proof of work, from a device of its own."""
    challenge = solve(requests.get(f"{stack.api}/participants/challenge", timeout=30).json())
    response = requests.post(
        f"{stack.api}/participants",
        headers={"X-Test-Source": f"soak-{name}"},
        json={"pseudonym": name, "password": "soak-kode-123", "challenge": challenge},
        timeout=30,
    )
    response.raise_for_status()
    return Teen(name, response.json()["token"])


async def soak(
    stack: process.RunningStack, clients: int, minutes: float, every: float, sample_every: float
) -> list[tuple[float, float, int, int]]:
    teens = [sign_up(stack, f"Soak {i}") for i in range(clients)]
    stop_at = time.monotonic() + minutes * 60
    rows: list[tuple[float, float, int, int]] = []
    mentor = asyncio.create_task(mentor_in_room(stack, stop_at))
    await asyncio.sleep(1.0)  # in the room before the teens write
    await asyncio.gather(
        mentor,
        sample(stack, teens, sample_every, stop_at + 1.5, rows),
        *(chat(stack, teen, every, stop_at, i * every / clients) for i, teen in enumerate(teens)),
    )
    errors: dict[str, int] = {}
    for teen in teens:
        for code, count in teen.errors.items():
            errors[code] = errors.get(code, 0) + count
    if errors:
        print(f"error frames: {errors}")
    return rows


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    stack_options: list[str] = []
    if "--" in argv:
        stack_options = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between one teen's messages")
    parser.add_argument("--sample", type=float, default=15.0, help="seconds between memory samples")
    parser.add_argument("--data-dir", help="keep the stack's data here (default: a new temporary folder)")
    args = parser.parse_args(argv)

    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="gruppechat-soak-"))
    stack = process.start(data_dir, *stack_options)
    try:
        started = stack.rss_mb()
        rows = asyncio.run(soak(stack, args.clients, args.minutes, args.every, args.sample))
        # With GRUPPECHAT_TRACEMALLOC=N in the environment the stack says where Python's memory grew.
        grown = requests.get(f"{stack.url}_local/memory?top=20&collect=1", timeout=120).json()
        print(
            f"after a full garbage collection: RSS {grown['rss_mb_after_collect']:.0f} MB "
            f"({grown['collected']} objects collected)"
        )
        for line in grown.get("grown", []):
            print("  " + line)
        if "traced_mb" in grown:
            print(f"  traced by Python: {grown['traced_mb']} MB (peak {grown['traced_peak_mb']} MB)")
    finally:
        stack.stop()
    first_chat = next((r for r in rows if r[2] > 0), rows[0])
    last = rows[-1]
    minutes = max(1e-9, (last[0] - first_chat[0]) / 60)
    print(
        f"\nstack RSS at start {started:.0f} MB, when chat began {first_chat[1]:.0f} MB, at the end {last[1]:.0f} MB "
        f"(peak {max(r[1] for r in rows):.0f} MB); {(last[1] - first_chat[1]) / minutes:+.1f} MB/min over "
        f"{minutes:.1f} min; {last[2]} messages sent, {last[3]} delivered"
    )


if __name__ == "__main__":
    main()
