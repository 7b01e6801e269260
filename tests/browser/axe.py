"""axe-core in the page under test: the rules a screen-reader or keyboard user would trip over.

``axe.min.js`` from axe-core's npm package lives in ``.cache/axe/`` (not in git: 650 KB). It is
evaluated through the DevTools protocol rather than added as a <script>, so the page's Content
Security Policy stays as it is in production.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / ".cache" / "axe" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def _source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(
            f"{AXE_JS} is missing: `mkdir -p .cache/axe && cd .cache/axe && npm pack axe-core@4.14.1` "
            "and unpack package/axe.min.js there"
        )
    return AXE_JS.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """What axe-core finds in the page as it is now: ``[{"id", "impact", "help", "nodes": [...]}]``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary })),
            }));
        }""",
        TAGS,
    )


def summary(found: list[dict]) -> str:
    """One line per violation and element, for an assertion message a person can act on."""
    return "\n".join(f"{v['id']} ({v['impact']}): {n['target']} {n['html']}" for v in found for n in v["nodes"])
