"""Wagtail images, renditions and demo content on S3 (moto's server over real HTTP).

The bucket carries the README's policy: anyone may read renditions (images/),
nothing else. moto enforces bucket policies for unsigned requests as S3 does,
so a 403 here is the store refusing a visitor, not a test double.
"""

import html
import io
import posixpath
import re
import time
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.template import Context, Template
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

pytest_plugins = ["tests.s3_server"]

Image = get_image_model()


def jpeg_bytes(width=640, height=480):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), (180, 90, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(admin_client, title="Harbour at dusk"):
    return admin_client.post(
        "/admin/images/add/",
        {
            "title": title,
            "file": SimpleUploadedFile("harbour.jpg", jpeg_bytes(), content_type="image/jpeg"),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def anonymous_status(url):
    """The status a visitor's browser gets for this URL (no redirects followed)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def stored_image(title="Still life"):
    return Image.objects.create(
        title=title, file=ImageFile(io.BytesIO(jpeg_bytes()), name="still-life.jpg")
    )


def render_image_tag(image, spec):
    template = Template("{% load wagtailimages_tags %}{% image picture " + spec + " %}")
    html = template.render(Context({"picture": image}))
    return re.search(r'src="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_admin_upload_puts_the_original_in_the_bucket(admin_client, s3_media):
    form = admin_client.get("/admin/images/add/").content.decode()
    for field in ("title", "file"):
        assert f'name="{field}"' in form

    response = upload(admin_client)

    assert response.status_code == 302
    image = Image.objects.get(title="Harbour at dusk")
    assert image.file.name.startswith("original_images/")
    assert image.file.name in s3_media.object_keys()
    stored = s3_media.client.head_object(Bucket=s3_media.bucket, Key=image.file.name)
    assert stored["CacheControl"] == "private, max-age=31536000, immutable"
    assert stored["ContentType"] == "image/jpeg"


@pytest.mark.django_db
def test_uploads_never_overwrite(s3_media):
    first, second = stored_image(), stored_image()

    assert first.file.name != second.file.name
    assert {first.file.name, second.file.name} <= s3_media.object_keys()


@pytest.mark.django_db
def test_renditions_are_stored_and_served_from_the_bucket(s3_media):
    image = stored_image()

    rendition = image.get_rendition("width-400|format-webp")
    src = render_image_tag(image, "width-400 format-webp")

    assert rendition.file.name in s3_media.object_keys()
    assert src == f"{s3_media.bucket_url}{rendition.file.name}"
    assert "X-Amz-Signature" not in src
    status, headers, body = fetch(src)
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert body[:4] == b"RIFF" and body[8:12] == b"WEBP"
    assert PillowImage.open(io.BytesIO(body)).size == (400, 300)


@pytest.mark.django_db
def test_originals_cannot_be_derived_from_a_rendition_url(s3_media):
    image = stored_image()
    src = render_image_tag(image, "width-400 format-webp")
    assert anonymous_status(src) == 200

    # What the issue describes: the stem of a public rendition's name names the original.
    stem = posixpath.basename(src).split(".")[0]
    derived = f"{s3_media.bucket_url}original_images/{stem}.jpg"
    assert derived == f"{s3_media.bucket_url}{image.file.name}"
    assert anonymous_status(derived) == 403

    # The app itself reaches it through a signed URL.
    signed = image.file.url
    assert signed.startswith(f"{s3_media.bucket_url}{image.file.name}?")
    assert "X-Amz-Signature=" in signed
    status, _, body = fetch(signed)
    assert status == 200
    assert PillowImage.open(io.BytesIO(body)).size == (640, 480)


@pytest.mark.django_db
def test_admin_shows_the_full_size_copy_through_a_signed_url(admin_client, s3_media):
    image = stored_image()

    response = admin_client.get(f"/admin/images/{image.pk}/")

    assert response.status_code == 200
    # The edit form links the file to Wagtail's "original" rendition, a full-size copy.
    link = re.search(
        r'<a href="([^"]+)">[^<]*<svg[^>]*>.*?</svg>[^<]*still-life',
        response.content.decode(),
        re.S,
    )
    assert link, "the edit form links to the full-size file"
    url = html.unescape(link.group(1))
    assert "X-Amz-Signature=" in url
    status, _, body = fetch(url)
    assert status == 200
    assert PillowImage.open(io.BytesIO(body)).size == (640, 480)

    full_size = image.renditions.get(filter_spec="original")
    assert full_size.file.name.startswith("original_images/")
    assert anonymous_status(f"{s3_media.bucket_url}{full_size.file.name}") == 403
    # Nothing at full size is left where the public may read, not even by guessing.
    public = {key for key in s3_media.object_keys() if key.startswith("images/")}
    assert not any(".original." in key for key in public), public
    stem = posixpath.basename(image.file.name).rsplit(".", 1)[0]
    assert anonymous_status(f"{s3_media.bucket_url}images/{stem}.original.jpg") == 404


@pytest.mark.django_db(transaction=True)
def test_deleting_an_image_removes_every_copy_from_the_bucket(s3_media):
    image = stored_image()
    image.get_rendition("width-400")
    image.get_rendition("original")
    names = {image.file.name, *(rendition.file.name for rendition in image.renditions.all())}
    assert len(names) == 3 and names <= s3_media.object_keys()

    image.delete()

    assert not names & s3_media.object_keys()


@pytest.mark.django_db
def test_documents_are_served_through_the_site_with_signed_urls(client, s3_media):
    document = get_document_model().objects.create(
        title="Price list", file=ContentFile(b"%PDF-1.4 prices", name="price-list.pdf")
    )
    assert document.file.name in s3_media.object_keys()
    assert anonymous_status(f"{s3_media.bucket_url}{document.file.name}") == 403

    response = client.get(document.url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{s3_media.bucket_url}{document.file.name}?")
    assert "X-Amz-Signature=" in response["Location"]
    status, _, body = fetch(response["Location"])
    assert status == 200
    assert body == b"%PDF-1.4 prices"


@pytest.mark.django_db
def test_only_renditions_use_the_custom_domain(s3_media):
    s3_media.configure(AWS_S3_CUSTOM_DOMAIN="media.example.test")
    image = stored_image()

    assert render_image_tag(image, "width-400").startswith("https://media.example.test/images/")
    # A CDN in front of the bucket must not serve originals, signed or not.
    assert image.file.url.startswith(f"{s3_media.bucket_url}{image.file.name}?")
    assert "X-Amz-Signature=" in image.file.url


@pytest.mark.django_db
def test_media_urls_use_the_custom_domain(s3_media):
    s3_media.configure(AWS_S3_CUSTOM_DOMAIN="media.example.test")
    image = stored_image()

    src = render_image_tag(image, "width-400")

    rendition = image.get_rendition("width-400")
    assert src == f"https://media.example.test/{rendition.file.name}"
    assert rendition.file.name in s3_media.object_keys()


@pytest.mark.django_db
def test_private_bucket_gets_signed_urls(s3_media):
    s3_media.configure(AWS_QUERYSTRING_AUTH="true")
    image = stored_image()

    src = render_image_tag(image, "width-400")

    assert src.startswith(s3_media.bucket_url)
    assert "X-Amz-Signature=" in src
    status, _, body = fetch(src)
    assert status == 200
    assert PillowImage.open(io.BytesIO(body)).format == "JPEG"


@pytest.mark.django_db
def test_public_pages_allow_images_from_the_media_host(client, s3_media):
    policy = client.get("/no-such-page/").headers["Content-Security-Policy"]  # an HTML page
    assert f"img-src 'self' {s3_media.endpoint_url};" in policy

    s3_media.configure(AWS_S3_CUSTOM_DOMAIN="media.example.test")
    policy = client.get("/no-such-page/").headers["Content-Security-Policy"]  # an HTML page
    assert "img-src 'self' https://media.example.test;" in policy

    # The admin shows renditions from the CDN and originals, signed, from the bucket.
    policy = client.get("/admin/login/").headers["Content-Security-Policy"]
    img_src = next(part.split()[1:] for part in policy.split("; ") if part.startswith("img-src "))
    assert img_src == [
        "'self'",
        "data:",
        "blob:",
        s3_media.endpoint_url,
        "https://media.example.test",
    ]


@pytest.mark.django_db
def test_policy_needs_no_credentials_for_a_private_bucket(client, s3_media, monkeypatch):
    s3_media.configure(AWS_QUERYSTRING_AUTH="true")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    response = client.get("/no-such-page/")  # an HTML page

    assert response.status_code == 404
    assert f"img-src 'self' {s3_media.endpoint_url};" in response.headers["Content-Security-Policy"]


def picture_urls(html):
    """Every URL in the src and srcset attributes of a page."""
    urls = re.findall(r'\ssrc="([^"]+)"', html)
    for srcset in re.findall(r'\ssrcset="([^"]+)"', html):
        urls += [candidate.split()[0] for candidate in srcset.split(",")]
    return urls


@pytest.mark.django_db
def test_demo_site_runs_on_s3(client, s3_media):
    if "seed_gallery" not in get_commands():
        pytest.skip("gallery's seed_gallery command is not written yet")

    call_command("seed_gallery", paintings=6, stdout=io.StringIO())

    originals = {image.file.name for image in Image.objects.all()}
    assert originals
    assert originals <= s3_media.object_keys()

    response = client.get("/")
    assert response.status_code == 200
    media_urls = [url for url in picture_urls(response.content.decode()) if "/static/" not in url]
    assert media_urls, "the home page shows the seeded pictures"
    assert all(url.startswith(s3_media.bucket_url) for url in media_urls), media_urls
    status, headers, body = fetch(media_urls[0])
    assert status == 200
    assert headers["Content-Type"] in {"image/webp", "image/jpeg"}
    PillowImage.open(io.BytesIO(body)).verify()


@pytest.mark.django_db
def test_upload_while_storage_is_down_fails_cleanly(admin_client, s3_media):
    images_before = Image.objects.count()
    s3_media.stop()

    started = time.monotonic()
    response = upload(admin_client, title="Lost at sea")

    assert time.monotonic() - started < 20, "storage errors must fail fast, not hang a worker"
    assert response.status_code == 303
    assert response["Location"] == "/admin/images/add/"
    page = admin_client.get(response["Location"]).content.decode()
    assert "media storage is not reachable" in page
    assert Image.objects.count() == images_before
    assert not Image.objects.filter(title="Lost at sea").exists()
