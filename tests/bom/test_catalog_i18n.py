"""Catalog texts in two languages (issue 8, API.md): a catalog text is plain English or
`{en: ..., zh-Hans: ...}`; the API answers in the request's Accept-Language (Simplified Chinese
or English), English for anything else and for a text without a translation."""

import re
from pathlib import Path

import pytest

from bom.models import Option, Product, ProductVersion
from bom.selectors import version_get_published
from bom.services import PublishRefused, catalog_load_file, version_create_draft, version_publish
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}

CHAIR = """\
slug: i18n-chair
name: {name}
currency: CNY
base_price: "100.00"
options:
  - key: color
    label: {label}
    type: choice
    choices:
      - {{value: red, label: {{en: Red, zh-Hans: 红色}}}}
      - {{value: blue, label: Blue}}
rules:
  - key: not_blue
    expr: "color != 'blue'"
    message: {{en: Blue is sold out., zh-Hans: 蓝色已售罄。}}
routing:
  - {{key: cut, name: Cut cloth, work_center: CUT, run_minutes: "5"}}
"""


def _chair(tmp_path: Path, *, name: str = "Chair", label: str = "{en: Colour, zh-Hans: 颜色}") -> Path:
    path = tmp_path / "i18n-chair.yaml"
    path.write_text(CHAIR.format(name=name, label=label), encoding="utf-8")
    return path


def _zh(text: str) -> bool:
    return bool(CJK.search(text))


def test_a_catalog_text_is_plain_english_or_a_mapping_of_languages(tmp_path: Path, anon):
    # given a catalog with a plain name, a translated option label, choice label and rule message
    catalog_load_file(path=_chair(tmp_path, name="Chair"))
    # when it is described in Chinese
    described = anon.get("/api/v1/products/i18n-chair/", **ZH).json()
    # then translated texts are Chinese and the untranslated ones fall back to English
    assert described["name"] == "Chair"
    option = described["options"][0]
    assert option["label"] == "颜色"
    assert [c["label"] for c in option["choices"]] == ["红色", "Blue"]
    # and in English the English texts
    english = anon.get("/api/v1/products/i18n-chair/").json()["options"][0]
    assert english["label"] == "Colour" and [c["label"] for c in english["choices"]] == ["Red", "Blue"]
    # and the rule's message is in the request's language
    answer = anon.post("/api/v1/products/i18n-chair/configure/", {"spec": {}}, format="json", **ZH).json()
    assert answer["domains"]["color"]["excluded"] == {"blue": "蓝色已售罄。"}


def test_a_translation_without_english_is_refused_and_located(tmp_path: Path):
    versions = ProductVersion.objects.count()
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=_chair(tmp_path, label="{zh-Hans: 颜色}"))
    assert any(p.startswith("i18n-chair.yaml, line 7: options[0].label.en") for p in refused.value.problems), (
        refused.value.problems
    )
    assert ProductVersion.objects.count() == versions
    assert not Product.objects.filter(slug="i18n-chair").exists()


def test_an_unknown_language_is_refused_and_located(tmp_path: Path):
    versions = ProductVersion.objects.count()
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=_chair(tmp_path, name="{en: Chair, fr: Chaise}"))
    assert any(
        p.startswith("i18n-chair.yaml, line 2: name.fr") and "unknown language" in p for p in refused.value.problems
    ), refused.value.problems
    assert ProductVersion.objects.count() == versions
    assert not Product.objects.filter(slug="i18n-chair").exists()


def test_a_version_keeps_its_translations(tmp_path: Path):
    # given a loaded catalog whose label is translated
    version, _ = catalog_load_file(path=_chair(tmp_path))
    # then the option row stores the English text and the translation beside it
    option = Option.objects.get(version=version, key="color")
    assert option.label == "Colour" and option.translations == {"label": {"zh-Hans": "颜色"}}


@pytest.mark.parametrize("slug", ["mtm-suit", "custom-cabinet", "refrigerator"])
def test_demo_products_are_described_in_chinese(anon, slug):
    # when a demo product is described with Accept-Language zh-Hans
    described = anon.get(f"/api/v1/products/{slug}/", **ZH).json()
    # then its name, description, every option label, group, help and choice label are Chinese
    texts = [described["name"], described["description"]]
    for option in described["options"]:
        texts += [option["label"], *[c["label"] for c in option.get("choices", [])]]
        texts += [option[k] for k in ("group", "help") if option.get(k)]
    untranslated = [t for t in texts if not _zh(t)]
    assert not untranslated
    if slug != "refrigerator":  # the refrigerator keeps LED, Wi-Fi, A+++, V and Hz as a factory writes them
        assert not [t for t in texts if LATIN.search(t)]
    # and the names of the product list are Chinese too
    listed = {p["slug"]: p for p in anon.get("/api/v1/products/", **ZH).json()["results"]}
    assert _zh(listed[slug]["name"]) and _zh(listed[slug]["description"])


