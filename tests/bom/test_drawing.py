"""The product's picture (docs/CATALOG.md, "Drawings"): a catalog's `drawing:` section is checked at
publish with every problem and its path, evaluated over a (partial) spec without ever failing, and
written as inline SVG in which every text is escaped and only checked colours appear."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from bom.configurator import CatalogError, compile_product
from bom.models import ProductVersion
from bom.selectors import engine_for, product_picture, version_get_published
from bom.services import CATALOG_DIR, PublishRefused, catalog_load_file, version_create_draft
from tests.factories import UserFactory, cabinet_spec, suit_spec


def box(drawing: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A small product (no BOM, no routing: no resources needed) with `drawing`."""
    return {
        "slug": "box",
        "name": {"en": "Box", "zh-Hans": "盒子"},
        "currency": "CNY",
        "base_price": "10",
        "options": [
            {"key": "width_mm", "label": "Width", "type": "number", "min": "100", "max": "900", "step": "10"},
            {"key": "shelves", "label": "Shelves", "type": "number", "min": "0", "max": "5", "step": "1"},
            {
                "key": "finish",
                "label": {"en": "Finish", "zh-Hans": "饰面"},
                "type": "choice",
                "choices": [
                    {"value": "white", "label": {"en": "White", "zh-Hans": "白色"}},
                    {"value": "oak", "label": {"en": "Oak", "zh-Hans": "橡木"}},
                ],
            },
            {"key": "name_tag", "label": "Name", "type": "text", "required": False, "max_length": 20},
        ],
        "drawing": drawing,
        **extra,
    }


CANVAS = {"width": "1000", "height": "600"}
BODY = {"shape": "rect", "x": "50", "y": "50", "width": "width_mm", "height": "500", "fill": "#eeeeee"}
SHELVES = {
    "shape": "line",
    "repeat": "shelves",
    "x1": "50",
    "x2": "50 + width_mm",
    "y1": "50 + 500 * (i + 1) / (shelves + 1)",
    "y2": "50 + 500 * (i + 1) / (shelves + 1)",
    "stroke": "#333333",
    "caption": {"en": "{n} shelves", "zh-Hans": "{n} 块层板"},
}


def picture(drawing: dict[str, Any], spec: dict[str, Any], language: str = "en") -> str:
    return compile_product(box(drawing), {}, language).picture(spec)


def problems(drawing: Any) -> list[str]:
    with pytest.raises(CatalogError) as refused:
        compile_product(box(drawing), {})
    return [str(p) for p in refused.value.problems]


