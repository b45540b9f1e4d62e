from typing import Any

from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Prove that every item's on-hand and reserved levels equal the sum of its ledger rows."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_mismatches()
        if problems:
            raise CommandError("Levels differ from the ledger:\n" + "\n".join(problems))
        self.stdout.write("Inventory levels equal the ledger.")
