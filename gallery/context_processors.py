from wagtail.models import Site


def navigation(request):
    """The menu: live pages under the site root marked 'show in menus'."""
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"menu_pages": [], "site_root": None}
    root = site.root_page
    return {
        "site_root": root,
        "menu_pages": lambda: list(root.get_children().live().in_menu()),
    }
