from django.db.models.signals import pre_save
from django.dispatch import receiver
from wagtail.models import ModelLogEntry, PageLogEntry

from .request_context import client_ip


@receiver(pre_save, sender=ModelLogEntry)
@receiver(pre_save, sender=PageLogEntry)
def stamp_client_ip(sender, instance, **kwargs):
    """Add the client's address to every audit entry written during a request."""
    if instance.pk is None:
        ip = client_ip()
        if ip and isinstance(instance.data, dict):
            instance.data.setdefault("ip", ip)
