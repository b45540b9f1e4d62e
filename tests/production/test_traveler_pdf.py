"""The traveler PDF: Chinese set in an embedded CJK font subset; every cell's text within its column."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from inventory.models import Item
from orders.services import order_place, order_release
from production.models import ProductionOrder
from production.services import production_replan
from production.travelers import FONT_SIZE, LATIN_FONT, MIN_FONT_SIZE, cjk_font, fit_text
from tests.factories import suit_spec

LONG_SKU = "FAB-WOOL-SUPER150S-NAVY-HERRINGBONE-VITALE-BARBERIS-2026-W01"  # 60 characters, Item.sku's most
SKU_COLUMN = 34 * mm - 2 * 4  # the material table's Item column inside its padding
MONOGRAM = "王小明 W.M."


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (`make test` does)")
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def traveler(tmp_path, demo, customer, operator_api) -> Path:
    order, _ = order_place(customer=customer, lines=[{"product": "mtm-suit", "quantity": 1,
                                                      "spec": suit_spec(monogram=MONOGRAM)}],
                           idempotency_key=None)  # fmt: skip
    order_release(order_id=order.pk)
    production_replan()
    po = ProductionOrder.objects.get(order_line__order=order)
    Item.objects.filter(pk=po.materials.order_by("item__sku").first().item_id).update(sku=LONG_SKU)
    response = operator_api.get(f"/api/v1/production/orders/{po.number}/traveler.pdf")
    assert response.status_code == 200
    path = tmp_path / "traveler.pdf"
    path.write_bytes(response.content)
    return path


def test_the_traveler_embeds_a_subset_of_the_cjk_font(traveler):
    fonts = poppler("pdffonts", str(traveler)).splitlines()[2:]
    cjk = [line.split() for line in fonts if "WenQuanYiMicroHei" in line]
    assert len(cjk) == 1, fonts
    name, kind, *_, emb, sub, uni, _obj, _gen = cjk[0]
    assert name.split("+")[0].isupper() and len(name.split("+")[0]) == 6  # a subset's tag: ABCDEF+
    assert (kind, emb, sub, uni) == ("TrueType", "yes", "yes", "yes")


def test_the_chinese_monogram_comes_out_as_the_same_characters(traveler):
    text = poppler("pdftotext", "-layout", str(traveler), "-")
    assert MONOGRAM in text


def test_a_60_character_sku_stays_within_its_column_on_the_page(traveler):
    words = poppler("pdftotext", "-bbox", str(traveler), "-")
    pieces = [line for line in words.splitlines() if "<word" in line]
    sku_words = [w for w in pieces if len(text := w.split(">")[1].split("<")[0]) > 2 and text in LONG_SKU]
    assert sku_words, "the long SKU is not on the traveler"
    column_right = 14 * mm + 34 * mm  # page margin + the Item column
    for word in sku_words:
        x_max = float(word.split('xMax="')[1].split('"')[0])
        assert x_max <= column_right, word
    text = poppler("pdftotext", "-raw", str(traveler), "-")
    assert LONG_SKU in text.replace("\n", "")  # wrapped, nothing lost


def test_a_60_character_sku_is_wrapped_to_its_column_at_the_body_size():
    fitted = fit_text(LONG_SKU, width=SKU_COLUMN)
    assert fitted.font == LATIN_FONT and fitted.size == FONT_SIZE and len(fitted.lines) > 1
    assert all(pdfmetrics.stringWidth(line, fitted.font, fitted.size) <= SKU_COLUMN for line in fitted.lines)
    assert "".join(fitted.lines) == LONG_SKU
    assert all(line.endswith("-") for line in fitted.lines[:-1])  # broken after a hyphen, not mid-word


def test_a_sku_without_break_chances_is_cut_where_the_column_ends():
    sku = "W" * 60
    fitted = fit_text(sku, width=SKU_COLUMN)
    assert all(pdfmetrics.stringWidth(line, fitted.font, fitted.size) <= SKU_COLUMN for line in fitted.lines)
    assert "".join(fitted.lines) == sku


def test_a_sku_a_little_too_wide_is_shrunk_onto_one_line():
    sku = "FAB-WOOL-NAVY-S150"
    assert pdfmetrics.stringWidth(sku, LATIN_FONT, FONT_SIZE) > SKU_COLUMN
    fitted = fit_text(sku, width=SKU_COLUMN)
    assert fitted.lines == [sku] and MIN_FONT_SIZE <= fitted.size < FONT_SIZE
    assert pdfmetrics.stringWidth(sku, fitted.font, fitted.size) <= SKU_COLUMN


def test_chinese_is_set_in_the_cjk_font_and_wrapped_between_characters():
    name = "王小明的深蓝色羊毛西装外套与长裤一套定制"
    fitted = fit_text(name, width=30 * mm)
    assert fitted.font == cjk_font() and len(fitted.lines) > 1
    assert all(pdfmetrics.stringWidth(line, fitted.font, fitted.size) <= 30 * mm for line in fitted.lines)
    assert "".join(fitted.lines) == name


def test_a_missing_cjk_font_is_refused_with_what_to_install():
    with (
        override_settings(TRAVELER_CJK_FONT="/nonexistent/cjk.ttf"),
        pytest.raises(ImproperlyConfigured, match="fonts-wqy-microhei"),
    ):
        cjk_font()


def test_a_font_reportlab_cannot_embed_is_refused_with_the_reason(tmp_path):
    not_a_font = tmp_path / "cjk.ttf"
    not_a_font.write_bytes(b"OTTO" + bytes(60))  # a CFF (PostScript-outline) OpenType header
    with (
        override_settings(TRAVELER_CJK_FONT=str(not_a_font)),
        pytest.raises(ImproperlyConfigured, match="not a TrueType font reportlab can embed"),
    ):
        cjk_font()
