"""The task outbox: a task to send is written in the transaction that made it necessary.

A message row commits with the change it follows, so a broker outage can delay the task but never
lose it: outbox.services sends rows after commit and the periodic `outbox.flush` sends whatever
is left once the broker is back.
"""

from django.db import models


class Message(models.Model):
    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    args = models.JSONField(default=list, blank=True)
    coalesce_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,  # NULLs are distinct: only keyed messages are unique
        help_text="Tasks with a key wait at most once: while one waits, more requests add nothing.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Handed to the broker (not yet run).")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["sent_at"])]

    def __str__(self) -> str:
        return f"{self.task}{self.args or ''}"
