"""The traveler (job card): one PDF per production order that goes with the work through the shop.

Each operation carries a QR code of its shop-floor page, so an operator scans the card at the
station and the right operation opens. Text that Helvetica cannot set (a Chinese monogram, a
customer's name) is set in the CJK TrueType font TRAVELER_CJK_FONT, embedded as a subset of the
glyphs used, so any viewer prints it. Every cell's text is fitted to its column: shrunk a little,
else wrapped (`fit_text`), so a long SKU never runs into the next column. Its labels are in the
language active when it is rendered (the language of the request that prints it).
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from production.models import Operation, ProductionOrder
from production.selectors import factory_tz

LATIN_FONT = "Helvetica"
FONT_SIZE = 8.5
MIN_FONT_SIZE = 6.5  # the smallest a cell's text is shrunk to before it wraps instead
CELL_PADDING = 4  # points left and right of a cell's text (the tables' LEFT/RIGHTPADDING)
BREAK_AFTER = " -/_.,;:"  # a line may break after these (and before or after any CJK character)

GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7ecf3")),
    ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
])  # fmt: skip


PLAIN = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
])  # fmt: skip


# An operation's status as the traveler's Status column prints it.
OPERATION_STATUS: dict[str, Any] = {
    Operation.Status.PENDING: gettext_lazy("Pending"),
    Operation.Status.IN_PROGRESS: gettext_lazy("In progress"),
    Operation.Status.DONE: gettext_lazy("Done"),
}


@lru_cache(maxsize=4)
def _register_cjk_font(path: str) -> str:
    """Register the TrueType font at `path` (the first face of a .ttc) once; its reportlab name."""
    if not Path(path).is_file():
        raise ImproperlyConfigured(
            f"TRAVELER_CJK_FONT={path!r}: no such file. Travelers need a CJK TrueType font: install "
            "Debian's fonts-wqy-microhei (`make install` does) or point TRAVELER_CJK_FONT at a .ttf/.ttc."
        )
    name = f"TravelerCJK-{hashlib.sha256(path.encode()).hexdigest()[:8]}"
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    except TTFError as exc:
        raise ImproperlyConfigured(
            f"TRAVELER_CJK_FONT={path!r} is not a TrueType font reportlab can embed ({exc}); "
            "CFF-outline OpenType fonts (.otf, e.g. Noto CJK) cannot be embedded."
        ) from exc
    return name


def cjk_font() -> str:
    """The reportlab name of the CJK font travelers embed (TRAVELER_CJK_FONT)."""
    return _register_cjk_font(str(settings.TRAVELER_CJK_FONT))


def font_for(text: str) -> str:
    """Helvetica for text its encoding (WinAnsi) holds, else the embedded CJK font."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return cjk_font()
    return LATIN_FONT


def _is_cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _break_before(line: str, following: str) -> int:
    """Where `line` (with `following` next) may break: the index after the last break chance, or 0."""
    for i in range(len(line), 0, -1):
        after = line[i] if i < len(line) else following
        if line[i - 1] in BREAK_AFTER or _is_cjk(line[i - 1]) or _is_cjk(after):
            return i
    return 0


def wrap_text(text: str, *, font: str, size: float, width: float) -> list[str]:
    """`text` cut into lines no wider than `width` points, at a break chance where one fits."""

    def fits(candidate: str) -> bool:
        return pdfmetrics.stringWidth(candidate, font, size) <= width

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for ch in paragraph:
            if not line and ch == " ":
                continue
            if not line or fits(line + ch):
                line += ch
                continue
            cut = _break_before(line, ch) or len(line)
            lines.append(line[:cut].rstrip())
            line = (line[cut:] + ch).lstrip()
            while len(line) > 1 and not fits(line):  # what was carried over is itself too wide
                n = max((k for k in range(1, len(line)) if fits(line[:k])), default=1)
                lines.append(line[:n].rstrip())
                line = line[n:].lstrip()
        lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class FittedText:
    font: str
    size: float
    lines: list[str]


def fit_text(text: str, *, width: float, size: float = FONT_SIZE, min_size: float = MIN_FONT_SIZE) -> FittedText:
    """`text` set within `width` points: on one line, shrunk down to `min_size` if that is enough, else wrapped."""
    font = font_for(text)
    if "\n" not in text:
        trial = size
        while trial >= min_size:
            if pdfmetrics.stringWidth(text, font, trial) <= width:
                return FittedText(font=font, size=trial, lines=[text])
            trial -= 0.5
    return FittedText(font=font, size=size, lines=wrap_text(text, font=font, size=size, width=width))


