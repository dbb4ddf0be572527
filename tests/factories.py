"""The test suite's one set of factories: images, people, pages, orders, shipping.

Pages go where the admin would put them: every page factory takes `parent=`
and adds the page with `add_child`, so it is live, indexed and routable.
`shop_tree()` builds the small shop most shop tests start from.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import factory
import wagtail_factories
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from wagtail.models import Collection, Page, Site

from gallery.models import (
    ArticlePage,
    CollectionPage,
    ContactFormField,
    ContactPage,
    GalleryIndexPage,
    HomePage,
    JournalIndexPage,
    PaintingPage,
    PrintEdition,
    PrintProcess,
    StandardPage,
)
from shop.models import Order, OrderLine, SaleState, ShippingRate, ShopSettings
from shop.sale_status import SaleStatus

PASSWORD = "a-painting-a-day-42"


# --- images -------------------------------------------------------------------


class ImageFactory(wagtail_factories.ImageFactory):
    """A Wagtail image with a real JPEG behind it (640 × 480 unless file__width/height say)."""

    title = "Test painting"
    # In the root collection, as an upload lands; wagtail-factories would add a root per image.
    collection = factory.LazyFunction(Collection.get_first_root_node)
    file = factory.django.ImageField(
        width=640,
        height=480,
        color=(40, 90, 140),
        filename=factory.LazyAttribute(
            lambda params: f"{slugify(params.factory_parent.title)}.jpg"
        ),
    )


# --- people -------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A site user. `verified=True`: signed up through allauth, address confirmed;
    `unverified=True`: signed up, confirmation link not followed yet;
    `permissions=[codenames]`: staff in a group with those permissions and admin access."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    username = factory.LazyAttributeSequence(lambda user, n: f"{user.email.split('@')[0]}-{n}")
    password = factory.django.Password(PASSWORD)

    class Params:
        verified = factory.Trait(
            email_address=factory.RelatedFactory(
                "tests.factories.EmailAddressFactory", factory_related_name="user"
            )
        )
        unverified = factory.Trait(
            email_address=factory.RelatedFactory(
                "tests.factories.EmailAddressFactory", factory_related_name="user", verified=False
            )
        )
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def permissions(user, create, codenames, **kwargs):
        if create and codenames is not None:
            group = Group.objects.create(name=f"{user.username} group")
            group.permissions.set(
                Permission.objects.filter(codename__in=["access_admin", *codenames])
            )
            user.groups.add(group)


class EmailAddressFactory(DjangoModelFactory):
    """allauth's record of a user's address: primary, and verified unless told otherwise."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")
    primary = True
    verified = True


# --- pages --------------------------------------------------------------------


def make_default_site_root(page, **fields):
    """Roots the default site at `page` (saved, so Wagtail forgets its cached roots)."""
    site, _ = Site.objects.update_or_create(
        is_default_site=True,
        defaults={"root_page": page, **fields},
        create_defaults={"hostname": "localhost", "root_page": page, **fields},
    )
    return site


class HomePageFactory(wagtail_factories.PageFactory):
    """A home page under Wagtail's root. `site=True` makes it the default site's root
    (`site__hostname="testserver", site__port=80` set the site's address too)."""

    class Meta:
        model = HomePage
        skip_postgeneration_save = True

    parent = factory.LazyFunction(Page.get_first_root_node)
    title = "Home"
    slug = factory.Sequence(lambda n: f"home-{n}")  # beside Wagtail's own "home"

    @factory.post_generation
    def site(home, create, extracted, **fields):
        if create and (extracted or fields):
            make_default_site_root(home, **fields)


class GalleryIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = GalleryIndexPage

    title = "Gallery"


class CollectionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CollectionPage

    title = "Sea"


class PaintingPageFactory(wagtail_factories.PageFactory):
    """A painting offered for sale, 50 × 40 cm on canvas, €500, with no picture unless given."""

    class Meta:
        model = PaintingPage

    title = factory.Sequence(lambda n: f"Painting {n}")
    width_cm = Decimal("50")
    height_cm = Decimal("40")
    support = "canvas"
    price = Decimal("500")
    tags = ()

    @classmethod
    def _create_instance(cls, model_class, parent, kwargs):
        tags = kwargs.pop("tags")
        painting = model_class(**kwargs)
        painting.tags.add(*tags)
        parent.add_child(instance=painting)
        if tags:
            # Tags are written just after the page row, so the first index entry
            # misses them; the admin's next save (the revision) indexes them.
            painting.save_revision().publish()
        return painting


def add_edition(
    painting, size=30, proofs=0, price="180.00", process="Giclée", support="cotton rag", **fields
):
    """A new print edition of `painting`, 50 × 35 cm on a 60 × 45 cm sheet, published as
    the artist would (the publish signal makes its numbers)."""
    process, _ = PrintProcess.objects.get_or_create(name=process)
    # As the admin would: the page as stored, with the editions it has (and their ids).
    # A copy given an edition before still holds it unsaved: publishing it would replace it.
    painting = PaintingPage.objects.get(pk=painting.pk)
    painting.editions.add(
        PrintEdition(
            process=process,
            support=support,
            image_width_cm=Decimal("50"),
            image_height_cm=Decimal("35"),
            sheet_width_cm=Decimal("60"),
            sheet_height_cm=Decimal("45"),
            edition_size=size,
            artist_proofs=proofs,
            price=Decimal(price),
            **fields,
        )
    )
    painting.save_revision().publish()
    return PrintEdition.objects.filter(page_id=painting.pk).latest("pk")


class JournalIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = JournalIndexPage

    title = "Journal"


class ArticlePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Studio notes {n}")
    date = factory.LazyFunction(timezone.localdate)


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = "About"


class ContactPageFactory(wagtail_factories.PageFactory):
    """The commission form, with a required message field unless `form_fields` says."""

    class Meta:
        model = ContactPage

    title = "Commissions"
    slug = "contact"
    to_address = "artist@example.com"
    form_fields = factory.LazyFunction(
        lambda: [ContactFormField(label="Message", field_type="multiline", required=True)]
    )


# --- the shop -----------------------------------------------------------------


class SaleStateFactory(DjangoModelFactory):
    """The shop's hold on a painting: sold unless `status` says otherwise."""

    class Meta:
        model = SaleState

    painting = None
    status = SaleStatus.SOLD


class ShippingRateFactory(DjangoModelFactory):
    class Meta:
        model = ShippingRate

    name = "Insured courier"
    amount = Decimal("45.00")
    sort_order = 1


class OrderLineFactory(DjangoModelFactory):
    """A line of an order: the painting's title and price as they were, or given."""

    class Meta:
        model = OrderLine

    painting = None
    title = factory.LazyAttribute(lambda line: line.painting.title)
    price = factory.LazyAttribute(lambda line: line.painting.price)


PAID_STATES = (Order.Status.PAID, Order.Status.SHIPPED)


class OrderFactory(DjangoModelFactory):
    """An order Stripe has seen, shipped by insured courier to Paris: paid unless
    `status` says otherwise. `paintings=[...]` gives it a line for each and the hold
    its status means (sold when paid or shipped, reserved for 30 minutes while
    pending). `in_galway=True`: Ada Buyer's €850 order for one painting, "Harbour
    at dusk" unless `line__title` says, sent to Galway."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    paintings = ()  # not a field: _create turns them into lines and holds
    status = Order.Status.PAID
    user = None
    email = factory.LazyAttribute(
        lambda order: order.user.email if order.user else "ada@example.com"
    )
    name = "Ada Lovelace"
    address_line1 = "12 Harbour Road"
    postal_code = "75001"
    city = "Paris"
    country = "FR"
    subtotal = factory.LazyAttribute(
        lambda order: sum((painting.price for painting in order.paintings), Decimal("0"))
    )
    shipping_name = "Insured courier"
    shipping_amount = Decimal("45.00")
    stripe_session_id = factory.Sequence(lambda n: f"cs_test_order_{n}")
    stripe_payment_intent = factory.LazyAttribute(
        lambda order: "" if order.status == Order.Status.PENDING else "pi_test_123"
    )
    paid_at = factory.LazyAttribute(
        lambda order: timezone.now() if order.status in PAID_STATES else None
    )
    amount_paid = factory.LazyAttribute(
        lambda order: order.subtotal + order.shipping_amount if order.paid_at else None
    )

    class Params:
        in_galway = factory.Trait(
            name="Ada Buyer",
            address_line1="1 Quay Street",
            city="Galway",
            postal_code="H91",
            country="IE",
            subtotal=Decimal("850.00"),
            shipping_amount=Decimal("40.00"),
            line=factory.RelatedFactory(
                OrderLineFactory,
                factory_related_name="order",
                title="Harbour at dusk",
                price=Decimal("850.00"),
            ),
        )

    @classmethod
    def _create(cls, model_class, *args, paintings=(), **kwargs):
        order = super()._create(model_class, *args, **kwargs)
        for painting in paintings:
            OrderLineFactory(order=order, painting=painting)
            if order.status in PAID_STATES:
                hold = {"status": SaleStatus.SOLD, "order": order}
            elif order.status == Order.Status.PENDING:
                hold = {
                    "status": SaleStatus.RESERVED,
                    "order": order,
                    "reserved_until": order.created_at + timedelta(minutes=30),
                }
            else:
                continue
            SaleState.objects.update_or_create(painting=painting, defaults=hold)
        return order


def shop_tree(prices=("500.00", "1200.00", "80.00"), notify_email="artist@example.com"):
    """Home (the default site's root) → Gallery → Sea, one painting per price sharing
    one picture, the artist's notify address, and two shipping rates."""
    home = HomePageFactory(site=True)
    gallery = GalleryIndexPageFactory(parent=home)
    collection = CollectionPageFactory(parent=gallery)
    image = ImageFactory()
    paintings = [
        PaintingPageFactory(
            parent=collection,
            title=f"Painting {index}",
            price=Decimal(price),
            image=image,
        )
        for index, price in enumerate(prices, start=1)
    ]
    site = Site.objects.get(is_default_site=True)
    shop_settings = ShopSettings.for_site(site)
    shop_settings.notify_email = notify_email
    shop_settings.save()
    rates = [
        ShippingRateFactory(),
        ShippingRateFactory(name="Collect from the studio", amount=Decimal("0"), sort_order=2),
    ]
    return SimpleNamespace(
        site=site, home=home, collection=collection, paintings=paintings, rates=rates
    )
