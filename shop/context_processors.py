from .cart import Cart


def cart(request):
    """The header's cart count; reads the session only, no query."""
    if request is None or not hasattr(request, "session"):
        return {"cart_count": 0, "cart_ids": ()}
    ids = Cart(request).ids
    return {"cart_count": len(ids), "cart_ids": ids}
