"""The traveler (job card): one PDF per production order that goes with the work through the shop.

Each operation carries a QR code of its shop-floor page, so an operator scans the card at the
station and the right operation opens.
"""

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from production.models import ProductionOrder
from production.selectors import factory_tz

# A CID font that ships with reportlab: the customer's spec may hold Chinese (a monogram 王).
pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7ecf3")),
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])  # fmt: skip


PLAIN = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
])  # fmt: skip


def qr_code(data: str, size: float) -> Drawing:
    widget = QrCodeWidget(data)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _text(value: str, styles: Any) -> Any:
    """A cell's text; Chinese (a monogram) is set in the CID font, everything else in Helvetica."""
    if any(ord(ch) >= 0x2E80 for ch in value):
        return Paragraph(escape(value), styles["BodyText"].clone("cjk", fontName="STSong-Light", fontSize=8.5))
    return value


def traveler_pdf(po: ProductionOrder, *, spec_rows: list[dict[str, str]], base_url: str) -> bytes:
    """Render the traveler of a production order (operations, materials and the customer's spec)."""
    tz = factory_tz()
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=f"Traveler {po.number}")  # fmt: skip
    order = po.order_line.order

    def when(moment: Any) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "—"

    header = Table(
        [[
            Paragraph(f"<b>Traveler {po.number}</b><br/>Order {order.number} · {po.quantity} × {po.product}<br/>"
                      f"Promised {po.promised_date or '—'} · planned finish {when(po.planned_finish)}",
                      styles["Title"].clone("t", fontSize=13, leading=17, alignment=0)),
            qr_code(f"{base_url}/floor/orders/{po.number}/", 26 * mm),
        ]],
        colWidths=[150 * mm, 32 * mm],
    )  # fmt: skip
    operations = [["#", "Operation", "Work center", "Planned start", "Status", "Done by", "Scan"]]
    for op in po.operations.all():
        operations.append([
            str(op.sequence + 1), op.name, op.work_center.code, when(op.planned_start), op.get_status_display(),
            "", qr_code(f"{base_url}/floor/operations/{op.pk}/", 16 * mm),
        ])  # fmt: skip
    materials = [["Item", "Name", "Quantity", "Operation", "Reserved"]]
    for req in po.materials.all():
        quantity = req.quantity.quantize(req.item.quantum)
        materials.append([req.item.sku, req.item.name, f"{quantity} {req.item.uom}", req.operation_key or "—",
                          "yes" if req.reserved >= req.quantity else "waiting"])  # fmt: skip
    spec = [[row["label"], _text(row["value"], styles)] for row in spec_rows]
    story: list[Any] = [
        header, Spacer(1, 4 * mm),
        Paragraph("Operations", styles["Heading3"]),
        Table(operations, colWidths=[8 * mm, 52 * mm, 24 * mm, 30 * mm, 22 * mm, 26 * mm, 20 * mm],
              style=GRID, repeatRows=1),
        Paragraph("Material", styles["Heading3"]),
        Table(materials, colWidths=[34 * mm, 62 * mm, 30 * mm, 30 * mm, 26 * mm], style=GRID, repeatRows=1),
        Paragraph("Specification", styles["Heading3"]),
        Table(spec or [["-", "-"]], colWidths=[60 * mm, 122 * mm], style=PLAIN),
    ]  # fmt: skip
    doc.build(story)
    return buffer.getvalue()
