"""The demo's pictures as Wagtail images, in their own image collection.

Painted pictures (see `pictures`) are stored through Django's default
storage, so the demo works the same on local files and on S3. Each painting
gets a picture of itself, a detail and a view on a wall: its own set in a
small demo, or one from a shared pool in a large one.
"""

import io
import time
from dataclasses import dataclass

from django.core.files.images import ImageFile
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from .content import FORMATS
from .pictures import FULL_LONG_SIDE, painting_pictures, single_picture

IMAGE_COLLECTION_NAME = "Demo content"
# Up to this many paintings, each gets its own full-size pictures; beyond it
# they share a smaller pool, which keeps 1,000 paintings well under a minute.
UNIQUE_IMAGES_UP_TO = 48
POOL_SIZE = 24
POOL_LONG_SIDE = 900


def demo_image_collection(create=True):
    """The image collection that holds every demo picture (None if absent and not created)."""
    collection = Collection.objects.filter(name=IMAGE_COLLECTION_NAME, depth=2).first()
    if collection is None and create:
        collection = Collection.get_first_root_node().add_child(name=IMAGE_COLLECTION_NAME)
    return collection


@dataclass
class PaintingPictures:
    """The three Wagtail images a painting page shows."""

    main: object
    detail: object
    wall: object


class ImageMaker:
    """Stores JPEGs through the default storage as Wagtail images in the demo collection."""

    def __init__(self):
        self.collection = demo_image_collection()
        self.images = []

    def save(self, jpeg, title, filename):
        buffer = io.BytesIO(jpeg.data)
        # Size, byte count and hash are known here; given up front, Wagtail
        # does not reopen the stored file to find them.
        image = get_image_model()(
            title=title,
            collection=self.collection,
            file=ImageFile(buffer, name=filename),
            width=jpeg.width,
            height=jpeg.height,
            file_size=len(jpeg.data),
            file_hash=hash_filelike(buffer),
        )
        image.save()
        self.images.append(image)
        return image

    def paint(self, spec):
        """A one-off picture from (width px, height px, palette, seed, title, file name)."""
        width_px, height_px, palette, seed, title, filename = spec
        return self.save(single_picture(width_px, height_px, palette, seed), title, filename)

    def painting_pool(self, plan, painting_count, say):
        """One set of pictures per (series, format) slot; shared when building in bulk.

        Returns the sets by (series, slot) and the number of slots per series.
        """
        unique = painting_count <= UNIQUE_IMAGES_UP_TO
        long_side = FULL_LONG_SIDE if unique else POOL_LONG_SIDE
        series_used = list(dict.fromkeys(series for series, _, _ in plan))
        if unique:
            slots = min(len(FORMATS), max(size for _, _, size in plan))
        else:
            slots = max(1, POOL_SIZE // len(series_used))
        started = time.monotonic()
        pool = {}
        for series_index, series in enumerate(series_used):
            for slot in range(slots):
                seed = 1000 + series_index * 100 + slot
                pool[series, slot] = self.painting_set(series, slot, long_side, seed, unique)
        say(f"Painted {len(pool) * 3} pictures in {time.monotonic() - started:.1f} s.")
        return pool, slots

    def painting_set(self, series, slot, long_side, seed, unique):
        width_cm, height_cm = FORMATS[slot]
        main, detail, wall = painting_pictures(width_cm, height_cm, long_side, series.palette, seed)
        if unique:
            subject = f"“{series.painting_titles[slot]}”, a painting in {series.palette.name}"
        else:
            subject = f"A painting in {series.palette.name} from the series {series.title}"
        stem = slugify(f"{series.title}-{slot + 1}")[:60]
        return PaintingPictures(
            main=self.save(main, subject, f"{stem}.jpg"),
            detail=self.save(detail, f"Detail of the brushwork in {subject}", f"{stem}-detail.jpg"),
            wall=self.save(
                wall,
                f"{subject[0].upper()}{subject[1:]}, hung on a plain wall to show its size",
                f"{stem}-on-the-wall.jpg",
            ),
        )
