"""What one delivered message costs: DynamoDB requests and units, posts, handler CPU, fan-out time.

Rooms of 5, 15 and 50 members, on a platform of 10 and of 1,000 rooms. Every connection is
made as production makes it: ``ChatService.connect`` with the token's identity (mentors carry
their organisation, so they are on the organisation's staff index) and a ``join`` frame (which
stamps the organisation, the session and its end on the connection). Each organisation also
has a mentor connected outside any room (on duty, reachable for crisis alerts). Teens of the
room take turns sending ordinary messages, three seconds apart, after one warm-up send (a warm
container: the organisation's settings are cached for five minutes; what a cache miss adds is
measured on its own).

Three measurements per room, all in one run:

1. **Counts and units**, with moto in-process: every DynamoDB request by operation, and its
   write and read units computed from item sizes by DynamoDB's rules (see ``bench/meter.py``;
   moto's ``ReturnConsumedCapacity`` is a constant), and every post.
2. **Handler CPU**, without moto: each send's DynamoDB answers are recorded while (1) runs,
   then the same sends are run again against the recording. Answered in place of botocore's
   call, the CPU is the handler's own (parsing, checks, pynamodb's models, building frames, the
   delivery pool) besides DynamoDB and the posts; answered as HTTP responses, it adds botocore's
   client work (serialise, sign, parse) per DynamoDB request. Posts go to a fake that does
   nothing; botocore's client work per ``@connections`` post is measured on its own (the real
   ``ManagementApi`` with its HTTP answered 200 at once).
3. **Fan-out wall time**, with a fake poster that takes 20 ms a post (a post inside AWS takes
   15-30 ms) and DynamoDB answered from the recording: from the first post of the message to the
   last, against one post's time.

    .venv/bin/python -m bench.fanout
"""

from __future__ import annotations

import argparse
import copy
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.meter import CLIENTS, METER, RECORDER, REGION, REPLAY, Answer, Priced, install, use_embedded_store

use_embedded_store()
install()

import json  # noqa: E402

from moto import mock_aws  # noqa: E402

from chalicelib import storage  # noqa: E402
from chalicelib.accounts.tokens import ADMIN, MENTOR, PARTICIPANT, Identity  # noqa: E402
from chalicelib.chat.inbound import Caller  # noqa: E402
from chalicelib.chat.service import ChatService  # noqa: E402
from chalicelib.delivery import POOL_SIZE, Delivery, ManagementApi  # noqa: E402
from chalicelib.organisation import settings as org_settings  # noqa: E402

NOW = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)  # a Thursday evening session
API_ID, STAGE = "benchapi", "prod"
ROOMS_PER_ORG = 10
BACKGROUND_ROOM_SIZE = 5
POST_S = 0.020
CPU_TARGET_MS = 5.0
FANOUT_TARGET = 3.0

# Ordinary chat lines (no digits, no handles: the anonymity guard lets them through).
LINES = (
    "Hej alle sammen, hvordan har jeres uge været?",
    "Min var lidt hård, der var prøve i matematik og jeg sov dårligt",
    "Det kender jeg godt, jeg får altid ondt i maven før prøver",
    "Hvad gør I når I ikke kan sove?",
    "Jeg hører en podcast, så falder jeg i søvn efter lidt tid",
    "Jeg skriver det ned der fylder, så er det ude af hovedet",
    "Det må jeg prøve i aften",
    "Er der nogen der har set den nye serie?",
)


# --- posters ----------------------------------------------------------------------------------------


class CountingPoster:
    """Counts posts and their bytes; answers at once (nothing else: its CPU is counted as the handler's)."""

    def __init__(self) -> None:
        self.posts = 0
        self.bytes = 0
        self._lock = threading.Lock()

    def post(self, recipient: Any, data: bytes) -> None:
        with self._lock:
            self.posts += 1
            self.bytes += len(data)

    def close(self, recipient: Any) -> None:
        pass


