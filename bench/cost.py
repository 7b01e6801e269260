"""What a teen-hour of chat costs in AWS, from measured counts and list prices.

The session: 10 teens and a mentor, 90 minutes, each sending 2 messages a minute (1,980
messages, every one posted to all 11 members, the sender's own echo included). Per message
the DynamoDB requests, write and read units, posts, bytes and the handler's wall time are
measured by ``bench/fanout.py``'s machinery on an 11-member room (connections made through
``connect`` + ``join``); arrivals, departures and the keep-alive ping are measured the same
way. Billing is then:

* API Gateway WebSocket: every message received from a client and every post to a client,
  metered in 32 KB frames; connection minutes;
* Lambda: one request per inbound frame, ``$connect`` and ``$disconnect``; GB-seconds from
  the measured wall time of the handler (DynamoDB answered from a recording after a 5 ms wait
  per request, posts taking 20 ms each, concurrently) at the memory ``.chalice/config.json``
  gives each function, billed per started millisecond;
* DynamoDB on demand: the measured write and read units.

The floor no design that posts to each member can beat is API Gateway's charge for those posts
alone. Target: the chat messages cost at most 1.4 times that floor.

Prices (USD; checked 2026-11-25, Lambda x86, no free tier):

* Region used: eu-west-1 (Ireland) where a figure for it was found; AWS's pricing pages render
  their regional rate tables in the browser, so the stored page text carries only the us-east-1
  examples. Both sets are printed.
* API Gateway WebSocket, us-east-1: $1.00 per million messages (first billion), $0.25 per
  million connection minutes; messages metered in 32 KB increments
  (https://aws.amazon.com/api-gateway/pricing/ for the metering; the rates as quoted from it at
  https://c3x.dev/resources/aws/aws_apigatewayv2_api and
  https://awsforengineers.com/blog/aws-api-gateway-pricing-explained). eu-west-1: $1.14 per
  million messages, $0.285 per million connection minutes (a practitioner's notes found through
  the code search, not confirmed on AWS's page).
* Lambda: $0.20 per million requests, $0.0000166667 per GB-second (x86, first 6 billion
  GB-seconds; https://aws.amazon.com/lambda/pricing/ as quoted at
  https://cloudchipr.com/blog/aws-lambda-pricing). eu-west-1 and eu-north-1 are at this base
  price (the per-region table in artillery's ``lib/platform/aws-lambda/prices.js``, which lists
  only the regions that differ from it).
* DynamoDB on demand, us-east-1: $0.625 per million write request units, $0.125 per million
  read request units since AWS halved on-demand prices on 2024-11-01
  (https://airbyte.com/data-engineering-resources/dynamodb-pricing, 2025-07-21;
  https://aws.amazon.com/dynamodb/pricing/ for the units). No eu-west-1 figure was found: the
  us-east-1 rates are used for both sets, and the report says how far they could rise before
  the target is missed.

    .venv/bin/python -m bench.cost
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from bench.fanout import POST_S, RoomResult, measure_platform

TEENS, MENTORS = 10, 1
MEMBERS = TEENS + MENTORS
MINUTES = 90
MESSAGES_PER_MINUTE = 2
PING_EVERY_MINUTES = 4  # web/js/socket.js PING_EVERY_MS
DYNAMODB_LATENCY_S = 0.005  # per request inside a region, while the handler waits
FRAME_BYTES = 32 * 1024
TARGET = 1.4
ASSUMED_CPU_MS = 5.0  # for arrivals and departures, whose CPU is not replayed: the per-message target

CONFIG = Path(__file__).resolve().parents[1] / ".chalice" / "config.json"


@dataclass(frozen=True)
class Prices:
    region: str
    message: float  # per WebSocket message (per 32 KB frame), either way
    connection_minute: float
    lambda_request: float
    gb_second: float
    write_unit: float
    read_unit: float


PRICE_SETS = (
    Prices(
        "eu-west-1 (as found; DynamoDB at us-east-1 rates)",
        1.14e-6,
        0.285e-6,
        0.20e-6,
        0.0000166667,
        0.625e-6,
        0.125e-6,
    ),
    Prices("us-east-1 (all from the cited pages)", 1.00e-6, 0.25e-6, 0.20e-6, 0.0000166667, 0.625e-6, 0.125e-6),
)


def lambda_memory_gb(function: str, stage: str = "prod") -> float:
    config = json.loads(CONFIG.read_text())
    return config["stages"][stage]["lambda_functions"][function]["lambda_memory_size"] / 1024


@dataclass
class Line:
    """One row of the bill for the whole session: what is counted and what it costs."""

    name: str
    messages: float = 0.0  # API Gateway frames, in and out
    connection_minutes: float = 0.0
    lambda_requests: float = 0.0
    gb_seconds: float = 0.0
    write_units: float = 0.0
    read_units: float = 0.0

    def cost(self, p: Prices) -> float:
        return (
            self.messages * p.message
            + self.connection_minutes * p.connection_minute
            + self.lambda_requests * p.lambda_request
            + self.gb_seconds * p.gb_second
            + self.write_units * p.write_unit
            + self.read_units * p.read_unit
        )


def frames(size_bytes: float) -> int:
    return max(1, math.ceil(size_bytes / FRAME_BYTES))


def billed_ms(ms: float) -> int:
    return math.ceil(ms)


def bill(room: RoomResult) -> tuple[list[Line], Line, dict[str, float]]:
    assert room.join and room.leave and room.connect and room.ping
    message_gb = lambda_memory_gb("websocket_message")
    sent = MEMBERS * MESSAGES_PER_MINUTE * MINUTES
    c = room.counted
    post_frames = frames(c.post_bytes / c.posts)
    facts = {
        "messages": sent,
        "posts per message": c.posts,
        "bytes per post": c.post_bytes / c.posts,
        "handler wall ms per message": room.lambda_ms,
        "write units per message": c.write_units,
        "read units per message": c.read_units,
        "DynamoDB requests per message": c.requests,
    }

    posts = Line("chat: posts to members (the floor)", messages=sent * c.posts * post_frames)
    inbound = Line("chat: frames received", messages=sent)
    function = Line(
        "chat: Lambda", lambda_requests=sent, gb_seconds=sent * billed_ms(room.lambda_ms) / 1000 * message_gb
    )
    dynamo = Line("chat: DynamoDB", write_units=sent * c.write_units, read_units=sent * c.read_units)

    pings = MEMBERS * MINUTES / PING_EVERY_MINUTES
    ping = Line(
        "keep-alive: ping in, pong out",
        messages=pings * (1 + room.ping.posts),
        lambda_requests=pings,
        gb_seconds=pings * billed_ms(room.ping_ms) / 1000 * message_gb,
        write_units=pings * room.ping.write_units,
        read_units=pings * room.ping.read_units,
    )

    # Everyone arrives once and leaves once. The i-th to join tells the i-1 already there; the
    # measured join (into a full room) gives the DynamoDB units; the posts are counted exactly.
    presence_posts = MEMBERS + 2 * sum(range(MEMBERS))  # "joined" to each, then joined/left presence
    # The edge's account check at $connect (participant or mentor still exists): 1 strongly consistent GetItem.
    edge_read = 1.0
    connect_ms = (room.connect.requests + 1) * DYNAMODB_LATENCY_S * 1000 + ASSUMED_CPU_MS
    join_ms = room.join.requests * DYNAMODB_LATENCY_S * 1000 + 2 * POST_S * 1000 + ASSUMED_CPU_MS
    leave_ms = room.leave.requests * DYNAMODB_LATENCY_S * 1000 + POST_S * 1000 + ASSUMED_CPU_MS
    presence = Line(
        "presence: $connect, join, $disconnect",
        messages=MEMBERS + presence_posts,  # the join frames in, and the posts
        lambda_requests=3 * MEMBERS,
        gb_seconds=MEMBERS
        * (
            billed_ms(connect_ms) * lambda_memory_gb("websocket_connect")
            + billed_ms(join_ms) * message_gb
            + billed_ms(leave_ms) * lambda_memory_gb("websocket_disconnect")
        )
        / 1000,
        write_units=MEMBERS * (room.connect.write_units + room.join.write_units + room.leave.write_units),
        read_units=MEMBERS * (room.connect.read_units + edge_read + room.join.read_units + room.leave.read_units),
    )
    typing = Line("typing indicator: not offered (the server has no typing action)")
    minutes = Line("connection minutes", connection_minutes=MEMBERS * MINUTES)
    return [posts, inbound, function, dynamo, ping, presence, typing, minutes], posts, facts


def main() -> None:
    (room,) = measure_platform(
        10, (MEMBERS,), messages=20, rounds=3, timing=False, lambda_latency_s=DYNAMODB_LATENCY_S, presence=True
    )
    lines, floor, facts = bill(room)
    teen_hours = TEENS * MINUTES / 60
    print(
        f"Session: {TEENS} teens and {MENTORS} mentor, {MINUTES} minutes, {MESSAGES_PER_MINUTE} messages a "
        f"minute each = {teen_hours:g} teen-hours. Lambda memory (.chalice/config.json, prod): message "
        f"{lambda_memory_gb('websocket_message') * 1024:.0f} MB, connect "
        f"{lambda_memory_gb('websocket_connect') * 1024:.0f} MB, disconnect "
        f"{lambda_memory_gb('websocket_disconnect') * 1024:.0f} MB, x86.\n"
    )
    print(
        "Measured per chat message: "
        + ", ".join(f"{k} {v:,.2f}".rstrip("0").rstrip(".") for k, v in facts.items())
        + f"; DynamoDB at {DYNAMODB_LATENCY_S * 1000:g} ms a request and posts at {POST_S * 1000:g} ms for the "
        "wall time.\n"
    )
    header = " | ".join(f"{p.region}: USD per teen-hour" for p in PRICE_SETS)
    print(
        f"| line | API Gateway messages | connection minutes | Lambda requests | GB-seconds | write units "
        f"| read units | {header} |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in PRICE_SETS) + " |")
    for line in lines:
        costs = " | ".join(f"{line.cost(p) / teen_hours * 1e6:,.1f} µ$" for p in PRICE_SETS)
        print(
            f"| {line.name} | {line.messages:,.0f} | {line.connection_minutes:,.0f} | {line.lambda_requests:,.0f} "
            f"| {line.gb_seconds:,.2f} | {line.write_units:,.0f} | {line.read_units:,.0f} | {costs} |"
        )
    chat = [line for line in lines if line.name.startswith("chat:")]
    for p in PRICE_SETS:
        floor_cost = floor.cost(p)
        chat_cost = sum(line.cost(p) for line in chat)
        everything = sum(line.cost(p) for line in lines)
        ratio = chat_cost / floor_cost
        verdict = "met" if ratio <= TARGET else "NOT met"
        dynamo = next(line for line in chat if line.name == "chat: DynamoDB").cost(p)
        headroom = (TARGET * floor_cost - (chat_cost - dynamo)) / dynamo if dynamo else math.inf
        print(
            f"\n{p.region}: chat messages {chat_cost / teen_hours * 1e6:,.1f} µ$ per teen-hour against a floor of "
            f"{floor_cost / teen_hours * 1e6:,.1f} µ$ (the posts alone): {ratio:.2f}× — target ≤ {TARGET}×: "
            f"{verdict}. Everything (pings, presence, connection minutes too): "
            f"{everything / teen_hours * 1e6:,.1f} µ$ per teen-hour, {everything / floor_cost:.2f}× the floor, "
            f"{everything:,.4f} $ per session. The target holds while DynamoDB costs at most "
            f"{headroom:.2f}× the rate used."
        )
    # What-if arithmetic, not a measurement: the write units per message the changes proposed in
    # docs/performance.md would leave (receipt and message as plain writes, flood state off the
    # ALL-projected indexes), with one more strongly consistent read of the sender's connection.
    proposed_writes, extra_reads = 4.0, 1.0
    for p in PRICE_SETS:
        dynamo = next(line for line in lines if line.name == "chat: DynamoDB")
        cheaper = Line(
            "",
            write_units=dynamo.write_units / facts["write units per message"] * proposed_writes,
            read_units=dynamo.read_units + facts["messages"] * extra_reads,
        )
        others = sum(line.cost(p) for line in lines if line.name.startswith("chat:") and line is not dynamo)
        print(
            f"\nWhat if ({p.region}): with {proposed_writes:g} write units and {extra_reads:g} more read unit per "
            f"message the chat messages would cost {(others + cheaper.cost(p)) / floor.cost(p):.2f}× the floor."
        )


if __name__ == "__main__":
    main()
