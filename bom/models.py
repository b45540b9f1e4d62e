"""The catalog: configurable products and their versions.

A version is drafted, then published; once published it never changes (orders point at it).
The rows below are the version's definition as admin shows it; `bom.selectors.definition_for`
turns them into the plain data that the configurator engine compiles.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

key_validator = RegexValidator(r"^[a-z][a-z0-9_]*\Z", "Use lower-case letters, digits and _.")


class Product(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    is_active = models.BooleanField(default=True, help_text="Shown in the shop.")
    # Other languages of its customer-facing texts: {"label": {"zh-Hans": "..."}} (docs/CATALOG.md).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"
        RETIRED = "retired"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    base_price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    source_file = models.CharField(max_length=300, blank=True, help_text="Catalog file it was loaded from.")
    source_digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the catalog file.")
    # Item and work-center facts frozen at publish (names, units, CO2e, power): the engine's input.
    resources = models.JSONField(default=dict, blank=True)
    # The catalog file's `drawing:` section as written (docs/CATALOG.md, "Drawings"); {} for none.
    drawing = models.JSONField(default=dict, blank=True, help_text="The product's picture, as in the catalog file.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="version_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.slug} v{self.number} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class VersionPart(models.Model):
    """A row of a version's definition; `position` keeps the catalog file's order."""

    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]


class Option(VersionPart):
    class Type(models.TextChoices):
        CHOICE = "choice"
        NUMBER = "number"
        TEXT = "text"
        BOOLEAN = "boolean"

    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=60, validators=[key_validator])
    label = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=Type.choices)
    group = models.CharField(max_length=100, blank=True)
    help = models.TextField(blank=True)
    required = models.BooleanField(default=True)
    when = models.TextField(blank=True, help_text="Applies only when this condition holds.")
    default = models.JSONField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    step = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    allowed = models.CharField(max_length=200, blank=True, help_text="Regex character class body.")
    allowed_label = models.CharField(max_length=200, blank=True)
    # Other languages of its customer-facing texts: {"label": {"zh-Hans": "..."}} (docs/CATALOG.md).
    translations = models.JSONField(default=dict, blank=True)

    class Meta(VersionPart.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="option_key_unique")]

    def __str__(self) -> str:
        return self.key


class Choice(models.Model):
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    value = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    price_delta = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # Other languages of its customer-facing texts: {"label": {"zh-Hans": "..."}} (docs/CATALOG.md).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["option", "value"], name="choice_value_unique")]

    def __str__(self) -> str:
        return f"{self.option.key}={self.value}"


class Rule(VersionPart):
    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE, related_name="rules")
    key = models.CharField(max_length=60, validators=[key_validator])
    expr = models.TextField(help_text="Must hold for a valid configuration.")
    message = models.CharField(max_length=300, help_text="Shown to the customer when it does not.")
    # Other languages of its customer-facing texts: {"label": {"zh-Hans": "..."}} (docs/CATALOG.md).
    translations = models.JSONField(default=dict, blank=True)

    class Meta(VersionPart.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="rule_key_unique")]

    def __str__(self) -> str:
        return self.key


class PriceAdder(VersionPart):
    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE, related_name="price_adders")
    key = models.CharField(max_length=60, validators=[key_validator])
    label = models.CharField(max_length=200)
    when = models.TextField(blank=True)
    amount = models.TextField(help_text="Formula of the amount added to the price.")
    # Other languages of its customer-facing texts: {"label": {"zh-Hans": "..."}} (docs/CATALOG.md).
    translations = models.JSONField(default=dict, blank=True)

    class Meta(VersionPart.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="price_key_unique")]

    def __str__(self) -> str:
        return self.key


class BomLine(VersionPart):
    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE, related_name="bom_lines")
    key = models.CharField(max_length=60)
    parent_key = models.CharField(max_length=60, blank=True, help_text="Key of the sub-assembly it belongs to.")
    item_sku = models.CharField(max_length=60, blank=True)
    assembly = models.CharField(max_length=200, blank=True, help_text="Name, when the line is a sub-assembly.")
    quantity = models.TextField(help_text="Quantity formula, per unit of the parent.")
    when = models.TextField(blank=True)
    scrap_pct = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    operation_key = models.CharField(max_length=60, blank=True, help_text="Routing operation that consumes it.")

    class Meta(VersionPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="bom_key_unique"),
            models.CheckConstraint(
                condition=(Q(item_sku="") & ~Q(assembly="")) | (~Q(item_sku="") & Q(assembly="")),
                name="bom_line_item_xor_assembly",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class RoutingOperation(VersionPart):
    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE, related_name="operations")
    key = models.CharField(max_length=60, validators=[key_validator])
    name = models.CharField(max_length=200)
    work_center = models.CharField(max_length=30)
    setup_minutes = models.TextField(default="0", help_text="Setup-time formula in minutes.")
    run_minutes = models.TextField(help_text="Run-time formula in minutes per unit.")
    after = models.JSONField(default=list, blank=True, help_text="Keys of the predecessor operations.")
    when = models.TextField(blank=True)
    setup_family = models.TextField(blank=True, help_text="Formula; equal families share a setup.")
    # Other languages of its name, shown on the pages: {"name": {"zh-Hans": "..."}} (docs/CATALOG.md).
    translations = models.JSONField(default=dict, blank=True)

    class Meta(VersionPart.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="operation_key_unique")]

    def __str__(self) -> str:
        return self.key
