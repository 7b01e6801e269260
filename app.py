"""Lambda entry points: wiring only. The product lives in chalicelib/.

Each route below calls the function of the same name in ``chalicelib.edge.routes``.
"""

from __future__ import annotations

from typing import Any

from chalice.app import AuthRequest, AuthResponse, Chalice, CORSConfig, Request, Response, WebsocketEvent

from chalicelib.chat.service import ChatService
from chalicelib.chat.watch import MentorWatch
from chalicelib.config import settings
from chalicelib.delivery import Delivery, ManagementApi
from chalicelib.edge import auth, logs, routes, websocket
from chalicelib.moderation.actions import Moderation
from chalicelib.moderation.waiting_room import WaitingRoom
from chalicelib.sessions.keeper import SessionKeeper

app = Chalice(app_name="gruppechat")
app.experimental_feature_flags.update(["WEBSOCKETS"])
logs.configure(app)
app.register_middleware(logs.context_middleware, "all")

# Built once per container and reused: a client built per call cost 77 ms of CPU per message.
DELIVERY = Delivery(ManagementApi.from_env())
CHAT = ChatService(DELIVERY)
SESSIONS = SessionKeeper(DELIVERY, MentorWatch(DELIVERY))
MODERATION = Moderation(DELIVERY, SESSIONS)
WAITING_ROOM = WaitingRoom(DELIVERY, MODERATION)
# The site's origin in prod (set at deploy), "*" in dev and locally.
CORS = CORSConfig(allow_origin=settings().allowed_origin, allow_headers=["Authorization", "Content-Type"], max_age=600)


def _request() -> Request:
    """The request being handled; Chalice sets it before calling a route."""
    assert app.current_request is not None
    return app.current_request


# --- WebSocket and the minute tick -----------------------------------------------------------------


@app.on_ws_connect()
def connect(event: WebsocketEvent) -> dict[str, Any]:
    return websocket.on_connect(CHAT, event)


@app.on_ws_disconnect()
def disconnect(event: WebsocketEvent) -> None:
    websocket.on_disconnect(CHAT, event)


@app.on_ws_message()
def message(event: WebsocketEvent) -> None:
    websocket.on_message(CHAT, event)


@app.schedule("rate(1 minute)")
def tick(event: Any) -> dict[str, int]:
    return websocket.on_tick(SESSIONS, event)


# --- participants and the public group list ---------------------------------------------------------


@app.route("/participants/challenge", methods=["GET"], cors=CORS)
def challenge() -> Response:
    return routes.challenge(_request())


@app.route("/participants", methods=["POST"], cors=CORS)
def sign_up() -> Response:
    return routes.sign_up(_request())


@app.route("/participants/login", methods=["POST"], cors=CORS)
def log_in() -> Response:
    return routes.log_in(_request())


@app.route("/participants/recover", methods=["POST"], cors=CORS)
def recover() -> Response:
    return routes.recover(_request())


@app.route("/groups", methods=["GET"], cors=CORS)
def list_groups() -> Response:
    return routes.list_groups(_request())


@app.route("/groups/{group_id}/calendar.ics", methods=["GET"], cors=CORS)
def group_calendar(group_id: str) -> Response:
    return routes.group_calendar(_request(), group_id)


@app.route("/mentors/login", methods=["POST"], cors=CORS)
def mentor_log_in() -> Response:
    return routes.mentor_log_in(_request())


@app.route("/connect-check", methods=["GET"], cors=CORS)
def connect_check() -> Response:
    return routes.connect_check(_request())


# --- a participant's own account -------------------------------------------------------------------


@app.authorizer(ttl_seconds=60)
def participant_auth(auth_request: AuthRequest) -> AuthResponse:
    return auth.authorize_participant(auth_request)


@app.route("/me/groups", methods=["GET"], authorizer=participant_auth, cors=CORS)
def my_groups() -> Response:
    return routes.my_groups(_request())


@app.route("/me/groups/{group_id}", methods=["PUT"], authorizer=participant_auth, cors=CORS)
def follow(group_id: str) -> Response:
    return routes.follow(_request(), group_id)


