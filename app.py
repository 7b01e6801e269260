"""Lambda entry points: wiring only. The product lives in chalicelib/."""
from __future__ import annotations

import boto3
from chalice import Chalice

from chalicelib import edge
from chalicelib.chat import ChatService
from chalicelib.gateway import Gateway
from chalicelib.sessions import SessionKeeper

app = Chalice(app_name="gruppechat")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.websocket_api.session = boto3.session.Session()

GATEWAY = Gateway(app.websocket_api)
CHAT = ChatService(GATEWAY)
SESSIONS = SessionKeeper(GATEWAY)


@app.schedule("rate(1 minute)")
def tick(event):
    edge.on_tick(SESSIONS, event)


@app.on_ws_connect()
def connect(event):
    return edge.on_connect(CHAT, event)


@app.on_ws_disconnect()
def disconnect(event):
    edge.on_disconnect(CHAT, event)


@app.on_ws_message()
def message(event):
    edge.on_message(CHAT, event)


@app.route("/participants", methods=["POST"], cors=True)
def sign_up():
    return edge.sign_up(app.current_request)


@app.route("/participants/login", methods=["POST"], cors=True)
def log_in():
    return edge.log_in(app.current_request)


@app.route("/groups", methods=["GET"], cors=True)
def list_groups():
    return edge.list_groups(app.current_request)
