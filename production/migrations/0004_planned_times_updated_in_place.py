"""Leave room in the pages of operations and production orders (fillfactor 70) so that a re-plan's
UPDATE of planned times is a heap-only tuple update: the new row version goes on the same page and
none of the tables' indexes (seven on operations) is touched, since no indexed column changes.

At fillfactor 100 (PostgreSQL's default) the pages are full from the inserts, so every moved
operation took a new page and an entry in every index: 1 to 2 % of a re-plan's updates were HOT;
at 70, after a first pass, nearly all (docs/BENCHMARKS.md). Existing pages gain room as their
rows move; only new and moved rows honour the setting. PostgreSQL only: SQLite has no such setting.
"""

from django.db import migrations

TABLES = ("production_operation", "production_productionorder")


def room(apps, schema_editor, fillfactor: int | None = 70) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        setting = f"SET (fillfactor = {fillfactor})" if fillfactor else "RESET (fillfactor)"
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} {setting}")


def no_room(apps, schema_editor) -> None:
    room(apps, schema_editor, fillfactor=None)


class Migration(migrations.Migration):
    dependencies = [
        ("production", "0003_plan_runs"),
    ]

    operations = [migrations.RunPython(room, no_room)]
