"""What a test does when a real part (Chromium, PostgreSQL, axe-core) is missing."""

import os

import pytest


def missing_part(message, required_by):
    """Skips with a message saying what to install; with `required_by`=1 (CI), fails."""
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{message} ({required_by}=1, so this is a failure)", pytrace=False)
    pytest.skip(message)
