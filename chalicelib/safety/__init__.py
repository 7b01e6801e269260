"""Safety, built in: anonymity guard, crisis signals and flood control.

Pure domain code: no AWS, no clock, no logging (message text is never logged).
The chat handler calls :func:`screen_message` for every message and
:func:`~chalicelib.safety.flood.admit` for every sender; the results decide whether
the message is delivered, whether the mentor is alerted and what the sender is told.
"""

from __future__ import annotations

from dataclasses import dataclass

from .crisis import KINDS, SEVERITIES, CrisisDetector, Signal, help_lines, help_text
from .flood import FloodDecision, FloodLimits, FloodState, admit
from .guard import REASONS, check_pseudonym, check_text, notice, notices

__all__ = [
    "KINDS",
    "REASONS",
    "SEVERITIES",
    "CrisisDetector",
    "FloodDecision",
    "FloodLimits",
    "FloodState",
    "Signal",
    "Verdict",
    "admit",
    "check_pseudonym",
    "check_text",
    "help_lines",
    "help_text",
    "notice",
    "notices",
    "screen_message",
]


@dataclass(frozen=True)
class Verdict:
    """What safety says about one message.

    ``held_back``: anonymity reason code (see ``REASONS``) -> do not deliver; tell the
    sender ``notice(held_back, lang)``. ``severity`` (one of ``SEVERITIES``, or None)
    and ``kind`` (``crisis`` or ``danger``): alert the mentors and send the sender
    ``help_text(lang, severity, kind)``. ``crisis_terms``: the concepts found, highest first.
    """

    held_back: str | None
    crisis_terms: tuple[str, ...] = ()
    severity: str | None = None
    kind: str | None = None

    @property
    def deliver(self) -> bool:
        return self.held_back is None

    @property
    def crisis(self) -> bool:
        """True for any signal, of either kind: the mentors must see it."""
        return self.severity is not None

    @property
    def acute(self) -> bool:
        return self.severity == "acute"


def screen_message(text: str, detector: CrisisDetector | None = None, previous_text: str | None = None) -> Verdict:
    """Run both text checks on a message.

    ``previous_text`` is the sender's previous message, if any: "har du snap?" then
    "luna_x09" shares a handle across two messages. Crisis wording is looked for even
    in a message that is held back: a teen who writes "I want to die, call me on
    12345678" must still reach the mentor.
    """
    signal = (detector or CrisisDetector.default()).assess(text)
    held_back = check_text(text, previous_text=previous_text)
    if signal is None:
        return Verdict(held_back=held_back)
    return Verdict(held_back, signal.concepts, signal.severity, signal.kind)