class SlowPoster:
    """A post that takes ``seconds`` (a thread waiting on the network, as in Lambda); notes each span."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    def post(self, recipient: Any, data: bytes) -> None:
        start = time.perf_counter()
        time.sleep(self.seconds)
        end = time.perf_counter()
        with self._lock:
            self.spans.append((start, end))

    def close(self, recipient: Any) -> None:
        pass


# --- the platform -----------------------------------------------------------------------------------


@dataclass
class Room:
    group_id: str
    session_id: str
    org_id: str
    mentor: Caller
    teens: list[Caller] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + len(self.teens)


def caller(connection_id: str) -> Caller:
    return Caller(connection_id, API_ID, STAGE)


def open_room(index: int, capacity: int) -> Room:
    org_id = f"org{index // ROOMS_PER_ORG}"
    if index % ROOMS_PER_ORG == 0:
        storage.Organisation(org_id, name=f"Forening {org_id}").save()
    group = storage.Group(
        f"g{index}", org_id=org_id, name=f"Gruppe {index}", capacity=capacity, weekday=NOW.weekday(), start_time="19:00"
    )
    storage.save_group(group)
    session = storage.Session(
        f"g{index}#2026-11-26",
        group_id=group.group_id,
        org_id=org_id,
        starts_at=NOW - timedelta(minutes=30),
        ends_at=NOW + timedelta(hours=1),
        status=storage.OPEN,
    )
    storage.create_session(session)
    return Room(group.group_id, session.session_id, org_id, caller(f"r{index}-mentor"))


def arrive(chat: ChatService, who: Caller, identity: Identity, group_id: str | None, at: datetime) -> None:
    """``$connect`` then the ``join`` frame, as the web client does."""
    chat.connect(who, identity, at, lang="da", group_id=group_id)
    if group_id is not None:
        chat.handle(who, json.dumps({"action": "join", "group_id": group_id}), at)


def fill_room(chat: ChatService, room: Room, index: int, size: int) -> None:
    at = NOW - timedelta(minutes=20)
    mentor = Identity(f"mentor-{index}", f"Mentor {index}", MENTOR, org_id=room.org_id, username=f"mentor{index}")
    arrive(chat, room.mentor, mentor, room.group_id, at)
    for member in range(size - 1):
        teen = caller(f"r{index}-t{member}")
        arrive(
            chat,
            teen,
            Identity(f"u{index}-{member}", f"Stjerne{index}x{member}", PARTICIPANT),
            room.group_id,
            at + timedelta(seconds=member + 1),
        )
        room.teens.append(teen)


def build_platform(chat: ChatService, rooms: int, sizes: tuple[int, ...]) -> list[Room]:
    """``rooms`` open sessions; the first ones have the measured sizes, the rest BACKGROUND_ROOM_SIZE."""
    storage.create_tables()
    built = []
    for index in range(rooms):
        size = sizes[index] if index < len(sizes) else BACKGROUND_ROOM_SIZE
        room = open_room(index, capacity=max(size, 15))
        if index % ROOMS_PER_ORG == 0:  # an admin on duty, connected outside any room
            admin = Identity(f"admin-{room.org_id}", f"Admin {room.org_id}", ADMIN, org_id=room.org_id)
            arrive(chat, caller(f"{room.org_id}-admin"), admin, None, NOW - timedelta(minutes=25))
        fill_room(chat, room, index, size)
        built.append(room)
    return built


# --- measuring one room -----------------------------------------------------------------------------


@dataclass
class Send:
    who: Caller
    body: str
    at: datetime


def sends(room: Room, count: int, start: datetime) -> list[Send]:
    """Teens take turns, three seconds apart, each line once per sender within the repeat window."""
    out = []
    for i in range(count):
        teen = room.teens[i % len(room.teens)]
        text = f"{LINES[i % len(LINES)]} ({'abcdefghijklmnopqrstuvwxyz'[i // len(LINES) % 26]})"
        frame = {
            "action": "send",
            "text": text,
            "client_id": f"c-{start.timestamp():.0f}-{i}",
            "session_id": room.session_id,
        }
        out.append(Send(teen, json.dumps(frame, ensure_ascii=False), start + timedelta(seconds=3 * i)))
    return out


@dataclass
class Counted:
    """DynamoDB requests, units and posts per message, averaged over the measured sends."""

    messages: int
    by_operation: dict[str, float]
    write_units: float
    read_units: float
    write_by_target: dict[str, float]
    read_by_target: dict[str, float]
    posts: float
    post_bytes: float

    @property
    def requests(self) -> float:
        return sum(self.by_operation.values())


def count(priced: list[Priced], messages: int, posts: int, post_bytes: int) -> Counted:
    operations: Counter[str] = Counter(request.operation for request in priced)
    writes: Counter[str] = Counter()
    reads: Counter[str] = Counter()
    for request in priced:
        writes.update(request.write)
        reads.update(request.read)
    per = float(messages)
    return Counted(
        messages,
        {op: n / per for op, n in sorted(operations.items())},
        sum(writes.values()) / per,
        sum(reads.values()) / per,
        {k: v / per for k, v in sorted(writes.items())},
        {k: v / per for k, v in sorted(reads.items())},
        posts / per,
        post_bytes / per,
    )


@contextmanager
def metering() -> Iterator[None]:
    METER.clear()
    METER.active = True
    try:
        yield
    finally:
        METER.active = False


def record(
    chat: ChatService, poster: CountingPoster, batch: list[Send], watch_clients: bool = False
) -> tuple[Counted, list[list[Answer]]]:
    """Run the sends against moto: count and price them, and keep each one's DynamoDB answers."""
    recordings = []
    posts_before, bytes_before = poster.posts, poster.bytes
    with metering():
        RECORDER.active, CLIENTS.active = True, watch_clients
        try:
            for send in batch:
                chat.handle(send.who, send.body, send.at)
                recordings.append(RECORDER.take())
        finally:
            RECORDER.active = CLIENTS.active = False
        priced = METER.take()
    return count(priced, len(batch), poster.posts - posts_before, poster.bytes - bytes_before), recordings


