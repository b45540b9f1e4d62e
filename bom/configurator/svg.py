"""A drawn picture (bom.configurator.drawing) written as inline SVG, safe to put in a page.

Everything written comes from the drawing's checked parts: element and attribute names from fixed
tables, numbers formatted from decimals, colours matched against a strict pattern, and every
text (captions, text shapes, the accessible title) escaped. No script, no style, no link, no
external reference can come out of here.
"""

from __future__ import annotations

from html import escape

from bom.configurator.drawing import COLOUR, Picture
from bom.configurator.i18n import tr

# The SVG elements and attributes a picture may contain; anything else never gets written.
ELEMENTS = frozenset({"rect", "circle", "ellipse", "line", "polygon", "polyline", "path", "text"})
ATTRIBUTES = frozenset(
    {
        "x", "y", "width", "height", "rx", "ry", "cx", "cy", "r", "x1", "y1", "x2", "y2", "points", "d",
        "fill", "stroke", "stroke-width", "stroke-dasharray", "opacity",
        "font-size", "text-anchor", "font-weight", "transform",
    }
)  # fmt: skip


def render(picture: Picture, *, label: str) -> str:
    """The picture as an `<svg role="img">` element; `label` names it when it has no caption."""
    title = picture.title or label
    details = tr("; ").join(picture.description)
    spoken = tr("{name}. {details}", name=title, details=details) if details else title
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture-svg" viewBox="0 0 {picture.width} {picture.height}"'
        f' role="img" aria-label="{escape(spoken)}" focusable="false" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]
    if picture.description:
        out.append(f"<desc>{escape(details)}</desc>")
    if picture.background is not None and COLOUR.match(picture.background):
        out.append(f'<rect width="{picture.width}" height="{picture.height}" fill="{picture.background}"/>')
    for element in picture.elements:
        if element.kind not in ELEMENTS:
            continue
        attributes = "".join(f' {name}="{escape(value)}"' for name, value in element.attributes if name in ATTRIBUTES)
        if element.kind == "text":
            out.append(f"<text{attributes}>{escape(element.text)}</text>")
        else:
            out.append(f"<{element.kind}{attributes}/>")
    out.append("</svg>")
    return "".join(out)
