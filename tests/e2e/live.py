"""What the live-configurator tests share: counting htmx swaps, and choosing a value then waiting
for the configurator's answer to be swapped in."""

from playwright.sync_api import Page

# Added to a context before its pages load (context.add_init_script): counts htmx's swaps.
SWAP_COUNTER = "window.__swaps = 0; document.addEventListener('htmx:after:swap', () => { window.__swaps += 1; });"


def swaps(page: Page) -> int:
    return int(page.evaluate("window.__swaps"))


def choose(page: Page, name: str, value: str) -> None:
    """Pick a value (a click, a tap or the keyboard alike) and wait until the configurator's answer
    is swapped in."""
    before = swaps(page)
    page.select_option(f"select[name={name}]", value)
    page.wait_for_function(f"() => window.__swaps > {before}")
