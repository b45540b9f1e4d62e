"""Every translation catalog in the repository (the project's `locale/` and each app's) is whole and
compiled: no entry untranslated or fuzzy, and the committed `.mo` holds exactly the `.po`'s
translations, so what a reviewer reads in the `.po` is what the site says (docs/ARCHITECTURE.md,
"Languages")."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "staticfiles", ".git"}

Key = tuple[str | None, str]


def catalogs() -> list[Path]:
    return sorted(
        path
        for path in ROOT.glob("**/locale/*/LC_MESSAGES/django.po")
        if not SKIPPED & set(path.relative_to(ROOT).parts)
    )


def translations(catalog: polib._BaseFile) -> dict[Key, str | tuple[str, ...]]:
    """Each entry's translation (its plural forms, in order, for a plural entry), by context and msgid."""
    found: dict[Key, str | tuple[str, ...]] = {}
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt or None, entry.msgid)
        if entry.msgid_plural:
            found[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            found[key] = entry.msgstr
    return found


def test_the_project_catalog_is_among_them():
    assert ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po" in catalogs()


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_entry_is_translated_and_none_is_fuzzy(po_path):
    po = polib.pofile(str(po_path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy
    assert po.metadata.get("Plural-Forms"), "the header says how plurals are formed"


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_committed_mo_holds_exactly_the_po_s_translations(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.relative_to(ROOT)} is missing: run manage.py compilemessages"
    expected = translations(polib.pofile(str(po_path)))
    compiled = translations(polib.mofile(str(mo_path)))
    stale = {key: (value, compiled.get(key)) for key, value in expected.items() if compiled.get(key) != value}
    extra = sorted(set(compiled) - set(expected), key=str)
    assert stale == {} and extra == [], "the .mo is stale: run manage.py compilemessages"