@app.route("/me/groups/{group_id}", methods=["DELETE"], authorizer=participant_auth, cors=CORS)
def unfollow(group_id: str) -> Response:
    return routes.unfollow(_request(), group_id)


@app.route("/me/reminders", methods=["GET"], authorizer=participant_auth, cors=CORS)
def my_reminders() -> Response:
    return routes.my_reminders(_request())


@app.route("/me/groups/{group_id}/reminder", methods=["PUT"], authorizer=participant_auth, cors=CORS)
def subscribe_reminder(group_id: str) -> Response:
    return routes.subscribe_reminder(_request(), group_id)


@app.route("/me/groups/{group_id}/reminder", methods=["DELETE"], authorizer=participant_auth, cors=CORS)
def unsubscribe_reminder(group_id: str) -> Response:
    return routes.unsubscribe_reminder(_request(), group_id)


@app.route("/me/password", methods=["POST"], authorizer=participant_auth, cors=CORS)
def change_password() -> Response:
    return routes.change_password(_request())


@app.route("/me/recovery-code", methods=["POST"], authorizer=participant_auth, cors=CORS)
def renew_recovery_code() -> Response:
    return routes.renew_recovery_code(_request())


@app.route("/me/export", methods=["GET"], authorizer=participant_auth, cors=CORS)
def export_my_data() -> Response:
    return routes.export_my_data(_request())


@app.route("/me", methods=["DELETE"], authorizer=participant_auth, cors=CORS)
def delete_account() -> Response:
    return routes.delete_account(_request(), DELIVERY)


# --- mentors: live sessions and moderation ------------------------------------------------------------


@app.authorizer(ttl_seconds=60)
def mentor_auth(auth_request: AuthRequest) -> AuthResponse:
    return auth.authorize_mentor(auth_request)


