"""Demo data so a newcomer can chat within a minute: an organisation, a group open now."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib import storage
from chalicelib.accounts import mentors
from chalicelib.sessions.calendar import CLOSING_WARNING
from chalicelib.sessions.keeper import plan_next

DEMO_ORG = "demo"
DEMO_GROUP = "demo-torsdag"
# Demo-only accounts, printed at start: never seeded anywhere but the local stack.
DEMO_STAFF = (
    ("mentor", "Mette", "mentor", "demo-mentor-1"),
    ("admin", "Anders", "admin", "demo-admin-1"),
)


def seed_demo(now: datetime, demo_length: timedelta = timedelta(hours=3)) -> list[str]:
    """Idempotent: creates what is missing and opens a demo session if none is open now.

    Returns lines worth printing for the person who started the stack.
    """
    if storage.get_organisation(DEMO_ORG) is None:
        storage.Organisation(DEMO_ORG, name="Demoforeningen", retention_days=30).save()
    if storage.get_group(DEMO_GROUP) is None:
        storage.Group(
            DEMO_GROUP,
            org_id=DEMO_ORG,
            name="Torsdagsgruppen",
            description="En hyggelig gruppe for dig, der har brug for nogen at snakke med.",
            rules=[
                "Vær sød og respektfuld.",
                "Del aldrig navn, telefon, adresse eller profiler – heller ikke andres.",
                "Det, der bliver sagt her, bliver her.",
                "Mentoren er her for at passe på jer.",
            ],
            capacity=15,
            weekday=now.weekday(),
            start_time="19:00",
            duration_minutes=90,
        ).save()
    lines = []
    for username, name, role, password in DEMO_STAFF:
        if storage.find_mentor(username) is None:
            # Demo passwords printed on start ("demo-mentor-1"): too easy for a real account, on purpose.
            mentors.create(DEMO_ORG, username, name, password, role, now, check_strength=False)
    group = storage.Group.get(DEMO_GROUP)
    if not group.duty_mentors:
        mette = storage.find_mentor("mentor")
        if mette is not None:
            storage.set_duty_mentors(group, [mette.mentor_id])  # the demo mentor is on duty every week
    lines.append("Mentor view: /mentor.html  (mentor / demo-mentor-1, admin / demo-admin-1)")
    # No session without an adult, in the demo too: teens can read, but write only with a mentor there.
    lines.append(
        "To chat: open /mentor.html in one tab, log in as mentor / demo-mentor-1 and enter "
        "Torsdagsgruppen; then open / in another tab (a private window for a second teen) and sign up."
    )
    if not any(s.status == storage.OPEN for s in storage.latest_sessions(DEMO_GROUP, now)):
        starts = now.replace(microsecond=0) - timedelta(minutes=1)
        length = demo_length + timedelta(minutes=1)
        storage.Session(
            f"{DEMO_GROUP}:demo:{starts:%Y%m%dT%H%MZ}",
            group_id=DEMO_GROUP,
            org_id=DEMO_ORG,
            starts_at=starts,
            ends_at=starts + length,
            status=storage.OPEN,
            topic="Velkommen! Hvordan har din uge været?",
            due_bucket=storage.PENDING,
            due_at=starts + length - CLOSING_WARNING,
            live_bucket=storage.LIVE,
            presence_since=starts,
        ).save()
        lines.append(f"Demo group 'Torsdagsgruppen' is open until {starts + length:%H:%M} UTC.")
    plan_next(storage.Group.get(DEMO_GROUP), now)
    return lines
