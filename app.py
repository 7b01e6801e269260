"""Lambda entry points: wiring only. The product lives in chalicelib/."""
from __future__ import annotations

import boto3
from chalice import Chalice, CORSConfig

from chalicelib.edge import rest as edge

from chalicelib.edge import logs
from chalicelib.chat.service import ChatService
from chalicelib.config import settings
from chalicelib.delivery import Gateway
from chalicelib.moderation.actions import Moderation
from chalicelib.sessions.keeper import SessionKeeper

app = Chalice(app_name="gruppechat")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.websocket_api.session = boto3.session.Session()
logs.configure(app)
app.register_middleware(logs.context_middleware, "all")

GATEWAY = Gateway(app.websocket_api)
CHAT = ChatService(GATEWAY)
SESSIONS = SessionKeeper(GATEWAY)
MODERATION = Moderation(GATEWAY, SESSIONS)
# The site's origin in prod (set at deploy), "*" in dev and locally.
CORS = CORSConfig(allow_origin=settings().allowed_origin, allow_headers=["Authorization", "Content-Type"],
                  max_age=600)


# --- WebSocket ---------------------------------------------------------------------------------


@app.on_ws_connect()
def connect(event):
    return edge.on_connect(CHAT, event)


@app.on_ws_disconnect()
def disconnect(event):
    edge.on_disconnect(CHAT, event)


@app.on_ws_message()
def message(event):
    edge.on_message(CHAT, event)


# --- the minute tick -----------------------------------------------------------------------------


@app.schedule("rate(1 minute)")
def tick(event):
    edge.on_tick(SESSIONS, event)


# --- participants and groups ----------------------------------------------------------------------


@app.route("/participants", methods=["POST"], cors=CORS)
def sign_up():
    return edge.sign_up(app.current_request)


@app.route("/participants/login", methods=["POST"], cors=CORS)
def log_in():
    return edge.log_in(app.current_request)


@app.route("/groups", methods=["GET"], cors=CORS)
def list_groups():
    return edge.list_groups(app.current_request)


# --- mentors ---------------------------------------------------------------------------------------


@app.authorizer(ttl_seconds=60)
def mentor_auth(auth_request):
    return edge.authorize_mentor(auth_request)


def _mentor_route(path: str, action: str, method: str = "POST", admin: bool = False):
    """Register one authorized route that hands its path ids to the domain action."""

    def view(**ids):
        if admin:
            return edge.administer(app.current_request, action, **ids)
        return edge.moderate(app.current_request, MODERATION, action, **ids)

    view.__name__ = f"{'admin' if admin else 'mentor'}_{action}"
    app.route(path, methods=[method], authorizer=mentor_auth, cors=CORS, name=view.__name__)(view)


@app.route("/mentors/login", methods=["POST"], cors=CORS)
def mentor_log_in():
    return edge.mentor_log_in(app.current_request)


_mentor_route("/mentor/sessions", "sessions", "GET")
_mentor_route("/mentor/groups", "groups", "GET")
_mentor_route("/mentor/sessions/{session_id}/messages/{message_id}/remove", "remove")
_mentor_route("/mentor/sessions/{session_id}/mute", "mute")
_mentor_route("/mentor/sessions/{session_id}/kick", "kick")
_mentor_route("/mentor/groups/{group_id}/ban", "ban")
_mentor_route("/mentor/sessions/{session_id}/topic", "topic")
_mentor_route("/mentor/sessions/{session_id}/pin", "pin")
_mentor_route("/mentor/sessions/{session_id}/announce", "announce")
_mentor_route("/mentor/sessions/{session_id}/slow_mode", "slow_mode")
_mentor_route("/mentor/groups/{group_id}/open", "open")
_mentor_route("/mentor/sessions/{session_id}/close", "close")
_mentor_route("/mentor/sessions/{session_id}/extend", "extend")
_mentor_route("/mentor/groups/{group_id}/cancel", "cancel")
_mentor_route("/mentor/reports", "reports", "GET")
_mentor_route("/mentor/reports/{report_id}/resolve", "resolve")
_mentor_route("/mentor/audit", "audit", "GET")
_mentor_route("/admin/groups", "groups", "GET", admin=True)
_mentor_route("/admin/groups", "create_group", "POST", admin=True)
_mentor_route("/admin/groups/{group_id}", "update_group", "PUT", admin=True)
_mentor_route("/admin/mentors", "mentors", "GET", admin=True)
_mentor_route("/admin/mentors", "add_mentor", "POST", admin=True)
_mentor_route("/admin/mentors/{mentor_id}/deactivate", "deactivate", "POST", admin=True)
_mentor_route("/admin/figures", "figures", "GET", admin=True)


# --- a participant's own account ------------------------------------------------------------------------


@app.authorizer(ttl_seconds=60)
def participant_auth(auth_request):
    return edge.authorize_participant(auth_request)


def _my_route(path: str, action: str, method: str) -> None:
    def view(**ids):
        return edge.my_account(app.current_request, GATEWAY, action, **ids)

    view.__name__ = f"me_{action}"
    app.route(path, methods=[method], authorizer=participant_auth, cors=CORS, name=view.__name__)(view)


_my_route("/me/groups", "groups", "GET")
_my_route("/me/groups/{group_id}", "follow", "PUT")
_my_route("/me/groups/{group_id}", "unfollow", "DELETE")
_my_route("/me", "delete", "DELETE")