class TextCell(Flowable):
    """A table cell's text, fitted to the column (`fit_text`) and drawn line by line."""

    def __init__(self, text: str, *, width: float) -> None:
        super().__init__()
        self.fitted = fit_text(text, width=width)
        self.leading = self.fitted.size * 1.2

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's API)
        self.width = max((pdfmetrics.stringWidth(line, self.fitted.font, self.fitted.size)
                          for line in self.fitted.lines), default=0)  # fmt: skip
        self.height = self.leading * len(self.fitted.lines)
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.fitted.font, self.fitted.size)
        for i, line in enumerate(self.fitted.lines):
            self.canv.drawString(0, self.height - (i + 1) * self.leading + self.fitted.size * 0.25, line)


def qr_code(data: str, size: float) -> Drawing:
    widget = QrCodeWidget(data)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _cells(values: list[Any], col_widths: list[float]) -> list[Any]:
    """A table row: each string fitted to its column's width inside the padding; drawings as they are."""
    return [
        TextCell(v, width=w - 2 * CELL_PADDING) if isinstance(v, str) else v
        for v, w in zip(values, col_widths, strict=True)
    ]


def _heading(text: str, style: Any) -> Paragraph:
    """A heading in a font that has its characters (the CJK font for a Chinese one, not in bold:
    the embedded font has no bold face)."""
    font = font_for(text)
    if font == LATIN_FONT:
        return Paragraph(f"<b>{escape(text)}</b>", style)
    return Paragraph(escape(text), style.clone(f"{style.name}-cjk", fontName=font))


def traveler_pdf(po: ProductionOrder, *, spec_rows: list[dict[str, str]], base_url: str) -> bytes:
    """Render the traveler of a production order (operations, materials and the customer's spec),
    its labels in the active language."""
    tz = factory_tz()
    styles = getSampleStyleSheet()
    heading = styles["Heading3"].clone("section", keepWithNext=1)  # never alone at a page's foot
    buffer = BytesIO()
    title = _("Traveler %(number)s") % {"number": po.number}
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=title)  # fmt: skip
    order = po.order_line.order

    def when(moment: Any) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "—"

    title_width = 150 * mm - 12
    what = _("Order %(order)s · %(quantity)s × %(product)s") % {
        "order": order.number,
        "quantity": po.quantity,
        "product": po.product,
    }
    dates = _("Promised %(promised)s · planned finish %(finish)s") % {
        "promised": po.promised_date or "—",
        "finish": when(po.planned_finish),
    }
    header = Table(
        [[
            [_heading(title, styles["Title"].clone("t", fontSize=13, leading=17, alignment=0)),
             TextCell(what, width=title_width),
             TextCell(dates, width=title_width)],
            qr_code(f"{base_url}/floor/orders/{po.number}/", 26 * mm),
        ]],
        colWidths=[150 * mm, 32 * mm],
    )  # fmt: skip
    op_widths = [8 * mm, 52 * mm, 24 * mm, 30 * mm, 22 * mm, 26 * mm, 20 * mm]
    operations = [_cells(["#", _("Operation"), _("Work center"), _("Planned start"), _("Status"), _("Done by"),
                          _("Scan")], op_widths)]  # fmt: skip
    for op in po.operations.all():
        operations.append(_cells([
            str(op.sequence + 1), op.name, op.work_center.code, when(op.planned_start),
            str(OPERATION_STATUS[op.status]), "", qr_code(f"{base_url}/floor/operations/{op.pk}/", 16 * mm),
        ], op_widths))  # fmt: skip
    material_widths = [34 * mm, 62 * mm, 30 * mm, 30 * mm, 26 * mm]
    materials = [_cells([_("Item"), _("Name"), _("Quantity"), _("Operation"), _("Reserved")], material_widths)]
    for req in po.materials.all():
        quantity = req.quantity.quantize(req.item.quantum)
        materials.append(_cells([req.item.sku, req.item.name, f"{quantity} {req.item.uom}", req.operation_key or "—",
                                 _("yes") if req.reserved >= req.quantity else _("waiting")],
                                material_widths))  # fmt: skip
    spec_widths = [60 * mm, 122 * mm]
    spec = [_cells([row["label"], row["value"]], spec_widths) for row in spec_rows]
    story: list[Any] = [
        header, Spacer(1, 4 * mm),
        _heading(_("Operations"), heading),
        Table(operations, colWidths=op_widths, style=GRID, repeatRows=1),
        _heading(_("Material"), heading),
        Table(materials, colWidths=material_widths, style=GRID, repeatRows=1),
        _heading(_("Specification"), heading),
        Table(spec or [["-", "-"]], colWidths=spec_widths, style=PLAIN),
    ]  # fmt: skip
    doc.build(story)
    return buffer.getvalue()