def replay(chat: ChatService, batch: list[Send], recordings: list[list[Answer]], mode: str) -> None:
    REPLAY.mode = mode
    try:
        for send, answers in zip(batch, recordings, strict=True):
            REPLAY.load(answers)
            chat.handle(send.who, send.body, send.at)
            if REPLAY.pending or REPLAY.mismatches:
                raise AssertionError(f"replay diverged: {REPLAY.mismatches or REPLAY.pending}")
    finally:
        REPLAY.mode = None


def cpu_per_message(batch: list[Send], recordings: list[list[Answer]], mode: str, rounds: int) -> float:
    """Median over rounds of process CPU (every thread) per send, in ms, posts to a no-op fake."""
    chat = ChatService(Delivery(CountingPoster()))
    replay(chat, batch, copy.deepcopy(recordings), mode)  # warm: the pool's threads, botocore's caches
    samples = []
    for _ in range(rounds):
        fresh = copy.deepcopy(recordings)  # outside the clock
        start = time.process_time()
        replay(chat, batch, fresh, mode)
        samples.append((time.process_time() - start) / len(batch) * 1000)
    return statistics.median(samples)


@dataclass
class Timed:
    handler_ms: float  # the whole send, DynamoDB answered from the recording
    fanout_ms: float  # first post of the message to its last
    one_post_ms: float
    workers: int

    @property
    def ratio(self) -> float:
        return self.fanout_ms / self.one_post_ms


def fanout_time(
    batch: list[Send], recordings: list[list[Answer]], workers: int, mode: str = "parsed", latency_s: float = 0.0
) -> Timed:
    """Wall time of each send with posts of POST_S; DynamoDB from the recording (plus ``latency_s`` each)."""
    poster = SlowPoster(POST_S)
    chat = ChatService(Delivery(poster, workers=workers))
    REPLAY.latency_s = latency_s
    handler, fanout, posts = [], [], []
    try:
        replay(chat, batch[:1], copy.deepcopy(recordings[:1]), mode)  # warm the pool
        for send, answers in zip(batch, copy.deepcopy(recordings), strict=True):
            poster.spans.clear()
            start = time.perf_counter()
            replay(chat, [send], [answers], mode)
            handler.append((time.perf_counter() - start) * 1000)
            fanout.append((max(end for _, end in poster.spans) - min(s for s, _ in poster.spans)) * 1000)
            posts.extend((end - s) * 1000 for s, end in poster.spans)
    finally:
        REPLAY.latency_s = 0.0
    return Timed(statistics.median(handler), statistics.median(fanout), statistics.median(posts), workers)


def post_client_cpu(posts: int = 400) -> float:
    """botocore's CPU per ``@connections`` post (the real ManagementApi, HTTP answered 200 at once), in ms."""
    api = ManagementApi(REGION)
    who = caller("post-cpu")
    data = json.dumps({"type": "message", "message": {"text": LINES[0]}}).encode()
    REPLAY.stub_posts = True
    try:
        api.post(who, data)  # builds the client once, as a warm container has
        start = time.process_time()
        for _ in range(posts):
            api.post(who, data)
        return (time.process_time() - start) / posts * 1000
    finally:
        REPLAY.stub_posts = False


# --- one platform, every measured room --------------------------------------------------------------


