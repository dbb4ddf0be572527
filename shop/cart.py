"""The session cart: painting page ids only, never prices."""

SESSION_KEY = "cart"


class Cart:
    def __init__(self, request):
        self.session = request.session
        raw = self.session.get(SESSION_KEY, [])
        self.ids = [i for i in raw if isinstance(i, int)] if isinstance(raw, list) else []

    def __contains__(self, page_id):
        return page_id in self.ids

    def __len__(self):
        return len(self.ids)

    def add(self, page_id):
        """Adds the painting; False if it was already there (originals are one of a kind)."""
        if page_id in self.ids:
            return False
        self.ids.append(page_id)
        self._save()
        return True

    def remove(self, page_id):
        if page_id not in self.ids:
            return False
        self.ids.remove(page_id)
        self._save()
        return True

    def clear(self):
        self.ids = []
        self._save()

    def _save(self):
        self.session[SESSION_KEY] = list(self.ids)
        self.session.modified = True
