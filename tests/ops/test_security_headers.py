"""Every answer carries the Content-Security-Policy (no inline script or style) and the
Permissions-Policy; tests/e2e/test_csp.py proves the pages still work under them in Chromium."""

import pytest

from config.security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY


@pytest.mark.parametrize(
    "path", ["/", "/products/mtm-suit/", "/login/", "/no-such-page/", "/api/v1/products/", "/healthz"]
)
def test_every_answer_has_the_security_headers(client, path, demo):
    response = client.get(path)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY and "camera=()" in PERMISSIONS_POLICY
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_the_api_docs_allow_inline_styles_and_nothing_more(client):
    response = client.get("/api/v1/docs/")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )


def test_no_page_template_has_an_inline_script_or_style(settings):  # <style> too: the 500 page had one
    # the policy would block them: every script and style is a file (static/)
    import re
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "templates"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"<style[\s>]|<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"|\son[a-z]+=\"", path.read_text())
    ]
    assert offenders == []
