"""The apps' Chinese catalogs (orders/, production/, inventory/, bom/, accounts/, config/locale):
every message the code marks is translated, with the same placeholders, and the committed .mo
says what the .po says (a fuzzy entry, which msgfmt leaves out, would read English)."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["orders", "production", "inventory", "bom", "accounts", "config"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")
# Django's makemessages keywords for Python sources
KEYWORDS = ["gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2", "pgettext_lazy:1c,2", "_"]


def _catalog(app: str) -> Path:
    return ROOT / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(po: Path) -> list[tuple[tuple[str, str], str, list[str]]]:
    """((msgctxt, msgid), msgstr, flags) of each entry but the header."""
    entries: list[tuple[tuple[str, str], str, list[str]]] = []
    flags: list[str] = []
    current: dict[str, list[str]] = {"msgctxt": [], "msgid": [], "msgstr": []}
    field = ""
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if current["msgstr"] and not line.startswith('"'):  # the entry ends: a blank line, a comment, a msgid
            key = ("".join(current["msgctxt"]), "".join(current["msgid"]))
            if key[1]:
                entries.append((key, "".join(current["msgstr"]), flags))
            flags, current = [], {"msgctxt": [], "msgid": [], "msgstr": []}
        if line.startswith("#,"):
            flags += [f.strip() for f in line[2:].split(",")]
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ")):
            field, _, quoted = line.partition(" ")
            current[field].append(ast.literal_eval(quoted))
        elif line.startswith('"'):
            current[field].append(ast.literal_eval(line))
    return entries


@pytest.mark.parametrize("app", APPS)
def test_every_message_of_the_catalog_is_translated_with_its_placeholders(app):
    entries = _entries(_catalog(app))
    assert entries
    for (_context, msgid), msgstr, flags in entries:
        assert msgstr and "fuzzy" not in flags, msgid
        assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid


@pytest.mark.parametrize("app", APPS)
def test_the_committed_mo_says_what_the_po_says(app):
    po = _catalog(app)
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for (context, msgid), msgstr, _flags in _entries(po):
        assert (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) == msgstr, msgid


@pytest.mark.parametrize("app", APPS)
def test_every_message_the_apps_code_marks_is_in_its_catalog(app, tmp_path):
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
    marked = {key for key, _msgstr, _flags in _entries(pot)}
    translated = {key for key, _msgstr, _flags in _entries(_catalog(app))}
    project = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"  # the pages' catalog (i18n)
    if project.exists():
        translated |= {key for key, msgstr, _flags in _entries(project) if msgstr}
    assert marked - translated == set()
