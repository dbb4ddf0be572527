from django.urls import path

from . import views, webhooks

app_name = "shop"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/<row_id:page_id>/", views.cart_add, name="cart_add"),
    path("cart/remove/<row_id:page_id>/", views.cart_remove, name="cart_remove"),
    path("cart/destination/", views.cart_destination, name="cart_destination"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/success/", views.checkout_success, name="checkout_success"),
    path("checkout/cancel/", views.checkout_cancel, name="checkout_cancel"),
    path("checkout/wh/", webhooks.stripe_webhook, name="stripe_webhook"),
]
