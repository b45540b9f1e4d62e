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
    # Refrigerator (bom/catalog/refrigerator.yaml): cabinet
    ("RF-STEEL-PCM", "Pre-painted steel sheet 0.5 mm", "m2", 2, "10.5", "3000"),
    ("RF-STEEL-GALV", "Galvanised steel sheet 0.6 mm", "m2", 2, "10.8", "2500"),
    ("RF-LINER-HIPS", "HIPS inner liner sheet", "m2", 2, "4.1", "3000"),
    ("RF-BACK-COVER", "PE-coated back cover board", "m2", 2, "1.2", "1500"),
    ("RF-VIP", "Vacuum insulation panel 20 mm", "m2", 2, "18.0", "200"),
    ("RF-FOAM-PU", "PU foam system, cyclopentane-blown", "kg", 2, "4.3", "8000"),
    ("RF-SHELF-GLASS", "Tempered glass shelf with trim", "pcs", 0, "4.8", "4000"),
    ("RF-SHELF-WIRE", "Chrome wire shelf", "pcs", 0, "3.1", "1000"),
    ("RF-CRISPER", "Crisper drawer", "pcs", 0, "2.6", "2000"),
    ("RF-FREEZER-DRAWER", "Freezer drawer", "pcs", 0, "3.4", "2000"),
    ("RF-LED-MODULE", "Interior LED module", "pcs", 0, "0.6", "5000"),
    ("RF-FOOT-SET", "Levelling feet and rollers set", "pcs", 0, "1.4", "1000"),
    # Refrigerator: doors
    ("RF-PNL-PAINT-WHITE", "Pre-painted steel door sheet, white", "m2", 2, "10.5", "600"),
    ("RF-PNL-PAINT-SILVER", "Pre-painted steel door sheet, silver", "m2", 2, "10.5", "600"),
    ("RF-PNL-PAINT-BLACK", "Pre-painted steel door sheet, black", "m2", 2, "10.5", "600"),
    ("RF-PNL-PAINT-SAGE", "Pre-painted steel door sheet, sage green", "m2", 2, "10.5", "300"),
    ("RF-PNL-PAINT-NAVY", "Pre-painted steel door sheet, navy blue", "m2", 2, "10.5", "300"),
    ("RF-PNL-SS-BRUSHED", "Brushed stainless steel door sheet", "m2", 2, "24.6", "500"),
    ("RF-PNL-SS-BLACK", "Black stainless steel door sheet (PVD)", "m2", 2, "26.0", "300"),
    ("RF-PNL-GLASS-WHITE", "Tempered glass door panel, white", "m2", 2, "13.5", "300"),
    ("RF-PNL-GLASS-BLACK", "Tempered glass door panel, black", "m2", 2, "13.5", "400"),
    ("RF-PNL-GLASS-CHAMPAGNE", "Tempered glass door panel, champagne gold", "m2", 2, "13.8", "200"),
    ("RF-PNL-GLASS-SAGE", "Tempered glass door panel, sage green", "m2", 2, "13.5", "200"),
    ("RF-PNL-WOOD-WALNUT", "Wood-look laminated steel door sheet, walnut", "m2", 2, "11.8", "200"),
    ("RF-PNL-WOOD-OAK", "Wood-look laminated steel door sheet, oak", "m2", 2, "11.8", "200"),
    ("RF-DOOR-LINER", "ABS door liner sheet", "m2", 2, "4.6", "2500"),
    ("RF-GASKET", "Magnetic door gasket (PVC)", "m", 1, "0.9", "20000"),
    ("RF-DISPENSER", "In-door water dispenser unit", "pcs", 0, "9.5", "150"),
    ("RF-HINGE-SET", "Door hinge set", "pcs", 0, "1.8", "3000"),
    ("RF-DRAWER-SLIDE", "Telescopic drawer slide pair", "pcs", 0, "2.2", "600"),
    ("RF-DOOR-BIN", "Door bin", "pcs", 0, "0.9", "6000"),
    ("RF-HDL-RECESSED", "Recessed grip profile", "pcs", 0, "0.7", "2000"),
    ("RF-HDL-BAR-STEEL", "Bar handle, brushed steel", "pcs", 0, "2.1", "1500"),
    ("RF-HDL-BAR-BLACK", "Bar handle, matte black", "pcs", 0, "2.2", "1000"),
    ("RF-HDL-BAR-GOLD", "Bar handle, brushed gold", "pcs", 0, "2.4", "500"),
    ("RF-HDL-BAR-MATCHED", "Bar handle, colour-matched", "pcs", 0, "2.2", "800"),
    ("RF-HDL-PRO-STEEL", "Professional tubular handle, brushed steel", "pcs", 0, "4.5", "400"),
    ("RF-HDL-PRO-BLACK", "Professional tubular handle, matte black", "pcs", 0, "4.6", "300"),
    ("RF-HDL-PRO-GOLD", "Professional tubular handle, brushed gold", "pcs", 0, "4.9", "200"),
    # Refrigerator: cooling system
    ("RF-COMP-STD", "Fixed-speed compressor, R600a", "pcs", 0, "38.0", "300"),
    ("RF-COMP-INV", "Inverter compressor, R600a", "pcs", 0, "42.0", "300"),
    ("RF-COMP-DUAL-INV", "Dual-inverter compressor, R600a", "pcs", 0, "46.0", "200"),
    ("RF-EVAP-ROLLBOND", "Roll-bond aluminium evaporator", "pcs", 0, "11.0", "400"),
    ("RF-EVAP-FIN", "Fin-and-tube evaporator", "pcs", 0, "8.5", "800"),
    ("RF-FAN-EVAP", "Evaporator fan motor (DC)", "pcs", 0, "2.4", "1000"),
    ("RF-FAN-COND", "Condenser fan motor (DC)", "pcs", 0, "2.4", "500"),
    ("RF-DEFROST-HEATER", "Defrost heater", "pcs", 0, "0.8", "1000"),
    ("RF-CONDENSER", "Wire-on-tube condenser", "pcs", 0, "9.0", "800"),
    ("RF-DRIER-KIT", "Filter drier and capillary tube kit", "pcs", 0, "0.9", "1000"),
    ("RF-CU-TUBE", "Copper tube 6.35 mm", "m", 1, "0.45", "10000"),
    ("RF-DAMPER", "Convertible zone air damper", "pcs", 0, "1.6", "300"),
    ("RF-R600A", "Refrigerant R600a (isobutane)", "kg", 3, "3.0", "50"),
    ("RF-ICE-AUTO", "Automatic ice maker unit", "pcs", 0, "14.0", "150"),
    ("RF-ICE-CRAFT", "Craft ice maker unit (sphere moulds)", "pcs", 0, "18.0", "60"),
    ("RF-WATER-VALVE", "Water inlet solenoid valve", "pcs", 0, "1.1", "400"),
    ("RF-WATER-FILTER", "Water filter cartridge", "pcs", 0, "1.5", "500"),
    ("RF-WATER-HOSE", "Food-grade PE water tubing 1/4 in", "m", 1, "0.12", "5000"),
    ("RF-WATER-TANK", "Refillable water tank 3 l", "pcs", 0, "2.0", "200"),
    # Refrigerator: electronics
    ("RF-THERMOSTAT", "Mechanical thermostat", "pcs", 0, "0.4", "500"),
    ("RF-PCB-MAIN-230", "Main control board 220-240 V", "pcs", 0, "5.5", "600"),
    ("RF-PCB-MAIN-115", "Main control board 100-127 V", "pcs", 0, "5.5", "300"),
    ("RF-NTC-SENSOR", "NTC temperature sensor", "pcs", 0, "0.05", "10000"),
    ("RF-DISP-LED", "LED display board", "pcs", 0, "2.0", "500"),
    ("RF-DISP-TOUCH", "Touch display panel 5 in", "pcs", 0, "9.0", "300"),
    ("RF-WIFI-MODULE", "Wi-Fi smart module", "pcs", 0, "1.2", "600"),
    ("RF-CAMERA-MODULE", "Inside camera module", "pcs", 0, "2.5", "150"),
    ("RF-DOOR-SWITCH", "Door switch", "pcs", 0, "0.05", "5000"),
    ("RF-BUZZER", "Open-door alarm buzzer", "pcs", 0, "0.05", "3000"),
    ("RF-HARNESS-MAIN", "Main wiring harness", "pcs", 0, "2.8", "1000"),
    ("RF-HARNESS-DOOR", "Door wiring harness", "pcs", 0, "0.9", "800"),
    ("RF-CORD-I", "Power cord, type I plug", "pcs", 0, "0.8", "600"),
    ("RF-CORD-EF", "Power cord, type E/F plug", "pcs", 0, "0.8", "600"),
    ("RF-CORD-G", "Power cord, type G plug", "pcs", 0, "0.9", "300"),
    ("RF-CORD-B", "Power cord, type B plug", "pcs", 0, "0.8", "400"),
    ("RF-CORD-A", "Power cord, type A plug", "pcs", 0, "0.7", "200"),
    # Refrigerator: packaging
    ("RF-CARTON", "Corrugated carton board, 5-ply", "m2", 2, "0.9", "8000"),
    ("RF-EPS-CORNER", "EPS corner protector", "pcs", 0, "0.35", "10000"),
    ("RF-EPS-BASE", "EPS base tray", "pcs", 0, "2.2", "1000"),
    ("RF-PE-BAG", "PE dust cover bag", "pcs", 0, "0.4", "2000"),
    ("RF-ENERGY-LABEL", "Energy label and rating plate", "pcs", 0, "0.02", "5000"),
    ("RF-MANUAL-ZH", "User manual, Chinese", "pcs", 0, "0.3", "2000"),
    ("RF-MANUAL-EN", "User manual, English", "pcs", 0, "0.3", "1500"),
    ("RF-MANUAL-EU", "User manual, EU languages", "pcs", 0, "0.5", "1000"),
    ("RF-MANUAL-JA", "User manual, Japanese", "pcs", 0, "0.3", "500"),
    ("RF-MANUAL-KO", "User manual, Korean", "pcs", 0, "0.3", "500"),
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
    # Refrigerator line
    ("RF-SHEET", "Refrigerator sheet metal forming line", 1, "55.0"),
    ("RF-CAB-ASSY", "Refrigerator cabinet assembly", 3, "4.0"),
    ("RF-FOAM", "Cabinet foaming press", 2, "45.0"),
    ("RF-DOOR-FORM", "Door panel forming", 1, "22.0"),
    ("RF-LASER", "Laser engraving", 1, "2.5"),
    ("RF-DOOR-FOAM", "Door foaming line", 1, "30.0"),
    ("RF-COOL-ASSY", "Cooling system assembly and brazing", 3, "6.0"),
    ("RF-CHARGE", "Evacuation and refrigerant charging station", 2, "7.5"),
    ("RF-ELEC", "Electronics installation", 2, "1.5"),
    ("RF-DOOR-HANG", "Door hanging and final assembly", 2, "2.0"),
    ("RF-RUNIN", "Run-in test line", 6, "1.8"),
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
