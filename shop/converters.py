"""URL converters for the shop's addresses."""


class RowIdConverter:
    """A database id: digits that fit a 64-bit integer column. A longer number is
    no address of ours (404), rather than an integer SQLite cannot bind (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
