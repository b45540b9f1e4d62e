"""API tokens moved from DRF's authtoken (keys in plain text, no expiry) to knox (hashed, expiring).

Nothing is carried over: a key cannot be hashed into knox's scheme with the expiry it never had,
and the point is that no usable key stays in the database. Old keys stop working; clients ask
`POST /api/v1/auth/token/` for a new one. The old table goes (it exists only in databases made
before the move), and so does the record of its migrations, so that the app could come back clean.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
