"""Load on the whole local stack: many rooms chatting at once, offered load stepped up.

Starts ``python -m local.stack`` on a free loopback port (or uses ``--url`` of one already
running, e.g. ``make run``), opens ``--rooms`` groups through the admin and mentor API, signs up
``--clients`` teens per room through the REST sign-up, puts the demo mentor in every room (no
group chats without an adult: one mentor socket per room, pinging as the mentor page does), connects
each teen over a real WebSocket and joins them. Then, for each step of offered load (messages per second across the platform, sent
open-loop: on schedule, whether or not the stack keeps up), teens take turns to send for
``--seconds``. Every other member of the sender's room should receive each message once.

Per step it reports the delivery latency (send to receipt, at every other member) p50 and p99,
deliveries lost (not received within ``--drain`` seconds of the step's end), duplicated, refused
(error frames to the sender), the stack's resident memory and its CPU use. The knee is the first
step whose p99 passes 250 ms. Stepping stops once the stack is saturated (deliveries lost or p99
over 5 s), since a backlog would spoil every later step.

    .venv/bin/python -m bench.load                                  # 50 rooms x 10, 1..40 msg/s
    .venv/bin/python -m bench.load --rooms 5 --clients 4 --steps 1,2 --seconds 5   # a quick look

Everything shares this machine's cores: moto, the gateway, the handlers and these clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websockets

from chalicelib.abuse.challenge import solve
from local import process

ROOT = Path(__file__).resolve().parents[1]

KNEE_MS = 250.0
SATURATED_P99_MS = 5000.0
ADMIN = ("admin", "demo-admin-1")  # the local stack's demo admin (local/seed.py)
MENTOR = ("mentor", "demo-mentor-1")  # the local stack's demo mentor, in every room
HEARTBEAT_S = 30  # as the mentor page: the minute tick forgets a mentor socket silent for 90 s
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def word(number: int) -> str:
    """A number written in letters: message texts with digit runs could look like phone numbers."""
    out = ""
    while True:
        number, rest = divmod(number, 26)
        out = LETTERS[rest] + out
        if number == 0:
            return out


@dataclass
class Member:
    index: int
    room: int
    token: str
    ws: object = None


@dataclass
class Ledger:
    """What was sent when, and who received what when."""

    sent: dict[str, tuple[float, int, int]] = field(default_factory=dict)  # client_id -> (t, room, sender)
    first_seen: dict[tuple[str, int], float] = field(default_factory=dict)  # (client_id, member) -> t
    duplicates: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    def received(self, client_id: str, member: int, at: float) -> None:
        if client_id not in self.sent:
            return
        key = (client_id, member)
        if key in self.first_seen:
            self.duplicates += 1
        else:
            self.first_seen[key] = at


@dataclass
class Step:
    rate: float
    sent: int
    expected: int
    latencies_ms: list[float]
    lost: int
    duplicated: int
    refused: int
    rss_mb: float
    cpu_percent: float | None

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


# --- set-up through the product's own API ---------------------------------------------------------------


def open_rooms(api: str, rooms: int) -> list[str]:
    login = requests.post(f"{api}/mentors/login", json={"username": ADMIN[0], "password": ADMIN[1]}, timeout=30)
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    group_ids = []
    for number in range(rooms):
        created = requests.post(
            f"{api}/admin/groups",
            headers=headers,
            timeout=30,
            json={
                "name": f"Belastning {word(number)}",
                "description": "bench/load.py",
                "capacity": 100,
                "duration_minutes": 600,
                "start_time": "00:00",
                "weekday": 0,
            },
        )
        created.raise_for_status()
        group_id = created.json()["id"]
        opened = requests.post(f"{api}/mentor/groups/{group_id}/open", headers=headers, timeout=30)
        opened.raise_for_status()
        group_ids.append(group_id)
    return group_ids


def sign_up(api: str, name: str) -> str:
    """A sign-up as the page makes it: a solved proof of work, from a device of its own (the
    test-only source header, honoured on loopback)."""
    challenge = solve(requests.get(f"{api}/participants/challenge", timeout=60).json())
    response = requests.post(
        f"{api}/participants",
        headers={"X-Test-Source": f"bench-{name}"},
        json={"pseudonym": name, "password": "belastning-123", "challenge": challenge},
        timeout=60,
    )
    response.raise_for_status()
    return str(response.json()["token"])


def mentor_token(api: str) -> str:
    login = requests.post(f"{api}/mentors/login", json={"username": MENTOR[0], "password": MENTOR[1]}, timeout=30)
    login.raise_for_status()
    return str(login.json()["token"])


async def mentors_in_rooms(ws_url: str, token: str, group_ids: list[str], tasks: list[asyncio.Task]) -> list[object]:
    """The demo mentor joins every room on a socket of its own, so the teens may write."""
    sockets = []
    for group_id in group_ids:
        ws = await websockets.connect(
            f"{ws_url}?token={token}",
            max_size=None,
            ping_interval=None,
            additional_headers={"X-Test-Source": "bench-mentor"},
        )
        await ws.send(json.dumps({"action": "join", "group_id": group_id}))
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "joined":
                break
            if frame.get("type") == "error":
                raise RuntimeError(f"the mentor's join was refused: {frame}")
        sockets.append(ws)
        tasks.append(asyncio.create_task(keep_mentor(ws)))
    return sockets


async def keep_mentor(ws) -> None:
    """Read (and drop) what the room sends the mentor; ping as the mentor page's heartbeat."""

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            await ws.send(json.dumps({"action": "ping"}))

    beating = asyncio.create_task(heartbeat())
    try:
        async for _ in ws:
            pass
    finally:
        beating.cancel()


