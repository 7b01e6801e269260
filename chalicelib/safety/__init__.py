"""Safety, built in: anonymity guard, crisis signals and flood control.

Pure domain code: no AWS, no clock, no logging (message text is never logged).
The chat handler calls :func:`screen_message` for every message and
:func:`~chalicelib.safety.flood.admit` for every sender; the results decide whether
the message is delivered, whether the mentor is alerted and what the sender is told.
"""

from __future__ import annotations

from dataclasses import dataclass

from .crisis import CrisisDetector, help_lines, help_text
from .flood import FloodDecision, FloodLimits, FloodState, admit
from .guard import REASONS, check_pseudonym, check_text, notice, notices

__all__ = [
    "REASONS",
    "CrisisDetector",
    "FloodDecision",
    "FloodLimits",
    "FloodState",
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
    sender ``notice(held_back, lang)``. ``crisis_terms``: non-empty -> alert the mentor
    with high priority and send the sender ``help_text(lang)``.
    """

    held_back: str | None
    crisis_terms: tuple[str, ...]

    @property
    def deliver(self) -> bool:
        return self.held_back is None

    @property
    def crisis(self) -> bool:
        return bool(self.crisis_terms)


def screen_message(text: str, detector: CrisisDetector) -> Verdict:
    """Run both text checks on a message.

    Crisis wording is looked for even in a message that is held back: a teen who
    writes "I want to die, call me on 12345678" must still reach the mentor.
    """
    return Verdict(held_back=check_text(text), crisis_terms=detector.find(text))