def rect_width(svg: str) -> float:
    return float(re.search(r'<rect x="50" y="50" width="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]


# -- evaluation ---------------------------------------------------------------------------------


def test_a_wider_box_draws_a_wider_rect():
    # given a drawing whose body is as wide as the width option
    drawing = {**CANVAS, "shapes": [BODY]}
    # when it is drawn for 300 and for 800
    narrow, wide = picture(drawing, {"width_mm": "300"}), picture(drawing, {"width_mm": "800"})
    # then the rect is as wide as each
    assert rect_width(narrow) == 300 and rect_width(wide) == 800


def test_a_repeat_draws_one_shape_per_count_with_its_index():
    # given shelves repeated `shelves` times, each at its own height
    drawing = {**CANVAS, "shapes": [BODY, SHELVES]}
    # when drawn with 3 shelves, then with none
    three, none = (
        picture(drawing, {"width_mm": "400", "shelves": "3"}),
        picture(drawing, {"width_mm": "400", "shelves": 0}),
    )
    # then there are 3 lines at 3 heights, and none without shelves
    heights = re.findall(r'<line x1="50" y1="([\d.]+)"', three)
    assert heights == ["175", "300", "425"]
    assert "<line" not in none
    # and the caption counts what was drawn
    assert "<desc>3 shelves</desc>" in three


def test_a_shape_whose_condition_is_false_or_unknown_is_left_out():
    # given an oak grain shown only for oak
    grain = {"shape": "circle", "when": "finish == 'oak'", "cx": "100", "cy": "100", "r": "20", "fill": "#aa7744"}
    drawing = {**CANVAS, "shapes": [BODY, grain]}
    # then it appears for oak, not for white, and not while the finish is not chosen
    assert "<circle" in picture(drawing, {"width_mm": "400", "finish": "oak"})
    assert "<circle" not in picture(drawing, {"width_mm": "400", "finish": "white"})
    assert "<circle" not in picture(drawing, {"width_mm": "400"})


def test_an_option_not_chosen_takes_the_drawings_default_or_leaves_its_shapes_out():
    # given a body that reads the width, and shelves that read the shelves
    drawing = {**CANVAS, "shapes": [BODY, SHELVES]}
    # when nothing is chosen: the body needs the width, so it is left out; nothing fails
    empty = picture(drawing, {})
    assert empty.startswith("<svg") and "<rect" not in empty and "<line" not in empty
    # when the drawing assumes a width, the body is drawn with it
    assumed = picture({**drawing, "defaults": {"width_mm": "500"}}, {})
    assert rect_width(assumed) == 500


def test_assumed_values_shape_the_picture_but_are_never_spoken():
    # given a caption and a text that read the width, which the drawing assumes
    label = {"shape": "text", "x": "500", "y": "590", "text": "{width_mm} mm"}
    drawing = {**CANVAS, "defaults": {"width_mm": "500"}, "caption": "Box {width_mm} mm", "shapes": [BODY, label]}
    # when the width is not chosen, the body is drawn but no text states 500
    assumed = picture(drawing, {})
    assert rect_width(assumed) == 500 and "500 mm" not in assumed and "<title>Box</title>" in assumed
    # when it is chosen, it is said
    chosen = picture(drawing, {"width_mm": "700"})
    assert "<title>Box 700 mm</title>" in chosen and ">700 mm</text>" in chosen


def test_the_picture_never_fails_on_a_spec_the_engine_refuses():
    drawing = {**CANVAS, "shapes": [BODY, SHELVES]}
    product = compile_product(box(drawing), {})
    for spec in ({"width_mm": "wide"}, {"width_mm": 12345}, {"nope": 1}, {"finish": ["oak"]}, [], None, "x"):
        svg = product.picture(spec)  # type: ignore[arg-type]
        assert svg.startswith("<svg") and "<rect" not in svg


def test_a_canvas_that_reads_an_option_without_a_value_gives_no_picture():
    drawing = {"width": "width_mm + 100", "height": "600", "shapes": [BODY]}
    assert picture(drawing, {}) == ""
    assert picture(drawing, {"width_mm": "300"}).startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_a_division_by_zero_leaves_that_shape_out():
    # given a shape whose position divides by the shelves
    odd = {"shape": "circle", "cx": "100 / shelves", "cy": "50", "r": "5", "fill": "#000"}
    drawing = {**CANVAS, "shapes": [BODY, odd]}
    assert "<circle" not in picture(drawing, {"width_mm": "300", "shelves": "0"})
    assert '<circle cx="50"' in picture(drawing, {"width_mm": "300", "shelves": "2"})


def test_colours_come_from_a_literal_a_mapping_or_an_if_expression():
    mapped = {**BODY, "fill": {"by": "finish", "colors": {"white": "#ffffff", "oak": "#c8a165"}, "default": "#cccccc"}}
    chosen = {**BODY, "x": "60", "fill": "'#c8a165' if finish == 'oak' else '#ffffff'"}
    drawing = {**CANVAS, "shapes": [mapped, chosen]}
    oak = picture(drawing, {"width_mm": "300", "finish": "oak"})
    assert oak.count('fill="#c8a165"') == 2
    # the mapping's default stands in while the option has no value; the expression cannot
    unset = picture(drawing, {"width_mm": "300"})
    assert 'fill="#cccccc"' in unset and 'x="60"' not in unset


def test_lets_name_values_that_shapes_read_in_any_order():
    drawing = {
        **CANVAS,
        "let": {"right": "left + width_mm", "left": "50"},
        "shapes": [{"shape": "line", "x1": "left", "x2": "right", "y1": "10", "y2": "10", "stroke": "#000"}],
    }
    assert '<line x1="50" y1="10" x2="450" y2="10"' in picture(drawing, {"width_mm": "400"})


def test_polygons_paths_and_rotated_text():
    shapes = [
        {"shape": "polygon", "points": [["0", "0"], ["width_mm", "0"], ["width_mm / 2", "100"]], "fill": "#123"},
        {"shape": "path", "d": [["M", "0", "0"], ["Q", "50", "width_mm / 10", "100", "0"], ["Z"]], "fill": "none"},
        {"shape": "text", "x": "10", "y": "20", "rotate": "-90", "size": "30", "anchor": "middle", "text": "W"},
    ]
    svg = picture({**CANVAS, "shapes": shapes}, {"width_mm": "300"})
    assert '<polygon points="0,0 300,0 150,100" fill="#123"/>' in svg
    assert '<path d="M 0 0 Q 50 30 100 0 Z" fill="none"/>' in svg
    assert '<text x="10" y="20" font-size="30" transform="rotate(-90 10 20)" text-anchor="middle">W</text>' in svg


# -- accessibility and language ------------------------------------------------------------------


def test_the_picture_is_an_image_named_in_the_readers_language():
    drawing = {**CANVAS, "caption": {"en": "Box in {finish}", "zh-Hans": "{finish}盒子"}, "shapes": [BODY, SHELVES]}
    spec = {"width_mm": "300", "shelves": "2", "finish": "oak"}
    english, chinese = picture(drawing, spec), picture(drawing, spec, "zh-Hans")
    assert 'role="img"' in english and 'aria-label="Box in Oak. 2 shelves"' in english
    assert "<title>Box in Oak</title>" in english
    assert "<title>橡木盒子</title>" in chinese and 'aria-label="橡木盒子。2 块层板"' in chinese
    # without a caption of its own, the product's name names it
    assert "<title>盒子</title>" in picture({**CANVAS, "shapes": [BODY]}, spec, "zh-Hans")


# -- safety ---------------------------------------------------------------------------------------


def test_every_text_is_escaped():
    # given a caption and a text shape with markup, and a text shape showing what the customer typed
    drawing = {
        **CANVAS,
        "caption": '<script>alert("x")</script> & co',
        "shapes": [
            BODY,
            {"shape": "text", "x": "1", "y": "2", "text": "<b>{name_tag}</b>", "caption": "Tag '{name_tag}'"},
        ],
    }
    svg = picture(drawing, {"width_mm": "300", "name_tag": '"><script>x</script>'})
    # then no markup gets through, in the title, the label, the description or the text
    assert "<script" not in svg and "<b>" not in svg
    assert "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</title>" in svg
    assert "&lt;b&gt;&quot;&gt;&lt;script&gt;x&lt;/script&gt;&lt;/b&gt;</text>" in svg
    assert 'aria-label="&lt;script&gt;' in svg
    assert len(re.findall(r"<(\w+)", svg)) == len(re.findall(r"<(svg|title|desc|rect|text)\b", svg))


def test_only_colours_that_match_the_strict_pattern_are_written():
    # given a colour mapping read from a text option
    by_text = {**BODY, "fill": {"by": "name_tag", "colors": {"red": "#ff0000"}}}
    svg = picture({**CANVAS, "shapes": [by_text]}, {"width_mm": "300", "name_tag": "red"})
    assert 'fill="#ff0000"' in svg
    # an unknown text has no colour: the shape is left out rather than given that text
    other = picture({**CANVAS, "shapes": [by_text]}, {"width_mm": "300", "name_tag": "url(#x)"})
    assert "<rect" not in other and "url(" not in other


# -- publish-time checks -------------------------------------------------------------------------


def test_a_drawing_is_checked_whole_with_the_path_of_each_problem():
    found = problems(
        {
            "width": "widht_mm",
            "shapes": [
                {"shape": "rect", "x": "0", "y": "0", "width": "10", "height": "'tall'"},
                {"shape": "circle", "cx": "0", "cy": "0", "r": "5", "fill": "red"},
                {"shape": "rect", "x": "0", "y": "0", "width": "1", "height": "1", "when": "width_mm + 1"},
                {"shape": "star", "x": "0"},
                {"shape": "line", "x1": "0", "y1": "0", "x2": "1", "stroke": "#000", "colour": "#fff"},
                {
                    "shape": "rect",
                    "x": "0",
                    "y": "0",
                    "width": "1",
                    "height": "1",
                    "fill": {"by": "finish", "colors": {"oak": "#c8a165", "teak": "#aa6633"}},
                },  # fmt: skip
                {
                    "shape": "rect",
                    "x": "0",
                    "y": "0",
                    "width": "1",
                    "height": "1",
                    "fill": "'#fff' if finish == 'oak' else 'blue'",
                },
                {"shape": "rect", "x": "0", "y": "0", "width": "1", "height": "1", "fill": "finish"},
                {"shape": "path", "d": [["M", "0"], ["W", "1"]]},
                {"shape": "line", "x1": "0", "y1": "0", "x2": "1", "y2": "1", "repeat": "shelves", "index": "shelves"},
                {"shape": "text", "x": "0", "y": "0", "text": "{finish", "anchor": "left"},
            ],
        }
    )
    assert "drawing.height: this field is required" in found
    assert any(
        p.startswith("drawing.width: column 1: unknown name 'widht_mm'; did you mean 'width_mm'?") for p in found
    )
    assert "drawing.shapes[0].height: must be a number, but it gives text" in found
    assert any(p.startswith("drawing.shapes[1].fill: column 1: unknown name 'red'") for p in found)
    assert "drawing.shapes[2].when: must be a condition (true/false), but it gives a number" in found
    assert any(p.startswith("drawing.shapes[3].shape: 'star' is not one of: rect, circle") for p in found)
    assert any(p.startswith("drawing.shapes[4].colour: unknown field") for p in found)
    assert "drawing.shapes[4].y2: this field is required" in found
    assert any(p.startswith("drawing.shapes[5].fill.colors.teak: 'teak' is not a value of 'finish'") for p in found)
    assert any(p.startswith("drawing.shapes[6].fill: 'blue' is not a colour") for p in found)
    assert "drawing.shapes[7].fill: must give a colour in every case: write each colour as text ('#1f2a44')" in found
    assert "drawing.shapes[8].d[0]: M takes 2 numbers (1 given)" in found
    assert any(p.startswith("drawing.shapes[8].d[1]: a command is a list starting with one of M, L") for p in found)
    assert any(p.startswith("drawing.shapes[9].index: 'shelves' is already a name") for p in found)
    assert any(p.startswith("drawing.shapes[10].text: an unmatched {") for p in found)
    assert "drawing.shapes[10].anchor: 'left' is not one of: start, middle, end" in found


def test_lets_defaults_and_captions_are_checked_too():
    found = problems(
        {
            **CANVAS,
            "background": "white",
            "caption": {"en": "Box", "fr": "Boîte"},
            "defaults": {"width_mm": "105", "colour": "red", "finish": "teak"},
            "let": {"a": "b + 1", "b": "a + 1", "finish": "1"},
            "shapes": "rect",
        }
    )
    assert any(p.startswith("drawing.background: 'white' is not a colour") for p in found)
    assert "drawing.caption.fr: unknown language (use one of: en, zh-Hans)" in found
    assert "drawing.defaults.width_mm: '105' is not a value of 'width_mm'" in found
    assert "drawing.defaults.colour: unknown option 'colour'" in found
    assert "drawing.defaults.finish: 'teak' is not a value of 'finish'" in found
    assert any(p.startswith("drawing.let.") and "in a cycle" in p for p in found)
    assert "drawing.let.finish: 'finish' is an option key; choose another name" in found
    assert "drawing.shapes: must be a list, not text" in found
    assert problems(["rect"]) == ["drawing: must be a mapping of fields, not a list"]


def test_a_catalog_file_with_a_bad_drawing_is_refused_at_its_line_and_nothing_is_stored(tmp_path: Path, demo):
    # given the cabinet's file with a typo in a colour of its drawing
    text = (CATALOG_DIR / "custom-cabinet.yaml").read_text(encoding="utf-8")
    broken = text.replace('fill: "#1d243018"', 'fill: "#1d24301"', 1)
    assert broken != text
    path = tmp_path / "custom-cabinet.yaml"
    path.write_text(broken, encoding="utf-8")
    versions = ProductVersion.objects.count()
    # when it is loaded
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=path)
    # then it is refused at the shape's line, and no version is stored
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if "#1d24301" in row)
    assert refused.value.problems == [
        f"custom-cabinet.yaml, line {line}: drawing.shapes[0].fill: '#1d24301' is not a colour: "
        "write '#rgb', '#rrggbb' (quoted in YAML), or none"
    ]
    assert ProductVersion.objects.count() == versions