async def connect_all(
    ws_url: str, members: list[Member], group_ids: list[str], ledger: Ledger, readers: list[asyncio.Task]
) -> None:
    gate = asyncio.Semaphore(10)

    async def one(member: Member) -> None:
        async with gate:
            member.ws = await websockets.connect(
                f"{ws_url}?token={member.token}",
                max_size=None,
                ping_interval=None,
                additional_headers={"X-Test-Source": f"bench-device-{member.index}"},
            )
            await member.ws.send(json.dumps({"action": "join", "group_id": group_ids[member.room]}))
            while True:
                frame = json.loads(await member.ws.recv())
                if frame.get("type") == "joined":
                    break
                if frame.get("type") == "error":
                    raise RuntimeError(f"join refused: {frame}")
        readers.append(asyncio.create_task(read(member, ledger)))

    await asyncio.gather(*(one(member) for member in members))


async def read(member: Member, ledger: Ledger) -> None:
    async for raw in member.ws:
        at = time.perf_counter()
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "message":
            client_id = frame["message"].get("client_id")
            if client_id:
                ledger.received(client_id, member.index, at)
        elif kind == "error":
            code = frame.get("code", "?")
            ledger.refused[code] = ledger.refused.get(code, 0) + 1


# --- measuring ---------------------------------------------------------------------------------------------


