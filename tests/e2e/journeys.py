"""What the journeys share: the demo factory with orders in every state, and a user's session."""

import re

from playwright.sync_api import Browser, Page

from tests.e2e.axe import assert_accessible

LANGUAGES = ["en", "zh-Hans"]
HAN = re.compile(r"[\u4e00-\u9fff]")


def check_page(page: Page, language: str) -> None:
    """The page passes axe, and speaks the journey's language: its `lang`, and Chinese words in it."""
    assert_accessible(page)
    chinese = language.startswith("zh")
    assert page.get_attribute("html", "lang") == ("zh-Hans" if chinese else "en"), page.url
    if chinese:
        assert HAN.search(page.locator("main").inner_text()), page.url


def session(browser: Browser, url: str, user: str, language: str) -> Page:
    """A new browser session in `language`, logged in as the demo `user` through the login page."""
    context = browser.new_context(
        locale=language, extra_http_headers={"Accept-Language": language}, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "demo")
    page.locator("form:has(input[name=password]) button[type=submit]").click()  # not the header's forms
    page.wait_for_url(lambda url: "/login/" not in url)
    return page
