"""Media on a real S3 API for tests: moto's server over HTTP on 127.0.0.1.

Use it with ``pytest_plugins = ["tests.s3_server"]`` and the ``s3_media``
fixture. The fixture runs the ``# Media on S3`` block of
pgp_site/settings/base.py against an environment that points at the moto
server, and applies the result to Django's settings, so tests exercise the
same configuration production uses (only the endpoint and path-style
addressing differ, as they would for MinIO or R2). The helpers below serve
tests that run the app in a subprocess as well.
"""

import json
import runpy
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.core.cache import caches
from django.core.files.storage import storages
from moto.server import ThreadedMotoServer
from wagtail.images import get_image_model

BASE_SETTINGS = Path(__file__).resolve().parent.parent / "pgp_site" / "settings" / "base.py"
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def start_server():
    """A moto S3 server on a free port of 127.0.0.1; returns it and its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def stop_server(server):
    """Take the S3 service away, as an outage would: connections are refused."""
    server.stop()
    # stop() ends the serve loop but leaves the socket listening; close it so
    # clients see a refused connection instead of a silent one.
    server._server.server_close()


def s3_client(endpoint_url):
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def create_media_bucket(client):
    """A media bucket set up as the README's bucket policy does: anyone may read renditions.

    moto enforces bucket policies for anonymous requests, as S3 does: without
    a statement that allows it, an unsigned GET answers 403.
    """
    # moto keeps the buckets of every server in one process-wide store.
    bucket = f"pgp-media-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadForRenditions",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/images/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read))
    return bucket


def media_environment(endpoint_url, bucket):
    """The environment variables that put the app's media in this bucket."""
    return {
        **CREDENTIALS,
        "USE_AWS": "true",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint_url,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }


@dataclass
class S3Media:
    server: ThreadedMotoServer
    endpoint_url: str
    settings: object
    monkeypatch: pytest.MonkeyPatch
    client: object = field(init=False)
    bucket: str = field(init=False)
    running: bool = True

    def __post_init__(self):
        self.client = s3_client(self.endpoint_url)
        self.bucket = create_media_bucket(self.client)

    @property
    def bucket_url(self):
        """Where path-style media URLs start."""
        return f"{self.endpoint_url}/{self.bucket}/"

    def object_keys(self):
        listing = self.client.list_objects_v2(Bucket=self.bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def configure(self, **environment):
        """Apply base.py's S3 settings for this bucket plus any extra variables."""
        variables = {**media_environment(self.endpoint_url, self.bucket), **environment}
        for name, value in variables.items():
            self.monkeypatch.setenv(name, value)
        self.monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        self.monkeypatch.delenv("AWS_PROFILE", raising=False)
        configured = runpy.run_path(str(BASE_SETTINGS))
        for name, value in configured.items():
            if name.startswith("AWS_"):
                setattr(self.settings, name, value)
        self.settings.MEDIA_URL = configured["MEDIA_URL"]
        # Changing STORAGES makes Django drop its cached storages.
        self.settings.STORAGES = {
            **self.settings.STORAGES,
            **{
                alias: value
                for alias, value in configured["STORAGES"].items()
                if alias != "staticfiles"
            },
        }
        renditions = configured.get("WAGTAILIMAGES_RENDITION_STORAGE")
        if renditions:
            self.settings.WAGTAILIMAGES_RENDITION_STORAGE = renditions
            # Wagtail resolves the setting once, when the rendition model is
            # built; hand the field the storage just configured.
            rendition_file = get_image_model().get_rendition_model()._meta.get_field("file")
            self.monkeypatch.setattr(rendition_file, "storage", storages[renditions])
        # Rendition URLs of an earlier configuration must not be served from cache.
        caches["renditions"].clear()

    def stop(self):
        stop_server(self.server)
        self.running = False


@pytest.fixture
def s3_media(settings, monkeypatch):
    """The app's media storages on a fresh bucket of a moto S3 server (renditions public)."""
    server, endpoint_url = start_server()
    media = S3Media(
        server=server, endpoint_url=endpoint_url, settings=settings, monkeypatch=monkeypatch
    )
    media.configure()
    yield media
    if media.running:
        media.stop()
    caches["renditions"].clear()
