"""The one error type of the product, and every error code it can carry.

Domain code raises ``ChatError("code", **params)``. The code and its parameters are the
contract: the web client turns them into Danish or English text (``web/i18n``), and outside
clients can rely on them. The ``message`` is an English fallback for developers only. The
edge renders the error as a socket frame (``{"type": "error", ...}``) or as a JSON response
with the code's HTTP status. ``docs/protocol.md`` lists the codes; a test keeps the two equal.
"""

from __future__ import annotations

from typing import Any

# code: (HTTP status, English fallback). Parameters named in braces come with the error.
CODES: dict[str, tuple[int, str]] = {
    # malformed input
    "bad_json": (400, "The body is not valid JSON."),
    "bad_frame": (400, 'A frame is a JSON object with an "action" and valid text fields.'),
    "bad_request": (400, "The request is missing a field or has a wrong one ({field})."),
    "frame_too_large": (400, "The frame is larger than {max_bytes} bytes."),
    "unknown_action": (400, "Unknown action."),
    "bad_client_id": (400, "client_id must be a short string."),
    "bad_message_id": (400, "Expected the id of a message."),
    "bad_limit": (400, "limit must be between 1 and {max}."),
    "bad_reason": (400, "The reason may be at most {max_length} characters."),
    "bad_minutes": (400, "minutes must be between 1 and {max}."),
    "bad_days": (400, "days must be between 1 and {max}, or null for good."),
    "bad_seconds": (400, "seconds must be between 0 and {max}."),
    "bad_date": (400, "date must be a date like 2026-12-24."),
    "bad_status": (400, "status must be open or all."),
    "bad_topic": (400, "The topic may be at most {max_length} characters."),
    "bad_text": (400, "Write an announcement of at most {max_length} characters."),
    "bad_name": (400, "The name must be {min_length}-{max_length} characters."),
    "bad_description": (400, "The description may be at most {max_length} characters."),
    "bad_rules": (400, "Rules are a list of at most {max_items} short texts."),
    "bad_capacity": (400, "Capacity must be between {min} and {max}."),
    "bad_entry_mode": (400, "The entry mode must be open, waiting_room or members_only."),
    "bad_duty": (400, "Choose at most {max} different active mentors of your organisation."),
    "invalid_schedule": (400, "The weekly schedule is not valid ({field})."),
    "invalid_pseudonym": (400, "A pseudonym has {min_length}-{max_length} letters, digits, spaces, dots or dashes."),
    "pseudonym_not_anonymous": (400, "The pseudonym must not reveal who you are ({reason})."),
    "reserved_pseudonym": (400, "That pseudonym is reserved for mentors."),
    "invalid_username": (400, "A username has 3-40 characters: a-z, 0-9, dot, underscore or dash."),
    "invalid_name": (400, "A display name has {min_length}-{max_length} characters."),
    "invalid_role": (400, "The role must be mentor or admin."),
    "weak_password": (400, "The password needs at least {min_length} characters."),
    "common_password": (400, "That password is among the first an attacker tries (or made from the pseudonym)."),
    # an organisation's settings
    "bad_crisis_terms": (
        400,
        "Crisis terms are a list of at most {max_items} phrases of {min_length}-{max_length} characters.",
    ),
    "bad_crisis_term": (
        400,
        'The crisis detector cannot use "{term}": write words without punctuation, '
        "optionally led by a level (concern:, ideation:, plan: or acute:).",
    ),
    "bad_retention": (400, "Retention must be between {min} and {max} days."),
    "bad_flood_limit": (400, "{field} must be a whole number between {min} and {max}."),
    "bad_inactive_months": (400, "inactive_account_months must be whole months between {min} and {max}, or null."),
    # handover between mentors
    "note_too_long": (400, "A note may be at most {max_length} characters."),
    "note_conflict": (409, "Another mentor changed this note meanwhile (it is now version {version}); read it again."),
    # chat
    "empty_message": (400, "Write a message first."),
    "message_too_long": (400, "The message is longer than {max_length} characters."),
    "not_joined": (400, "Join a group first."),
    "session_closed": (409, "The group is not open right now."),
    "session_full": (409, "The group is full today."),
    "muted": (403, "A mentor has paused you until {until}."),
    "banned": (403, "You are banned from this group."),
    "rate_limited": (429, "You are writing very fast; wait {retry_after} s."),
    "repeated": (429, "You just sent the same message."),
    "too_many_reports": (429, "You have reported a lot just now; wait {retry_after} s."),
    "slow_mode": (429, "Slow mode is on; wait {retry_after} s."),
    "too_long": (400, "The message is too long."),
    # check-in and check-out, rounds
    "bad_mood": (400, "A check-in is a whole number from {min} to {max}."),
    "bad_question": (400, "Write a round's question of at most {max_length} characters."),
    "round_running": (409, "A round is already going on; end it first."),
    "round_not_found": (404, "No round is going on (or it is another round now)."),
    "not_your_turn": (409, "It is not your turn in the round."),
    "round_nobody_here": (409, "No teen is here to take a turn."),
    # a mentor is always in the room; admission
    "waiting_for_mentor": (409, "The group starts when a mentor arrives (waited {minutes} min)."),
    "waiting_for_admission": (409, "A mentor lets you in soon; you cannot write before that."),
    "members_only": (403, "This group is for its members only; a mentor can enrol you."),
    "session_locked": (423, "A mentor has locked the group for now; nobody new can come in."),
    "admission_declined": (403, "A mentor did not let you in today."),
    "not_waiting": (404, "Nobody with that pseudonym is waiting to come in."),
    # a private talk with a mentor
    "talk_exists": (409, "You already have a talk with a mentor, or asked for one ({state})."),
    "talk_taken": (409, "{mentor} already took this talk."),
    "talk_not_found": (404, "No such talk."),
    "talk_over": (409, "This talk has ended."),
    "talk_no_mentor": (409, "No mentor is in the group right now to talk with."),
    "not_in_talk": (403, "Only the teen and the mentor of a talk can do that."),
    "too_many_talk_requests": (429, "You have asked to talk many times just now; wait {retry_after} s."),
    # accounts and sign-in
    "bad_credentials": (401, "Wrong name or password."),
    "bad_recovery_code": (401, "Wrong pseudonym or recovery code."),
    "unauthorized": (401, "Log in again."),
    "token_expired": (401, "The log-in has expired."),
    "not_connected": (401, "This connection is unknown; connect again."),
    "too_many_attempts": (429, "Too many attempts; wait {retry_after} s."),
    "too_many_sign_ups": (429, "Many accounts were made from this network just now; wait {retry_after} s."),
    "challenge_required": (400, "Sign-up needs a solved challenge from GET /participants/challenge."),
    "challenge_expired": (400, "The challenge has expired or was used already; solve a new one."),
    "account_revoked": (401, "This account no longer has access."),
    "forbidden": (403, "That belongs to another organisation, or needs an admin."),
    "cannot_deactivate_self": (409, "You cannot deactivate yourself."),
    "pseudonym_taken": (409, "That pseudonym is taken."),
    "username_taken": (409, "That username is taken."),
    "too_many_groups": (409, "You can follow at most {max} groups."),
    # reminders
    "not_following": (409, "Follow the group first; reminders are for the groups you follow."),
    "bad_subscription": (400, "The push subscription needs an https endpoint of a browser's push service."),
    "reminders_unavailable": (503, "Reminders are not set up on this server."),
    # things that are not there, or changed meanwhile
    "not_found": (404, "No such route."),
    "group_not_found": (404, "No such group."),
    "session_not_found": (404, "No such session."),
    "message_not_found": (404, "No such message."),
    "participant_not_found": (404, "No participant with that pseudonym."),
    "mentor_not_found": (404, "No mentor with that id in your organisation."),
    "report_not_found": (404, "No such report."),
    "meeting_not_found": (404, "No such meeting in the coming weeks."),
    "not_on_duty": (409, "You are not on duty for that meeting."),
    "organisation_not_found": (404, "Your organisation is not set up; ask whoever runs the platform."),
    "session_not_open": (409, "The session is not open."),
    "conflict": (409, "The session changed meanwhile; try again."),
    "payload_too_large": (413, "The request body is too large."),
    # ours
    "not_stored": (503, "The message was not saved; send it again."),
    "internal": (500, "Something went wrong on our side; try again shortly."),
}


class _Params(dict[str, Any]):
    """Leaves a placeholder visible when a parameter was not given, instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class ChatError(Exception):
    """A refusal the user should see, never a crash: a code, its parameters and a status."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in CODES:
            raise ValueError(f"unregistered error code {code!r}")
        status, template = CODES[code]
        self.code = code
        self.status = status
        self.params = {key: value for key, value in params.items() if value is not None}
        self.message = template.format_map(_Params(self.params))
        super().__init__(self.message)

    def as_frame(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "message": self.message, **self.params}

    def as_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.params}}
