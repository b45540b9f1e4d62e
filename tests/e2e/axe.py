"""Accessibility checks with axe-core (npm's package, installed by `make test`, run in the page)."""

import json
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the product promises.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page: Page) -> list[dict]:
    """The serious and critical WCAG A/AA violations axe-core finds on the page as it is now."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` (make test does).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated by the browser's DevTools protocol, not as a <script> the page's CSP would refuse
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def assert_accessible(page: Page) -> None:
    """Fail with axe's own words (rule, impact, the offending elements) on any serious violation."""
    violations = axe_violations(page)
    report = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [{"target": n["target"], "summary": n.get("failureSummary", "")} for n in v["nodes"][:5]],
        }
        for v in violations
    ]
    assert not violations, f"axe on {page.url}:\n{json.dumps(report, indent=2, ensure_ascii=False)}"
