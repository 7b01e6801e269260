"""Safety, built in: anonymity guard, crisis signals and flood control.

Pure domain code: no AWS, no clock, no logging (message text is never logged).
The chat handler calls :func:`screen_message` for every participant message and
:func:`~chalicelib.safety.flood.admit` for every sender; the results decide whether
the message is delivered, whether the mentors are alerted and what the sender is told.

The API the chat uses::

    screen_message(text, detector=None, previous_text=None) -> Verdict
        detector: the organisation's CrisisDetector (None: CrisisDetector.default());
        previous_text: the sender's previous message, for handles given in two steps.

    Verdict(held_back, crisis_terms, severity, kind)
        held_back     reason code in REASONS or None -> not delivered; the sender is told the code
        severity      None | "concern" | "ideation" | "plan" | "acute"   (SEVERITIES, lowest first)
        kind          None | "crisis" (the teen's own life) | "danger" (someone hurts/threatens them)
        crisis_terms  the concepts found, highest first ("wish_to_die", "act_in_progress",
                      "violence", "unforeseen_wording" for the n-gram second stage, which
                      also names a level ...)
        .deliver      held_back is None
        .crisis       severity is not None: a signal of either kind -> alert the mentors
        .acute        severity == "acute" -> an alert no mentor can miss

    help_lines(severity=None, kind="crisis") -> {"lines": [{id, name, organisation, phone, url}]}
        for "acute" the lines lead with 112; for "danger" only lines meant for a child in
        danger (Børnetelefonen) are listed. The words (intro, what a line is for, when it is
        open) live in the web client, by line id and severity.

    REASONS = ("cpr", "email", "profile_link", "phone", "handle", "address", "name")
    check_text(text, previous_text=None) -> reason | None;  check_pseudonym(name) -> reason | None
    may_finish_previous(text) -> bool: only then is the sender's previous message worth looking up.

    CrisisDetector(extra_terms=(), use_scorer=True); CrisisDetector.default();
    detector.with_extra(terms); detector.extra_terms; detector.assess(text) -> Signal | None;
    detector.find(text) -> concept names. Organisation terms: one phrase per item, words in
    order with a few words allowed between, "word*" for any ending, optionally led by a
    level ("plan: har købt reb"); a term without one is a concern.

Word lists and rules are data (``data/crisis_words.txt``, ``data/crisis_rules.txt``,
name lists, ``data/crisis_ngrams.tsv``); they load on first use, so importing this
package costs no file reads, no stemmer and no phonenumbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from .crisis import KINDS, SEVERITIES, CrisisDetector, Signal, help_lines
from .flood import FloodDecision, FloodLimits, FloodState, admit
from .guard import REASONS, check_pseudonym, check_text, may_finish_previous

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
    "may_finish_previous",
    "screen_message",
]


@dataclass(frozen=True)
class Verdict:
    """What safety says about one message.

    ``held_back``: anonymity reason code (see ``REASONS``) -> do not deliver; tell the
    sender the reason code. ``severity`` (one of ``SEVERITIES``, or None)
    and ``kind`` (``crisis`` or ``danger``): alert the mentors and send the sender
    ``help_lines(severity, kind)``. ``crisis_terms``: the concepts found, highest first.
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