# -- the demo products ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["custom-cabinet", "refrigerator", "mtm-suit"])
def test_the_demo_products_publish_with_their_drawings_and_answer_exactly_as_without(demo, slug):
    # given the published demo product, which has a drawing
    version = version_get_published(slug=slug)
    assert version.drawing and engine_for(version).picture({}).startswith("<svg")
    # when the same file is compiled without its drawing
    definition = yaml.safe_load((CATALOG_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))
    bare = copy.deepcopy(definition)
    del bare["drawing"]
    with_drawing = compile_product(definition, version.resources)
    without = compile_product(bare, version.resources)
    # then every answer is the same
    specs = {
        "custom-cabinet": [{}, cabinet_spec(), {"doors": "double"}],
        "mtm-suit": [{}, suit_spec(), {"lapel": "shawl"}],
    }
    for spec in specs.get(slug, [{}, {"layout": "french-door"}, {"width_mm": 700, "panel_material": "glass"}]):
        assert with_drawing.configure(spec) == without.configure(spec)


def test_a_draft_copied_from_a_version_keeps_its_drawing(demo):
    version = version_get_published(slug="custom-cabinet")
    draft = version_create_draft(from_version=version)
    assert draft.drawing == version.drawing


def test_the_cabinet_is_drawn_to_scale_with_its_shelves_doors_and_handles(demo):
    narrow = product_picture(
        slug="custom-cabinet", spec={"width_mm": "400", "doors": "none", "shelves": "3"}, language="en"
    )
    wide = product_picture(
        slug="custom-cabinet", spec={"width_mm": "1000", "doors": "none", "shelves": "3"}, language="en"
    )
    front = r'<rect x="300" y="[\d.]+" width="([\d.]+)" height="1800"'
    assert re.search(front, narrow).group(1) == "400" and re.search(front, wide).group(1) == "1000"  # type: ignore[union-attr]
    # 3 shelves on their pins: 3 shelf boards between the sides
    assert len(re.findall(r'<rect x="318" y="[\d.]+" width="364" height="18"', narrow)) == 3
    # double doors with brass knobs: two doors and two knobs, and no shelf boards in sight
    closed = product_picture(
        slug="custom-cabinet", spec={**cabinet_spec(doors="double", handle="knob-brass")}, language="en"
    )
    assert len(re.findall(r'<circle [^>]*fill="#c9a227"', closed)) == 2
    assert 'height="18"' not in closed and closed.count('stroke-dasharray="18"') == 4


