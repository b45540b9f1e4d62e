"""The apps' Chinese catalogs (orders/, production/, inventory/, bom/, accounts/, config/locale):
every message the code marks is in a catalog, and every translation keeps its placeholders.
(tests/test_i18n_catalogs.py proves every catalog whole, and its .mo the .po compiled.)"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["orders", "production", "inventory", "bom", "accounts", "config"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")
# Django's makemessages keywords for Python sources
KEYWORDS = [
    "gettext",
    "gettext_noop",
    "gettext_lazy",
    "ngettext:1,2",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "pgettext_lazy:1c,2",
    "npgettext:1c,2,3",
    "npgettext_lazy:1c,2,3",
    "_",
]
PROJECT = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"  # the pages' catalog


def _catalog(app: str) -> Path:
    return ROOT / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _keys(po: Path) -> set[tuple[str, str]]:
    return {(e.msgctxt or "", e.msgid) for e in polib.pofile(str(po)) if e.msgid and not e.obsolete}


@pytest.mark.parametrize("app", APPS)
def test_every_translation_keeps_the_placeholders_of_its_message(app):
    entries = [e for e in polib.pofile(str(_catalog(app))) if e.msgid and not e.obsolete]
    assert entries
    for e in entries:
        wanted = sorted(set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or "")))
        said = [e.msgstr] if not e.msgid_plural else [e.msgstr_plural[i] for i in sorted(e.msgstr_plural)]
        for text in said:
            # a Chinese plural form may leave out a count the sentence does not need, never add one
            assert set(PLACEHOLDER.findall(text)) <= set(wanted), e.msgid
            if not e.msgid_plural:
                assert sorted(set(PLACEHOLDER.findall(text))) == wanted, e.msgid


@pytest.mark.parametrize("app", APPS)
def test_every_message_the_apps_code_marks_is_in_a_catalog(app, tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install gettext")
    sources = sorted(str(p) for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)
    pot = tmp_path / "app.pot"
    subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", "--no-location", "--force-po", "-o", str(pot)]
        + [f"--keyword={k}" for k in KEYWORDS]
        + sources,
        check=True,
    )
    marked = _keys(pot)
    translated = _keys(_catalog(app)) | _keys(PROJECT)
    assert marked - translated == set()
