"""Where a page in docs/ lists something the code defines, the two are compared, both ways.

Docs that drift from the code are worse than none: an outside client trusts docs/protocol.md. Each
test reads a table (or a list of headings) from a page and the registry the code keeps, and names
what one side has and the other lacks. The links test keeps the README and docs/ navigable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
# Pages the README links that other branches are writing; a link to one may dangle only while the
# page does not exist yet. Once both have landed this set can go.
ARRIVING = {DOCS / "local.md", DOCS / "performance.md"}
README_MAX_LINES = 200


# --- reading markdown --------------------------------------------------------------------------


def page(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under ``heading`` (e.g. ``"## Error codes"``) up to the next heading of its level or above."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == heading)
    except StopIteration:
        raise AssertionError(f"no heading {heading!r}") from None
    end = len(lines)
    for i in range(start + 1, len(lines)):
        match = re.match(r"^(#+)\s", lines[i])
        if match and len(match.group(1)) <= level:
            end = i
            break
    return "\n".join(lines[start + 1 : end])


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the first markdown table in ``text``, as stripped cells."""
    rows: list[list[str]] = []
    in_table = False
    for line in text.splitlines():
        if line.startswith("|"):
            in_table = True
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif in_table:
            break
    assert len(rows) >= 3, "expected a table with a header, a separator and rows"
    return rows[2:]


def code_of(cell: str) -> str:
    """The first `code span` of a cell: the name the row is about."""
    match = re.search(r"`([^`]+)`", cell)
    assert match, f"no `name` in table cell {cell!r}"
    return match.group(1)


def first_column(text: str, heading: str) -> list[str]:
    return [code_of(row[0]) for row in table_rows(section(text, heading))]


def assert_same(documented: list[str], defined: set[str], what: str, where: str) -> None:
    duplicates = sorted({name for name in documented if documented.count(name) > 1})
    assert not duplicates, f"{what} listed twice in {where}: {duplicates}"
    missing = sorted(defined - set(documented))
    extra = sorted(set(documented) - defined)
    assert not missing, f"{what} the code defines but {where} does not list: {missing}"
    assert not extra, f"{what} {where} lists but the code does not define: {extra}"


# --- the wire protocol ----------------------------------------------------------------------------


def test_error_codes_in_the_protocol_page_are_the_registry_with_its_statuses():
    from chalicelib.errors import CODES

    rows = table_rows(section(page("docs/protocol.md"), "## Error codes"))
    documented = [code_of(row[0]) for row in rows]
    assert_same(documented, set(CODES), "error codes", "docs/protocol.md")
    statuses = {code_of(row[0]): row[1] for row in rows}
    wrong = {code: (status, CODES[code][0]) for code, status in statuses.items() if status != str(CODES[code][0])}
    assert not wrong, f"status in docs/protocol.md vs chalicelib/errors.py: {wrong}"


def test_server_frame_types_in_the_protocol_page_are_the_ones_frames_builds():
    from chalicelib.frames import FRAME_TYPES

    documented = first_column(page("docs/protocol.md"), "## Frames the server sends")
    assert_same(documented, set(FRAME_TYPES), "frame types", "docs/protocol.md")


def test_client_actions_in_the_protocol_page_are_the_ones_the_chat_dispatches():
    from chalicelib.chat.service import ACTIONS

    documented = first_column(page("docs/protocol.md"), "## What the client sends")
    assert_same(documented, set(ACTIONS), "client actions", "docs/protocol.md")


def test_limits_in_the_protocol_page_are_the_published_limits_with_their_values():
    from chalicelib.limits import published

    rows = table_rows(section(page("docs/protocol.md"), "## Limits"))
    documented = [code_of(row[0]) for row in rows]
    limits = published()
    assert_same(documented, set(limits), "limits", "docs/protocol.md")
    values = {code_of(row[0]): int(row[1].replace(",", "")) for row in rows}
    wrong = {name: (value, limits[name]) for name, value in values.items() if value != limits[name]}
    assert not wrong, f"value in docs/protocol.md vs chalicelib/limits.py: {wrong}"


# --- the REST API ------------------------------------------------------------------------------------

ROUTE_HEADING = re.compile(r"^###\s+`(GET|POST|PUT|DELETE|PATCH)\s+(/\S*)`\s*$", re.M)


def test_rest_routes_in_the_api_page_are_the_routes_app_registers():
    from app import app

    documented = [f"{method} {path}" for method, path in ROUTE_HEADING.findall(page("docs/api.md"))]
    registered = {f"{method} {path}" for path, methods in app.routes.items() for method in methods}
    assert registered, "app.routes is empty: the comparison would prove nothing"
    assert_same(documented, registered, "routes", "docs/api.md")


# --- configuration ---------------------------------------------------------------------------------

ENV_READ = re.compile(r"""(?:environ|env)(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_read_by_the_product() -> set[str]:
    sources = [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]
    return {name for source in sources for name in ENV_READ.findall(source.read_text(encoding="utf-8"))}


def test_configuration_page_lists_every_environment_variable_the_product_reads():
    read = variables_read_by_the_product()
    # The scan itself must see what config.py reads, or an empty set would pass.
    assert {"TABLE_PREFIX", "TOKEN_SECRET_PARAM", "CONNECTIONS_ENDPOINT"} <= read
    text = page("docs/configuration.md")
    documented = {code_of(row[0]) for row in table_rows(section(text, "## Environment variables"))}
    missing = sorted(read - documented)
    assert not missing, f"read in chalicelib/ but not in docs/configuration.md: {missing}"


# --- links ------------------------------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def pages() -> list[Path]:
    return [README, ROOT / "CHANGELOG.md", *sorted(DOCS.glob("*.md"))]


def without_code(text: str) -> str:
    """Fenced blocks and inline code are not links."""
    text = re.sub(r"(?ms)^```.*?^```", "", text)
    return re.sub(r"``[^`]+``|`[^`\n]+`", lambda m: m.group(0).strip("`"), text)


def links(path: Path) -> list[str]:
    return LINK.findall(without_code(path.read_text(encoding="utf-8")))


def anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered."""
    seen: dict[str, int] = {}
    found = set()
    for line in without_code(path.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1))
        slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file_and_heading_that_exist(path: Path):
    broken = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            if resolved not in ARRIVING:
                broken.append(target)
            continue
        if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)} links to what does not exist: {broken}"


def test_the_readme_links_every_docs_page():
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in links(README)}
    unlinked = sorted(p.name for p in [*DOCS.glob("*.md"), *ARRIVING] if p.resolve() not in linked)
    assert not unlinked, f"docs pages the README does not link: {unlinked}"
    assert (ROOT / "CHANGELOG.md").resolve() in linked, "the README does not link CHANGELOG.md"


def test_the_readme_stays_a_front_page():
    lines = len(page("README.md").splitlines())
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines; move detail into docs/ (at most {README_MAX_LINES})"
    )
