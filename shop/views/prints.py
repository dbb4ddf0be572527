"""Prints in the cart: added from the painting page, changed or removed on the cart page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gallery.models import PaintingPage, PrintEdition

from .. import same_origin
from ..cart import MAX_PRINT_CHOICES, Cart, numbers_left
from ..services.prints import MAX_PRINTS_PER_EDITION
from .cart import back_to
from .orders import buyers_pending_orders, release_removed_work

QUANTITY_REFUSED = f"Please choose how many prints you want: 1 to {MAX_PRINTS_PER_EDITION}."


def _quantity(request):
    """The posted quantity as an int from 1 to 5, or None for anything else."""
    value = request.POST.get("quantity", "1").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 2):
        return None
    quantity = int(value)
    return quantity if 1 <= quantity <= MAX_PRINTS_PER_EDITION else None


def _proof(request):
    """True for an artist's proof ("1"), False for a numbered print (omitted), None otherwise."""
    return {"1": True, "": False, "0": False}.get(request.POST.get("proof", ""))


def _edition(edition_id):
    """The edition, if the page it belongs to is on show."""
    edition = (
        PrintEdition.objects.filter(pk=edition_id, page__in=PaintingPage.objects.visible())
        .select_related("page", "process")
        .first()
    )
    if edition is None:
        raise Http404("No such print edition.")
    return edition


def _name(edition, proof):
    kind = "artist's proofs" if proof else "prints"
    return f"{kind} of “{edition.page.title}” ({edition.label})"


def _left_for_buyer(request, edition_id, proof):
    """Numbers of the edition free now, or held by this buyer's own unfinished checkout."""
    own = [o.pk for o in buyers_pending_orders(request) if not o.awaiting_bank_since]
    return numbers_left([edition_id], own).get((edition_id, proof), 0)


def _not_offered(edition, proof):
    """Why the edition (or its artist's proofs) can't be bought at all, or ''."""
    if not edition.for_sale:
        return f"“{edition.page.title}” ({edition.label}) is not offered for sale."
    if proof and not edition.proofs_on_sale:
        return f"Artist's proofs of “{edition.page.title}” ({edition.label}) are not for sale."
    return ""


def _too_few_left(left, edition, proof):
    if left == 0:
        return f"Sorry, the {_name(edition, proof)} are sold out."
    kind = "artist's proofs" if proof else "of this edition"
    return f"Only {left} {kind} {'is' if left == 1 else 'are'} left."


# The form is on the painting page, cached and the same for everyone, so it
# carries no CSRF token: same_origin checks the browser's Origin/Referer instead.
@csrf_exempt
@require_POST
def cart_add_print(request, edition_id):
    if not same_origin.from_this_site(request):
        return TemplateResponse(request, "shop/cart_add_refused.html", status=403)
    edition = _edition(edition_id)
    proof, quantity = _proof(request), _quantity(request)
    cart = Cart(request)
    if proof is None or quantity is None:
        messages.error(request, QUANTITY_REFUSED if proof is not None else "No such print.")
        return back_to(request, edition.page.url)
    if refusal := _not_offered(edition, proof):
        messages.error(request, refusal)
        return back_to(request, edition.page.url)
    held = cart.print_quantity(edition.pk, proof)
    if held >= MAX_PRINTS_PER_EDITION:
        messages.info(
            request,
            f"You already have {held} {_name(edition, proof)} in your cart: one checkout "
            f"takes at most {MAX_PRINTS_PER_EDITION} of an edition.",
        )
        return redirect("shop:cart")
    wanted = min(held + quantity, MAX_PRINTS_PER_EDITION)
    left = _left_for_buyer(request, edition.pk, proof)
    if wanted > left:
        messages.error(request, _too_few_left(left, edition, proof))
    elif cart.is_full_of_prints(edition.pk, proof):
        messages.error(
            request,
            f"Your cart holds at most {MAX_PRINT_CHOICES} different prints: please check "
            "out or remove some first.",
        )
    else:
        cart.set_prints(edition.pk, proof, wanted)
        if held + quantity > MAX_PRINTS_PER_EDITION:
            messages.warning(
                request,
                f"You now have {wanted} {_name(edition, proof)} in your cart, the most one "
                "checkout takes.",
            )
        else:
            messages.success(request, f"{wanted} {_name(edition, proof)} in your cart.")
    return back_to(request, edition.page.url)


@require_POST
def cart_update_print(request, edition_id):
    """The quantity chosen on the cart page (a form with a CSRF token: the cart isn't cached)."""
    proof, quantity = _proof(request), _quantity(request)
    cart = Cart(request)
    held = cart.print_quantity(edition_id, proof) if proof is not None else 0
    if not held:
        messages.error(request, "That print is no longer in your cart.")
    elif quantity is None:
        messages.error(request, QUANTITY_REFUSED)
    elif quantity > held and quantity > (left := _left_for_buyer(request, edition_id, proof)):
        messages.error(request, _too_few_left(left, _edition(edition_id), proof))
    elif quantity != held:
        cart.set_prints(edition_id, proof, quantity)
        messages.success(request, "Quantity updated.")
    return redirect("shop:cart")


@require_POST
def cart_remove_print(request, edition_id):
    proof = _proof(request)
    cart = Cart(request)
    if proof is not None and cart.remove_prints(edition_id, proof):
        messages.success(request, "Removed from your cart.")
        release_removed_work(request, cart, edition_ids=[edition_id])
    return redirect("shop:cart")
