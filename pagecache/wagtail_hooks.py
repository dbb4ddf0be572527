from wagtail import hooks


@hooks.register("before_serve_page")
def record_page_type(page, request, serve_args, serve_kwargs):
    """Tells the page cache which kind of page answered (PAGE_CACHE_PAGE_TYPES)."""
    request.page_cache_page_type = page._meta.label
