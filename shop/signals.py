"""What the shop does when the artist publishes."""

from django.dispatch import receiver
from wagtail.signals import page_published

from gallery.models import PaintingPage

from .services.editions import sync_print_numbers


@receiver(page_published, sender=PaintingPage, dispatch_uid="shop.make_print_numbers")
def make_print_numbers(sender, instance, **kwargs):
    """A painting page went live: its editions' numbers exist from now on."""
    sync_print_numbers(instance)
