"""The project's URLs plus uploaded media, for browser tests against live_server.

With DEBUG off (as in tests) the project does not serve MEDIA_URL itself; in
production a web server, S3 or a CDN does. Static files need nothing here:
pytest-django's live_server serves them through the staticfiles finders.
"""

import re

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from pgp_site.urls import urlpatterns as project_urlpatterns


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", serve_media),
    *project_urlpatterns,
]
