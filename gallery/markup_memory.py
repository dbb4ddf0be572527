"""Markup kept per process under a key of everything it shows (the template tags'
card, filter-form and picture caches): nothing needs invalidating, since any
change is another key."""


def remembered(memory, most, key, render):
    """The markup kept under `key` in `memory` (a dict), else `render()`, kept;
    the dict is emptied once it holds `most` entries (old keys are never asked
    for again, so dropping them all is as good as dropping the oldest)."""
    markup = memory.get(key)
    if markup is None:
        markup = render()
        if len(memory) >= most:
            memory.clear()
        memory[key] = markup
    return markup
