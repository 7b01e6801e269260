"""axe-core in the page under test: the accessibility rules a screen reader user would trip over.

The npm package's ``axe.min.js`` is fetched by the Makefile (``make .cache/axe/axe.min.js``) and
evaluated in the page through the DevTools protocol, so the page's Content Security Policy stays as
it is in production. Shared by the teen's and the mentor's browser tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / ".cache" / "axe" / "axe.min.js"
# WCAG 2.1 A and AA plus axe's best practices: what the project promises (docs/accessibility in the README).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def _source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `make .cache/axe/axe.min.js` (npm pack axe-core)")
    return AXE_JS.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """The violations axe-core finds in the page as it is now, each as
    ``{"id", "impact", "help", "nodes": [{"target", "html", "summary"}]}``."""
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
