from django.urls import path

from . import webhooks
from .views import cart, checkout, prints, returns

app_name = "shop"

urlpatterns = [
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/<row_id:page_id>/", cart.cart_add, name="cart_add"),
    path("cart/remove/<row_id:page_id>/", cart.cart_remove, name="cart_remove"),
    path("cart/add-print/<row_id:edition_id>/", prints.cart_add_print, name="cart_add_print"),
    path("cart/prints/<row_id:edition_id>/", prints.cart_update_print, name="cart_update_print"),
    path(
        "cart/prints/<row_id:edition_id>/remove/",
        prints.cart_remove_print,
        name="cart_remove_print",
    ),
    path("cart/destination/", cart.cart_destination, name="cart_destination"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/success/", returns.checkout_success, name="checkout_success"),
    path("checkout/cancel/", returns.checkout_cancel, name="checkout_cancel"),
    path("checkout/wh/", webhooks.stripe_webhook, name="stripe_webhook"),
]