def test_a_conflicting_suit_gives_chinese_reasons(anon):
    # given a suit with a shawl lapel on a two-button jacket, asked in Chinese
    spec = {**suit_spec(), "jacket": "sb2", "lapel": "shawl"}
    answer = anon.post("/api/v1/products/mtm-suit/configure/", {"spec": spec}, format="json", **ZH).json()
    # then the errors and the excluded reasons are in Chinese, naming the choices in Chinese
    assert answer["valid"] is False
    messages = [m for ms in answer["errors"].values() for m in ms]
    assert messages and all(_zh(m) for m in messages), messages
    assert any("青果领只能配单排一粒扣上衣" in m for m in messages)
    excluded = answer["domains"]["lapel"]["excluded"]
    assert excluded["shawl"].startswith("青果领只能配单排一粒扣上衣。（您已选择上衣款式：单排两粒扣）"), excluded
    assert all(_zh(reason) for domain in answer["domains"].values() for reason in domain.get("excluded", {}).values())


def test_a_valid_suit_prices_in_chinese(anon):
    spec = {**suit_spec(), "fabric": "cashmere-grey"}
    answer = anon.post("/api/v1/products/mtm-suit/configure/", {"spec": spec}, format="json", **ZH).json()
    assert answer["valid"] is True
    labels = [line["label"] for line in answer["price_breakdown"]]
    assert labels[0] == "基础价格" and "面料：灰色羊绒" in labels


def test_fixed_phrases_are_chinese(anon):
    spec = {**suit_spec(), "chest_cm": 10, "bogus": 1}
    answer = anon.post("/api/v1/products/mtm-suit/configure/", {"spec": spec}, format="json", **ZH).json()
    assert answer["errors"]["chest_cm"] == ["不得小于 80。"]
    assert answer["errors"]["bogus"] == ["未知选项。"]


@pytest.mark.parametrize("header", [None, "fr", "en-GB", "de, zh-Hant;q=0.1"])
def test_other_languages_are_answered_in_english(anon, header):
    headers = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    spec = {**suit_spec(), "jacket": "sb2", "lapel": "shawl"}
    described = anon.get("/api/v1/products/mtm-suit/", **headers).json()
    assert described["name"] == "Made-to-measure suit" and described["options"][0]["label"] == "Fabric"
    answer = anon.post("/api/v1/products/mtm-suit/configure/", {"spec": spec}, format="json", **headers).json()
    assert answer["domains"]["lapel"]["excluded"]["shawl"].startswith(
        "A shawl lapel needs a one-button single-breasted jacket. (you chose Jacket: Two-button single-breasted)"
    )


@pytest.mark.parametrize("header", ["zh-CN", "zh", "zh-Hans-CN", "fr;q=0.9, zh-cn;q=0.8", "zh-Hans,en;q=0.5"])
def test_simplified_chinese_variants_are_answered_in_chinese(anon, header):
    described = anon.get("/api/v1/products/mtm-suit/", HTTP_ACCEPT_LANGUAGE=header).json()
    assert described["name"] == "量体定制西装" and described["options"][0]["label"] == "面料"
    assert not LATIN.search(described["options"][0]["choices"][0]["label"])


def test_answers_vary_by_accept_language(anon):
    # the three answers depend on the language: a cache must keep them apart
    responses = [
        anon.get("/api/v1/products/", **ZH),
        anon.get("/api/v1/products/mtm-suit/", **ZH),
        anon.post("/api/v1/products/mtm-suit/configure/", {"spec": {}}, format="json", **ZH),
    ]
    for response in responses:
        assert response.status_code == 200
        assert "Accept-Language" in response.headers.get("Vary", ""), response.headers


def test_a_draft_copy_keeps_the_translations(anon):
    # given the published suit, edited as a draft copy and published again
    current = version_get_published(slug="mtm-suit")
    draft = version_create_draft(from_version=current)
    version_publish(version=draft)
    # then the new version answers in Chinese as the old one did
    assert Option.objects.get(version=draft, key="fabric").translations == {
        "label": {"zh-Hans": "面料"},
        "group": {"zh-Hans": "面辅料"},
    }
    described = anon.get("/api/v1/products/mtm-suit/", **ZH).json()
    assert described["version"] == draft.number and described["options"][0]["label"] == "面料"