@dataclass
class RoomResult:
    platform: int
    members: int
    counted: Counted
    cache_miss: Counted | None = None
    cpu_ms: float = 0.0  # handler besides DynamoDB and posts
    cpu_with_client_ms: float = 0.0  # plus botocore's work for the DynamoDB requests
    timed: list[Timed] = field(default_factory=list)
    lambda_ms: float = 0.0  # wall time with DynamoDB at ``latency`` a request and 20 ms posts
    join: Counted | None = None
    leave: Counted | None = None
    connect: Counted | None = None
    ping: Counted | None = None
    ping_ms: float = 0.0  # wall time of a ping with a 20 ms post


def measure_platform(
    platform: int,
    sizes: tuple[int, ...],
    messages: int,
    rounds: int,
    timing: bool,
    worker_variants: tuple[int, ...] = (),
    lambda_latency_s: float | None = None,
    presence: bool = False,
) -> list[RoomResult]:
    poster = CountingPoster()
    chat = ChatService(Delivery(poster))
    results: list[RoomResult] = []
    kept: list[tuple[RoomResult, list[Send], list[list[Answer]]]] = []
    with mock_aws():
        rooms = build_platform(chat, platform, sizes)
        for room, size in zip(rooms, sizes, strict=False):
            start = NOW + timedelta(minutes=1)
            batch = sends(room, messages + 1, start)
            org_settings.forget()
            cold, _ = record(chat, poster, batch[:1])  # the container's first send for this organisation
            counted, recordings = record(chat, poster, batch[1:], watch_clients=True)
            result = RoomResult(platform, size, counted, cache_miss=cold)
            if presence:
                result.connect, result.join, result.leave = measure_presence(chat, poster, room, platform)
                result.ping, result.ping_ms = measure_ping(chat, poster, room)
            results.append(result)
            kept.append((result, batch[1:], recordings))
    # moto is off from here: a request the recording does not answer would fail loudly.
    for result, batch, recordings in kept:
        result.cpu_ms = cpu_per_message(batch, recordings, "parsed", rounds)
        result.cpu_with_client_ms = cpu_per_message(batch, recordings, "wire", rounds)
        if timing:
            for workers in (POOL_SIZE, *worker_variants):
                result.timed.append(fanout_time(batch[:8], recordings[:8], workers))
        if lambda_latency_s is not None:
            result.lambda_ms = fanout_time(batch[:8], recordings[:8], POOL_SIZE, "wire", lambda_latency_s).handler_ms
    return results


def measure_presence(chat: ChatService, poster: CountingPoster, room: Room, platform: int) -> tuple[Counted, ...]:
    """One more teen arrives (``$connect``, ``join``) and goes (``$disconnect``)."""
    newcomer = caller(f"newcomer-{platform}-{room.size}")
    identity = Identity(f"newcomer-{room.size}", f"Nykomling{room.size}", PARTICIPANT)
    at = NOW + timedelta(minutes=30)
    measured = []
    for step in (
        lambda: chat.connect(newcomer, identity, at, group_id=room.group_id),
        lambda: chat.handle(newcomer, json.dumps({"action": "join", "group_id": room.group_id}), at),
        lambda: chat.disconnect(newcomer.connection_id, at),
    ):
        posts_before, bytes_before = poster.posts, poster.bytes
        with metering():
            step()
            priced = METER.take()
        measured.append(count(priced, 1, poster.posts - posts_before, poster.bytes - bytes_before))
    return tuple(measured)


def measure_ping(chat: ChatService, poster: CountingPoster, room: Room) -> tuple[Counted, float]:
    """The web client's keep-alive: what it costs, and its wall time with a 20 ms post."""
    ping = json.dumps({"action": "ping"})
    at = NOW + timedelta(minutes=31)
    posts_before, bytes_before = poster.posts, poster.bytes
    with metering():
        chat.handle(room.mentor, ping, at)
        priced = METER.take()
    counted = count(priced, 1, poster.posts - posts_before, poster.bytes - bytes_before)
    slow = ChatService(Delivery(SlowPoster(POST_S)))
    walls = []
    for _ in range(5):
        start = time.perf_counter()
        slow.handle(room.mentor, ping, at)
        walls.append((time.perf_counter() - start) * 1000)
    return counted, statistics.median(walls)


# --- the report -------------------------------------------------------------------------------------


def operations_text(counted: Counted) -> str:
    return ", ".join(f"{op} {n:g}" for op, n in counted.by_operation.items())


