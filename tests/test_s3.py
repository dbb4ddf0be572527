"""Wagtail images, renditions and demo content on S3 (moto's server over real HTTP)."""

import io
import re
import time
import urllib.request

import pytest
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.template import Context, Template
from PIL import Image as PillowImage
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
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"
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
    policy = client.get("/robots.txt").headers["Content-Security-Policy"]
    assert f"img-src 'self' {s3_media.endpoint_url};" in policy

    s3_media.configure(AWS_S3_CUSTOM_DOMAIN="media.example.test")
    policy = client.get("/robots.txt").headers["Content-Security-Policy"]
    assert "img-src 'self' https://media.example.test;" in policy


@pytest.mark.django_db
def test_policy_needs_no_credentials_for_a_private_bucket(client, s3_media, monkeypatch):
    s3_media.configure(AWS_QUERYSTRING_AUTH="true")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    response = client.get("/robots.txt")

    assert response.status_code == 200
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