def test_the_suits_lapel_buttons_and_fabric_follow_the_choices(demo):
    notch = product_picture(slug="mtm-suit", spec=suit_spec(lapel="notch"), language="en")
    peak = product_picture(slug="mtm-suit", spec=suit_spec(lapel="peak"), language="en")
    assert notch != peak and "Notch lapel" in notch and "Peak lapel" in peak
    charcoal = product_picture(slug="mtm-suit", spec=suit_spec(fabric="wool-charcoal"), language="zh-Hans")
    assert 'fill="#3d4147"' in charcoal and 'fill="#24324f"' not in charcoal and "炭灰羊毛" in charcoal
    double = product_picture(slug="mtm-suit", spec=suit_spec(jacket="db6", lapel="peak"), language="en")
    assert "6 buttons" in double and "2 buttons" in notch


def test_the_picture_speaks_the_active_language_by_default(demo):
    with translation.override("zh-hans"):
        chinese = product_picture(slug="custom-cabinet", spec=cabinet_spec())
    with translation.override("en"):
        english = product_picture(slug="custom-cabinet", spec=cabinet_spec())
    assert "<title>定制柜，800 × 1800 × 400 毫米</title>" in chinese and "橡木饰面" in chinese
    assert "<title>Custom cabinet, 800 × 1800 × 400 mm</title>" in english


