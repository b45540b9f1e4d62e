"""What the journeys share: the demo factory with orders in every state, and a user's session."""

from playwright.sync_api import Browser, Page

LANGUAGES = ["en", "zh-Hans"]


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
