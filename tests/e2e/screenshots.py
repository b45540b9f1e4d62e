"""Screenshots for README.md, taken by the browser tests when SCREENSHOTS=1 (make screenshots)."""

import os
from pathlib import Path

from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save the page as docs/screenshots/<name>.png when asked to; a no-op in a normal test run."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled")