def stack_cpu_seconds(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stack_rss(url: str) -> float:
    try:
        return float(requests.get(f"{url}_local/memory", timeout=30).json()["rss_mb"])
    except (requests.RequestException, KeyError, ValueError):
        return float("nan")


async def run_step(
    number: int,
    rate: float,
    seconds: float,
    drain: float,
    members: list[Member],
    by_room: dict[int, list[Member]],
    ledger: Ledger,
    url: str,
    pid: int | None,
) -> Step:
    count = max(1, int(rate * seconds))
    cpu_before, wall_before = stack_cpu_seconds(pid), time.perf_counter()
    refused_before = sum(ledger.refused.values())
    client_ids = []
    started = time.perf_counter()
    for n in range(count):
        due = started + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sender = members[(number * 7919 + n) % len(members)]  # every teen in turn, rooms interleaved
        client_id = f"s{number}-{n}"
        ledger.sent[client_id] = (time.perf_counter(), sender.room, sender.index)
        client_ids.append(client_id)
        text = f"hej fra {word(number)} {word(n)}"
        await sender.ws.send(json.dumps({"action": "send", "text": text, "client_id": client_id}))

    def expected_pairs() -> list[tuple[str, int]]:
        pairs = []
        for client_id in client_ids:
            _, room, sender_index = ledger.sent[client_id]
            pairs.extend((client_id, m.index) for m in by_room[room] if m.index != sender_index)
        return pairs

    pairs = expected_pairs()
    deadline = time.perf_counter() + drain
    while time.perf_counter() < deadline and any(pair not in ledger.first_seen for pair in pairs):
        await asyncio.sleep(0.1)
    cpu_after, wall_after = stack_cpu_seconds(pid), time.perf_counter()
    latencies = [
        (ledger.first_seen[pair] - ledger.sent[pair[0]][0]) * 1000 for pair in pairs if pair in ledger.first_seen
    ]
    duplicated = ledger.duplicates
    ledger.duplicates = 0
    cpu = None
    if cpu_before is not None and cpu_after is not None:
        cpu = 100 * (cpu_after - cpu_before) / (wall_after - wall_before)
    return Step(
        rate,
        count,
        len(pairs),
        latencies,
        len(pairs) - len(latencies),
        duplicated,
        sum(ledger.refused.values()) - refused_before,
        stack_rss(url),
        cpu,
    )


def table(steps: list[Step]) -> str:
    lines = [
        "| offered msg/s | sent | deliveries | p50 ms | p99 ms | lost | duplicated | refused | stack RSS MB | stack CPU % |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in steps:
        cpu = f"{s.cpu_percent:.0f}" if s.cpu_percent is not None else "–"
        lines.append(
            f"| {s.rate:g} | {s.sent} | {s.expected} | {s.p50:.0f} | {s.p99:.0f} | {s.lost} | "
            f"{s.duplicated} | {s.refused} | {s.rss_mb:.0f} | {cpu} |"
        )
    return "\n".join(lines)


def knee(steps: list[Step]) -> str:
    for before, step in zip([None, *steps], steps, strict=False):
        if not step.latencies_ms or step.p99 > KNEE_MS:
            if before is None:
                return f"knee below {step.rate:g} msg/s (p99 {step.p99:.0f} ms already at the first step)"
            return f"knee between {before.rate:g} and {step.rate:g} msg/s (p99 passes {KNEE_MS:.0f} ms)"
    return f"no knee up to {steps[-1].rate:g} msg/s (p99 stayed under {KNEE_MS:.0f} ms)"


async def bench(args: argparse.Namespace, url: str, pid: int | None) -> list[Step]:
    api = url + "api"
    ws_url = url.replace("http://", "ws://") + "ws"
    print(f"opening {args.rooms} rooms ...", flush=True)
    group_ids = await asyncio.to_thread(open_rooms, api, args.rooms)
    print(f"signing up {args.rooms * args.clients} teens ...", flush=True)
    run = word(int(time.time()) % 26**4)  # distinct names when reusing a running stack
    names = [(room, f"Last {run} {word(room)} {word(i)}") for room in range(args.rooms) for i in range(args.clients)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        tokens = list(pool.map(lambda pair: sign_up(api, pair[1]), names))
    members = [Member(index, room, token) for index, ((room, _), token) in enumerate(zip(names, tokens, strict=False))]
    by_room: dict[int, list[Member]] = {}
    for member in members:
        by_room.setdefault(member.room, []).append(member)
    ledger = Ledger()
    readers: list[asyncio.Task] = []
    print(f"the demo mentor joins the {args.rooms} rooms ...", flush=True)
    mentor_sockets = await mentors_in_rooms(ws_url, await asyncio.to_thread(mentor_token, api), group_ids, readers)
    print(f"connecting and joining {len(members)} WebSockets ...", flush=True)
    await connect_all(ws_url, members, group_ids, ledger, readers)
    print(f"ready; stack RSS {stack_rss(url):.0f} MB\n", flush=True)

    steps: list[Step] = []
    try:
        for number, rate in enumerate(args.steps):
            step = await run_step(number, rate, args.seconds, args.drain, members, by_room, ledger, url, pid)
            steps.append(step)
            print(
                f"{rate:g} msg/s: p50 {step.p50:.0f} ms, p99 {step.p99:.0f} ms, lost {step.lost}/{step.expected}, "
                f"duplicated {step.duplicated}, refused {step.refused}, RSS {step.rss_mb:.0f} MB",
                flush=True,
            )
            if not args.all_steps and (step.lost or step.p99 > SATURATED_P99_MS):
                print("saturated: stopping here (a backlog would spoil the next steps)", flush=True)
                break
    finally:
        for task in readers:
            task.cancel()
        await asyncio.gather(
            *(m.ws.close() for m in members if m.ws is not None),
            *(ws.close() for ws in mentor_sockets),
            return_exceptions=True,
        )
    if ledger.refused:
        print(f"error frames by code: {ledger.refused}")
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--clients", type=int, default=10, help="teens per room")
    parser.add_argument(
        "--steps", default="1,2,5,10,20,40", help="offered load per step, messages per second across all rooms"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each step sends")
    parser.add_argument(
        "--drain",
        type=float,
        default=10.0,
        help="how long after a step a delivery may still arrive before it counts as lost",
    )
    parser.add_argument("--all-steps", action="store_true", help="keep stepping after saturation")
    parser.add_argument("--url", help="a running local stack (e.g. http://127.0.0.1:8000/) instead of a new one")
    parser.add_argument(
        "--stack-option",
        action="append",
        default=[],
        help="an option for the started stack, e.g. --stack-option=--post-faults=429:0.1",
    )
    args = parser.parse_args()
    args.steps = [float(s) for s in args.steps.split(",") if s]

    stack = None
    if args.url:
        url, pid = args.url.rstrip("/") + "/", None
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="gruppechat-load-"))
        # Hundreds of scripted sign-ups: the started stack asks for a lighter proof of work.
        os.environ.setdefault("CHALLENGE_MAX_NUMBER", "1000")
        # One demo mentor opens a socket per room: more than the 30 connects a minute a person may make.
        os.environ.setdefault("RATE_LIMITS", f"connect_per_person={max(30, args.rooms + 10)}/60")
        stack = process.start(data_dir, "--no-persist", "--tick-seconds", "0", *args.stack_option)
        url, pid = stack.url, stack.process.pid
        print(f"local stack at {url} (pid {pid}), log {stack.log}", flush=True)
    try:
        steps = asyncio.run(bench(args, url, pid))
    finally:
        if stack is not None:
            stack.stop()
    print()
    print(f"{args.rooms} rooms x {args.clients} teens, {args.seconds:g} s per step")
    print(table(steps))
    print(knee(steps))


if __name__ == "__main__":
    main()
