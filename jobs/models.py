"""The task outbox: a task to start is first a row in PostgreSQL, written in the caller's transaction.

It is published to Celery after the transaction commits; if Redis is unreachable then, the row waits
and jobs.outbox_drain (celery beat, and a worker as it starts) sends it when Redis is back. So a job is
never lost between "saved" and "queued", and a rolled-back request never starts a job.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    id = models.BigAutoField(primary_key=True)
    task_name = models.CharField(_("uppgift"), max_length=200)
    # Ids and codes only (STYLE rule 5): never personal data in task arguments.
    args = models.JSONField(_("argument"), default=list, blank=True)
    kwargs = models.JSONField(_("nyckelordsargument"), default=dict, blank=True)
    queue = models.CharField(_("kö"), max_length=50, blank=True)
    # Groups messages for one object ("report:<uuid>") so a page can say whether its job is waiting.
    key = models.CharField(_("nyckel"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    last_error = models.CharField(_("senaste fel"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("köat jobb")
        verbose_name_plural = _("köade jobb")
        ordering = ["id"]
        indexes = [
            # the drain: unsent rows, oldest first
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_unsent"),
            # "is the job for this object still waiting?"
            models.Index(fields=["key", "sent_at"], name="outbox_key"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