@app.route("/mentor/sessions", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def live_sessions() -> Response:
    return routes.live_sessions(_request(), MODERATION)


@app.route("/mentor/groups", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def mentor_groups() -> Response:
    return routes.mentor_groups(_request())


@app.route(
    "/mentor/sessions/{session_id}/messages/{message_id}/remove", methods=["POST"], authorizer=mentor_auth, cors=CORS
)
def remove_message(session_id: str, message_id: str) -> Response:
    return routes.remove_message(_request(), MODERATION, session_id, message_id)


@app.route("/mentor/sessions/{session_id}/mute", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def mute(session_id: str) -> Response:
    return routes.mute(_request(), MODERATION, session_id)


@app.route("/mentor/sessions/{session_id}/kick", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def kick(session_id: str) -> Response:
    return routes.kick(_request(), MODERATION, session_id)


@app.route("/mentor/groups/{group_id}/ban", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def ban(group_id: str) -> Response:
    return routes.ban(_request(), MODERATION, group_id)


@app.route("/mentor/sessions/{session_id}/topic", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def set_topic(session_id: str) -> Response:
    return routes.set_topic(_request(), MODERATION, session_id)


@app.route("/mentor/sessions/{session_id}/pin", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def pin(session_id: str) -> Response:
    return routes.pin(_request(), MODERATION, session_id)


@app.route("/mentor/sessions/{session_id}/announce", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def announce(session_id: str) -> Response:
    return routes.announce(_request(), MODERATION, session_id)


@app.route("/mentor/sessions/{session_id}/slow_mode", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def slow_mode(session_id: str) -> Response:
    return routes.slow_mode(_request(), MODERATION, session_id)


@app.route("/mentor/groups/{group_id}/open", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def open_early(group_id: str) -> Response:
    return routes.open_early(_request(), MODERATION, group_id)


@app.route("/mentor/sessions/{session_id}/close", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def close(session_id: str) -> Response:
    return routes.close(_request(), MODERATION, session_id)


@app.route("/mentor/sessions/{session_id}/extend", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def extend(session_id: str) -> Response:
    return routes.extend(_request(), MODERATION, session_id)


@app.route("/mentor/groups/{group_id}/cancel", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def cancel_date(group_id: str) -> Response:
    return routes.cancel_date(_request(), MODERATION, group_id)


@app.route("/mentor/sessions/{session_id}/admit", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def admit(session_id: str) -> Response:
    return routes.admit(_request(), WAITING_ROOM, session_id)


@app.route("/mentor/sessions/{session_id}/decline", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def decline(session_id: str) -> Response:
    return routes.decline(_request(), WAITING_ROOM, session_id)


@app.route("/mentor/sessions/{session_id}/lock", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def lock(session_id: str) -> Response:
    return routes.lock(_request(), WAITING_ROOM, session_id)


@app.route("/mentor/groups/{group_id}/members", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def enrol(group_id: str) -> Response:
    return routes.enrol(_request(), WAITING_ROOM, group_id)


@app.route("/mentor/duties", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def my_duties() -> Response:
    return routes.my_duties(_request())


@app.route("/mentor/duties/{group_id}/{meeting}/cannot_come", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def cannot_come(group_id: str, meeting: str) -> Response:
    return routes.cannot_come(_request(), group_id, meeting)


@app.route("/mentor/reports", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def reports() -> Response:
    return routes.reports(_request(), MODERATION)


@app.route("/mentor/reports/{report_id}/resolve", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def resolve_report(report_id: str) -> Response:
    return routes.resolve_report(_request(), MODERATION, report_id)


@app.route("/mentor/reports/{report_id}/remove_message", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def remove_reported_message(report_id: str) -> Response:
    return routes.remove_reported_message(_request(), MODERATION, report_id)


@app.route("/mentor/reports/{report_id}/claim", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def claim_report(report_id: str) -> Response:
    return routes.claim_report(_request(), MODERATION, report_id)


@app.route("/mentor/audit", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def audit_log() -> Response:
    return routes.audit_log(_request(), MODERATION)


# --- mentors: handover between weeks ----------------------------------------------------------------


@app.route("/mentor/groups/{group_id}/notes", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def group_notes(group_id: str) -> Response:
    return routes.group_notes(_request(), group_id)


@app.route("/mentor/groups/{group_id}/notes", methods=["PUT"], authorizer=mentor_auth, cors=CORS)
def write_note(group_id: str) -> Response:
    return routes.write_note(_request(), group_id)


@app.route("/mentor/groups/{group_id}/summaries", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def session_summaries(group_id: str) -> Response:
    return routes.session_summaries(_request(), group_id)


# --- admins -------------------------------------------------------------------------------------------


@app.route("/admin/groups", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def admin_groups() -> Response:
    return routes.admin_groups(_request())


@app.route("/admin/groups", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def create_group() -> Response:
    return routes.create_group(_request())


@app.route("/admin/groups/{group_id}", methods=["PUT"], authorizer=mentor_auth, cors=CORS)
def update_group(group_id: str) -> Response:
    return routes.update_group(_request(), group_id)


@app.route("/admin/roster", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def duty_roster() -> Response:
    return routes.duty_roster(_request())


@app.route("/admin/groups/{group_id}/duty", methods=["PUT"], authorizer=mentor_auth, cors=CORS)
def set_usual_duty(group_id: str) -> Response:
    return routes.set_usual_duty(_request(), group_id)


@app.route("/admin/groups/{group_id}/duty/{meeting}", methods=["PUT"], authorizer=mentor_auth, cors=CORS)
def swap_duty(group_id: str, meeting: str) -> Response:
    return routes.swap_duty(_request(), group_id, meeting)


@app.route("/admin/mentors", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def list_mentors() -> Response:
    return routes.list_mentors(_request())


@app.route("/admin/mentors", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def add_mentor() -> Response:
    return routes.add_mentor(_request())


@app.route("/admin/mentors/{mentor_id}/deactivate", methods=["POST"], authorizer=mentor_auth, cors=CORS)
def deactivate_mentor(mentor_id: str) -> Response:
    return routes.deactivate_mentor(_request(), DELIVERY, mentor_id)


@app.route("/admin/settings", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def organisation_settings() -> Response:
    return routes.organisation_settings(_request())


@app.route("/admin/settings", methods=["PUT"], authorizer=mentor_auth, cors=CORS)
def change_organisation_settings() -> Response:
    return routes.change_organisation_settings(_request())


@app.route("/admin/figures", methods=["GET"], authorizer=mentor_auth, cors=CORS)
def organisation_figures() -> Response:
    return routes.organisation_figures(_request())
