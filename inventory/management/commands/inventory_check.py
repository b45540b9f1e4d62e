from typing import Any

from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import ledger_mismatches, reservation_mismatches


class Command(BaseCommand):
    help = (
        "Prove that every item's on-hand and reserved levels equal the sum of its ledger rows, and that "
        "its reserved level equals what its owners hold (open requirements: reserved minus consumed)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = []
        if levels := ledger_mismatches():
            problems += ["Levels differ from the ledger:", *levels]
        if reservations := reservation_mismatches():
            problems += ["Reservations differ from what their owners hold:", *reservations]
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Inventory levels equal the ledger, and every reservation has its owner.")