def print_report(results: list[RoomResult], post_cpu_ms: float) -> None:
    print("### DynamoDB and posts per delivered message\n")
    print(
        "| rooms on the platform | members in the room | DynamoDB requests | by operation | write units "
        "| read units | posts | bytes posted |"
    )
    print("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for r in results:
        c = r.counted
        print(
            f"| {r.platform} | {r.members} | {c.requests:g} | {operations_text(c)} | {c.write_units:g} "
            f"| {c.read_units:g} | {c.posts:g} | {c.post_bytes:,.0f} |"
        )
    steady: dict[int, set[tuple[float, float, float]]] = {}
    for r in results:
        steady.setdefault(r.members, set()).add((r.counted.requests, r.counted.write_units, r.counted.read_units))
    same = all(len(v) == 1 for v in steady.values())
    print(f"\nSame requests and units with 10 and with 1,000 rooms on the platform: {'yes' if same else 'NO'}")

    built = sum(CLIENTS.built.values())
    print(
        f"botocore clients built while the measured sends ran (the warm-up send excluded): {built}"
        + (f" ({dict(CLIENTS.built)})" if built else "")
    )

    sample = next((r for r in results if r.members == 15), results[0])
    print(f"\nWhere the units of one message go ({sample.members} members):\n")
    print("| table or index | write units | read units |")
    print("| --- | ---: | ---: |")
    targets = sorted(set(sample.counted.write_by_target) | set(sample.counted.read_by_target))
    for target in targets:
        print(
            f"| {target.removeprefix('bench-')} | {sample.counted.write_by_target.get(target, 0):g} "
            f"| {sample.counted.read_by_target.get(target, 0):g} |"
        )
    if sample.cache_miss is not None:
        extra = sample.cache_miss.requests - sample.counted.requests
        extra_read = sum(
            units for target, units in sample.cache_miss.read_by_target.items() if target.endswith("organisations")
        )
        print(
            f"\nAfter an organisation-settings cache miss (a container's first send for the organisation in "
            f"5 minutes): {extra:+g} request ({operations_text(sample.cache_miss)} in all), "
            f"{extra_read:+g} read units on the organisations table."
        )

    print("\n### Handler CPU per message (moto left out: DynamoDB answered from a recording of this run)\n")
    print(
        f"| rooms on the platform | members | handler, besides DynamoDB and posts (ms) | target ≤ {CPU_TARGET_MS:g} ms "
        "| + botocore for the DynamoDB requests (ms) | + botocore for the posts (ms) |"
    )
    print("| ---: | ---: | ---: | :---: | ---: | ---: |")
    for r in results:
        ok = "met" if r.cpu_ms <= CPU_TARGET_MS else "NOT met"
        print(
            f"| {r.platform} | {r.members} | {r.cpu_ms:.2f} | {ok} | {r.cpu_with_client_ms:.2f} "
            f"| {r.cpu_with_client_ms + post_cpu_ms * r.counted.posts:.2f} |"
        )
    print(f"\nbotocore's client work per @connections post (stubbed HTTP): {post_cpu_ms:.3f} ms.")

    timed = [(r, t) for r in results for t in r.timed]
    if timed:
        print(f"\n### Fan-out wall time, posts of {POST_S * 1000:g} ms (median of 8 messages)\n")
        print(
            f"| rooms on the platform | members | pool threads | one post (ms) | first post to last (ms) "
            f"| ÷ one post | target ≤ {FANOUT_TARGET:g}× | whole send (ms) |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |")
        for r, t in timed:
            ok = "met" if t.ratio <= FANOUT_TARGET else "NOT met"
            label = f"{t.workers}" + (" (as deployed)" if t.workers == POOL_SIZE else " (what if)")
            print(
                f"| {r.platform} | {r.members} | {label} | {t.one_post_ms:.1f} | {t.fanout_ms:.1f} "
                f"| {t.ratio:.2f} | {ok} | {t.handler_ms:.1f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20, help="measured sends per room")
    parser.add_argument("--rounds", type=int, default=5, help="replays of the sends for the CPU median")
    parser.add_argument("--platforms", type=int, nargs="+", default=[10, 1000])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 15, 50])
    args = parser.parse_args()
    results = []
    for platform in args.platforms:
        started = time.perf_counter()
        results += measure_platform(
            platform,
            tuple(args.sizes),
            args.messages,
            args.rounds,
            timing=platform == min(args.platforms),
            worker_variants=(32,),
        )
        print(f"(platform of {platform} rooms measured in {time.perf_counter() - started:.0f} s)")
    print()
    print_report(results, post_client_cpu())


if __name__ == "__main__":
    main()
