"""The profile page: name and default shipping address, countries limited to
where the shop ships."""

import pytest
from wagtail.models import Site

from buyers.models import Profile
from shop.models import ShopSettings

pytestmark = pytest.mark.django_db

ADDRESS = {
    "full_name": "Ada Buyer",
    "phone": "+353 1 234 5678",
    "address_line1": "1 Quay Street",
    "address_line2": "Flat 2",
    "city": "Galway",
    "postal_code": "H91 ABC1",
    "state": "Co. Galway",
    "country": "IE",
}


@pytest.fixture
def shop_ships_to_ireland_and_france(db):
    settings = ShopSettings.for_site(Site.objects.get(is_default_site=True))
    settings.shipping_countries = ["FR", "IE"]
    settings.save()
    return settings


def test_profile_saves_name_and_address(client, buyer, shop_ships_to_ireland_and_france):
    client.force_login(buyer)
    page = client.get("/account/").content.decode()
    assert '<option value="IE">Ireland</option>' in page
    assert '<option value="FR">France</option>' in page
    assert '<option value="DE">' not in page
    assert 'autocomplete="address-line1"' in page

    response = client.post("/account/", ADDRESS, follow=True)
    assert response.redirect_chain[-1][0] == "/account/"
    assert "Your details are saved." in response.content.decode()
    profile = Profile.objects.get(user=buyer)
    assert profile.has_address
    assert profile.address_lines == [
        "1 Quay Street",
        "Flat 2",
        "H91 ABC1 Galway",
        "Co. Galway",
        "Ireland",
    ]
    assert '<option value="IE" selected>Ireland</option>' in response.content.decode()


def test_a_country_the_shop_does_not_ship_to_is_refused(
    client, buyer, shop_ships_to_ireland_and_france
):
    client.force_login(buyer)
    response = client.post("/account/", {**ADDRESS, "country": "DE"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice." in page
    assert 'aria-describedby="id_country_error"' in page
    assert not Profile.objects.filter(user=buyer).exists()


def test_half_an_address_asks_for_the_rest(client, buyer, shop_ships_to_ireland_and_france):
    client.force_login(buyer)
    response = client.post("/account/", {"address_line1": "1 Quay Street"})
    page = response.content.decode()
    assert "Enter the name the parcel should be addressed to." in page
    assert "Enter the town or city." in page
    assert "Choose the country." in page
    assert "Your details were not saved" in page


def test_a_name_alone_is_fine(client, buyer, shop_ships_to_ireland_and_france):
    client.force_login(buyer)
    client.post("/account/", {"full_name": "Ada Buyer"})
    profile = Profile.objects.get(user=buyer)
    assert profile.full_name == "Ada Buyer"
    assert not profile.has_address


def test_a_saved_country_no_longer_shipped_to_stays_visible(
    client, buyer, shop_ships_to_ireland_and_france
):
    Profile.objects.create(user=buyer, **{**ADDRESS, "country": "DE"})
    client.force_login(buyer)
    page = client.get("/account/").content.decode()
    assert '<option value="DE" selected>Germany (no longer shipped to)</option>' in page
