"""ERP integration: API tokens, idempotency keys, the API audit log and webhooks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from plant.models.base import PlantScopedQuerySet
from plant.models.plants import Plant


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_plant(self, plant: Plant) -> ApiTokenQuerySet:
        return self.filter(plants=plant).distinct()


class ApiToken(models.Model):
    """A bearer token of one integration user, scoped to plants and to read or write.

    Only the prefix (to find it) and a SHA-256 hash of the whole token (to check it) are
    stored; the token itself is shown once, when it is created. Tokens are 256-bit random
    strings, so a fast hash is enough: there is nothing to brute-force.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    name = models.CharField(max_length=80, help_text="What uses it, e.g. 'SAP production'.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    plants = models.ManyToManyField(Plant, related_name="api_tokens")
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="token_scope")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class IdempotencyKey(models.Model):
    """A POST command's Idempotency-Key: claimed before the command runs, then its response.

    The unique constraint on (owner, key) is the lock: of two requests racing with one key,
    exactly one inserts the row; the other sees it in flight (409) or finished (replay).
    """

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", "In flight"
        DONE = "done", "Done"

    owner = models.CharField(max_length=40, help_text="token:<id> or user:<id>.")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=9, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique_key"),
        ]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_expires")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key} ({self.state})"


class ApiAuditEntry(models.Model):
    """One write through the API: who (user and token), when, what, and the fields changed."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        COMMAND = "command", "Command"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plant = models.ForeignKey(
        Plant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=7)
    path = models.CharField(max_length=300)
    action = models.CharField(max_length=7, choices=Action.choices)
    model = models.CharField(max_length=60, help_text="app_label.model")
    object_ref = models.CharField(max_length=120, help_text="Code, reference or id.")
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API audit entry"
        verbose_name_plural = "API audit log"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.model} {self.object_ref}"


WEBHOOK_EVENTS = (
    ("schedule.published", "A schedule was published"),
    ("run.finished", "A schedule run finished with a schedule"),
    ("order.completed", "A production order was completed"),
    ("operation.completed", "An operation was completed on the shop floor"),
)


class WebhookSubscription(models.Model):
    """Where to POST a plant's events, and the secret their signatures are made with."""

    plant = models.ForeignKey(Plant, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="Event names; see WEBHOOK_EVENTS.")
    secret = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "url", "pk"]
        verbose_name = "webhook subscription"

    def __str__(self) -> str:
        return f"{self.url} ({', '.join(self.events)})"


class WebhookDeliveryQuerySet(PlantScopedQuerySet):
    plant_path = "subscription__plant"


class WebhookDelivery(models.Model):
    """One event for one subscription, tried until delivered or out of tries. The payload's
    `id` is the event's id, the same in every delivery and replay of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url} ({self.status})"

    @property
    def event_id(self) -> str:
        """What receivers de-duplicate on (`X-Takt-Event-Id`)."""
        return str(self.payload.get("id", ""))


class WebhookAttempt(models.Model):
    """The delivery log: one HTTP attempt and what came back."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
