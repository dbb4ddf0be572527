"""Media on S3: originals stay private, only renditions are public.

Django's default storage (originals under ``original_images/``, documents under
``documents/``) is a private S3 storage that answers signed URLs. Wagtail
writes renditions to ``WAGTAILIMAGES_RENDITION_STORAGE`` instead, the
``renditions`` storage below, whose objects under ``images/`` the bucket
policy lets anyone read (see README, "Media bucket and IAM policy").

One rendition is as good as the original: Wagtail's ``original`` filter, a
full-resolution copy the admin makes for every image it edits (and links to
from the edit form). Its name is derivable from any public rendition's name
(``images/harbour.width-400.webp`` -> ``images/harbour.original.jpg``), so this
storage keeps such copies next to the originals, out of the public prefix, and
signs their URLs.
"""

import posixpath

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Outside images/, so the bucket policy keeps it private.
FULL_SIZE_FOLDER = "original_images/full_size/"


def is_full_size(name):
    """A rendition made with Wagtail's ``original`` filter (``<stem>.original[.…].<ext>``)."""
    return ".original." in posixpath.basename(name)


class RenditionStorage(S3Storage):
    """Renditions with plain (CDN-cacheable) URLs; full-size copies private and signed."""

    def get_available_name(self, name, max_length=None):
        if is_full_size(name) and not name.startswith(FULL_SIZE_FOLDER):
            name = FULL_SIZE_FOLDER + posixpath.basename(name)
        return super().get_available_name(name, max_length=max_length)

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not name.startswith(FULL_SIZE_FOLDER):
            return super().url(name, parameters, expire, http_method)
        # Signed and straight from the bucket (a custom domain would serve it unsigned).
        params = {
            **(parameters or {}),
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
        }
        return self.connection.meta.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )
