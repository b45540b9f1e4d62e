"""The demo factory: items and stock, work centers, the catalog, and the demo users."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import OPERATOR, PLANNER
from inventory.services import item_ensure
from production.models import WorkCenter

# sku, name, uom, decimals, kg CO2e per unit, opening stock
ITEMS = [
    ("FAB-WOOL-NAVY", "Navy wool cloth", "m", 2, "12.5", "400"),
    ("FAB-WOOL-CHARCOAL", "Charcoal wool cloth", "m", 2, "12.5", "400"),
    ("FAB-LINEN-SAND", "Sand linen cloth", "m", 2, "4.2", "250"),
    # Deliberately short: enough for five jackets (1.80 m each at chest 100 cm), not six.
    ("FAB-CASHMERE-GREY", "Grey cashmere cloth", "m", 2, "38.0", "9.50"),
    ("LIN-NAVY", "Navy lining", "m", 2, "3.1", "300"),
    ("LIN-BORDEAUX", "Bordeaux lining", "m", 2, "3.1", "300"),
    ("LIN-PAISLEY", "Paisley lining", "m", 2, "3.4", "200"),
    ("CANVAS-HAIR", "Horsehair canvas", "m", 2, "2.0", "300"),
    ("BTN-HORN-20", "Horn button 20 mm", "pcs", 0, "0.02", "5000"),
    ("BTN-HORN-15", "Horn button 15 mm", "pcs", 0, "0.01", "10000"),
    ("BTN-TROUSER", "Trouser button", "pcs", 0, "0.01", "5000"),
    ("THR-POLY", "Polyester thread", "m", 0, "0.001", "500000"),
    ("LBL-WOVEN", "Woven label", "pcs", 0, "0.01", "5000"),
    ("ZIP-TROUSER", "Trouser zipper", "pcs", 0, "0.15", "1000"),
    ("WB-CURTAIN", "Waistband curtain", "m", 2, "1.5", "500"),
    ("THR-EMBROIDERY", "Embroidery thread", "m", 0, "0.002", "100000"),
    ("BRD-MEL-WHITE", "White melamine board", "m2", 2, "9.0", "600"),
    ("BRD-OAK", "Oak veneer board", "m2", 2, "11.0", "400"),
    ("BRD-WALNUT", "Walnut veneer board", "m2", 2, "12.0", "200"),
    ("EDGE-WHITE", "White edge banding", "m", 1, "0.05", "5000"),
    ("EDGE-OAK", "Oak edge banding", "m", 1, "0.06", "4000"),
    ("EDGE-WALNUT", "Walnut edge banding", "m", 1, "0.06", "2000"),
    ("HW-HINGE", "Concealed hinge", "pcs", 0, "0.3", "2000"),
    ("HW-SHELF-PIN", "Shelf pin", "pcs", 0, "0.01", "10000"),
    ("HW-HANDLE-BAR", "Steel bar handle", "pcs", 0, "0.9", "500"),
    ("HW-KNOB-BRASS", "Brass knob", "pcs", 0, "0.6", "500"),
    ("HW-CAM-LOCK", "Cam lock fitting", "pcs", 0, "0.02", "20000"),
    ("HW-BACK-PANEL", "Back panel HDF", "m2", 2, "3.0", "400"),
]

# code, name, stations, kW
WORK_CENTERS = [
    ("CAD", "Pattern CAD", 2, "0.5"),
    ("CUT", "Cloth cutting", 1, "7.5"),
    ("SEW", "Jacket sewing", 4, "1.2"),
    ("SEW-TRS", "Trouser sewing", 2, "1.0"),
    ("ASSY", "Jacket assembly", 2, "1.5"),
    ("EMB", "Embroidery", 1, "0.8"),
    ("PRESS", "Pressing", 1, "6.0"),
    ("SAW", "Panel saw", 1, "11.0"),
    ("EDGE", "Edge bander", 1, "9.0"),
    ("CNC", "CNC drilling", 1, "7.0"),
    ("DOOR", "Door machining", 1, "5.0"),
    ("CAB-ASSY", "Cabinet assembly", 2, "1.0"),
    ("QC", "Quality control", 2, "0.3"),
    ("PACK", "Packing", 2, "0.5"),
]


class Command(BaseCommand):
    help = "Load the demo factory (safe to run again: what exists is kept)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_PASSWORD:
            raise CommandError("Set DEMO_PASSWORD to load the demo users (and their superuser) here.")
        with transaction.atomic():
            for sku, name, uom, decimals, co2e, stock in ITEMS:
                item_ensure(
                    sku=sku, name=name, uom=uom, decimals=decimals, co2e_kg=Decimal(co2e), opening_stock=Decimal(stock)
                )
            for code, name, stations, kw in WORK_CENTERS:
                WorkCenter.objects.get_or_create(
                    code=code, defaults={"name": name, "capacity": stations, "power_kw": Decimal(kw)}
                )
        call_command("load_catalog", stdout=self.stdout, stderr=self.stderr)
        self._users()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))

    def _users(self) -> None:
        password = settings.DEMO_PASSWORD
        planners, _ = Group.objects.get_or_create(name=PLANNER)
        operators, _ = Group.objects.get_or_create(name=OPERATOR)
        user_model = get_user_model()
        for username, group, staff in (
            ("alice", None, False),
            ("pat", planners, False),
            ("oscar", operators, False),
            ("admin", None, True),
        ):
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@example.com", "is_staff": staff, "is_superuser": staff},
            )
            if created:
                user.set_password(password)
                user.save()
            if group is not None:
                user.groups.add(group)