def test_a_picture_computes_at_most_its_budget_of_numbers():
    # given 400 shapes repeated 200 times each: far more than a picture may compute
    dot = {"shape": "circle", "repeat": "200", "cx": "i", "cy": "1", "r": "1", "fill": "#000"}
    svg = picture({**CANVAS, "shapes": [dot] * 400}, {})
    # then it stops at the budget (20 000 numbers, 4 per dot) instead of drawing 80 000 dots
    assert svg.count("<circle") == 5000


def test_admin_previews_a_drafts_drawing_and_names_its_change(client, demo):
    # given staff, and a draft of the cabinet whose front is drawn in red
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    v1 = version_get_published(slug="custom-cabinet")
    draft = version_create_draft(from_version=v1)
    drawing = copy.deepcopy(draft.drawing)
    front = next(s for s in drawing["shapes"] if s.get("caption") == "{material}")
    front["fill"] = "#ff0000"
    ProductVersion.objects.filter(pk=draft.pk).update(drawing=drawing)
    # when the draft is previewed, then its picture is the draft's
    page = client.get(reverse("admin:bom_productversion_preview", args=[draft.pk]), {"width_mm": "700"})
    assert page.status_code == 200 and 'fill="#ff0000"' in page.content.decode()
    # and the changes page says the drawing changed
    diff = client.get(reverse("admin:bom_productversion_diff", args=[draft.pk]))
    assert "Drawing changed" in diff.content.decode()


def test_numbers_far_beyond_the_canvas_are_clamped_not_an_error():
    huge = "width_mm * 100000000000 * 100000000000 * 100000000000 * 100000000000"
    shapes = [{**BODY, "width": huge}, {"shape": "text", "x": "0", "y": huge, "text": "{" + huge + "}"}]
    svg = picture({**CANVAS, "shapes": shapes}, {"width_mm": "900"})
    assert 'width="10000000"' in svg and 'y="10000000"' in svg and ">1000000000000000</text>" in svg
