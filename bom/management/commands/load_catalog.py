from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bom.services import CATALOG_DIR, PublishRefused, catalog_load_file


class Command(BaseCommand):
    help = "Load catalog files (default: every bom/catalog/*.yaml) and publish changed ones as new versions."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="*", type=Path)

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        failed = False
        for path in paths or sorted(CATALOG_DIR.glob("*.yaml")):
            try:
                version, created = catalog_load_file(path=path)
            except PublishRefused as exc:
                failed = True
                self.stderr.write(f"{path}: {exc.message}")
                continue
            verb = "published" if created else "unchanged at"
            self.stdout.write(f"{path.name}: {verb} {version.product.slug} v{version.number}")
        if failed:
            raise CommandError("Some catalog files were refused.")
