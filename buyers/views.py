"""The buyer's own pages: profile and address, order history, account deletion."""

from allauth.account.adapter import get_adapter
from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from shop.models import Order, ShopSettings

from .forms import DeleteAccountForm, ProfileForm
from .models import Profile
from .stripe_customer import delete_customer


@verified_email_required
def profile(request):
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    countries = ShopSettings.for_request(request).country_list
    form = ProfileForm(request.POST or None, instance=profile, countries=countries)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your details are saved.")
            return redirect("buyers:profile")
        messages.error(request, "Your details were not saved: please correct the marked fields.")
    recent_orders = Order.objects.filter(user=request.user).prefetch_related("lines")[:3]
    return TemplateResponse(
        request,
        "buyers/profile.html",
        {"form": form, "profile": profile, "recent_orders": recent_orders},
    )


@verified_email_required
def order_list(request):
    orders = Order.objects.filter(user=request.user).prefetch_related("lines")
    return TemplateResponse(request, "buyers/order_list.html", {"orders": orders})


@verified_email_required
def order_detail(request, number):
    # Someone else's order number is indistinguishable from a made-up one.
    order = get_object_or_404(Order, user=request.user, number=number)
    return TemplateResponse(
        request,
        "buyers/order_detail.html",
        {"order": order, "lines": order.lines.select_related("painting")},
    )


@verified_email_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        profile = Profile.objects.filter(user=user).first()
        if profile is not None:
            delete_customer(profile)
        # Orders stay for the artist's books (Order.user is SET_NULL); each
        # keeps the name, e-mail and address it was placed with.
        user.delete()
        get_adapter(request).logout(request)
        messages.success(request, "Your account is deleted. Your past orders stay on record.")
        return redirect("/")
    return TemplateResponse(request, "buyers/delete_account.html", {"form": form})
