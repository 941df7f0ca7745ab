"""S3-compatible bucket roots (AWS, MinIO, Ceph, EOX object storage) through s3fs.

Credentials come from a secret of the secrets feature, by name: its value is
``ACCESS_KEY_ID:SECRET_ACCESS_KEY`` or JSON ``{"access_key_id": …, "secret_access_key": …}``.
Operators may also put ``key``/``secret`` inline in ``c.PolarTEP.files_s3_roots`` (a fallback for
set-ups without the secrets feature); they are never listed or written to disk by this feature.
"""

from __future__ import annotations

import json
import posixpath
import threading
from collections.abc import Callable
from typing import Any

from ..core.errors import Forbidden, NotFound, PolarTEPError, Upstream
from .roots import StorageRoot


class Unavailable(PolarTEPError):
    """A service this needs is not running (HTTP 503)."""

    status = 503
    reason = "unavailable"


def parse_credentials(value: str) -> tuple[str, str]:
    value = value.strip()
    if value.startswith("{"):
        data = json.loads(value)
        key = data.get("access_key_id") or data.get("aws_access_key_id") or data.get("key")
        secret = data.get("secret_access_key") or data.get("aws_secret_access_key") or data.get("secret")
        if key and secret:
            return str(key), str(secret)
        raise ValueError("JSON credentials need access_key_id and secret_access_key")
    if ":" in value:
        key, secret = value.split(":", 1)
        return key, secret
    raise ValueError("credentials are 'ACCESS_KEY_ID:SECRET_ACCESS_KEY' or JSON")


class S3Root(StorageRoot):
    """A bucket (and optional key prefix) on an S3-compatible server."""

    kind = "s3"

    def __init__(
        self,
        name: str,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        title: str = "",
        credentials_secret: str | None = None,
        key: str | None = None,
        secret: str | None = None,
        anonymous: bool = False,
        secret_lookup: Callable[[str], str] | None = None,
        removable: bool = False,
    ) -> None:
        super().__init__(name, title or f"s3://{bucket}/{prefix}".rstrip("/"))
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.region = region
        self.credentials_secret = credentials_secret
        self._key, self._secret = key, secret
        self.anonymous = anonymous
        self.secret_lookup = secret_lookup
        self.removable = removable
        self._fs: Any = None
        self._lock = threading.Lock()

    # ---- credentials -------------------------------------------------------------------------
    def credentials(self) -> tuple[str | None, str | None]:
        if self.credentials_secret:
            if self.secret_lookup is None:
                raise Unavailable(
                    f"root {self.name!r} takes its credentials from secret {self.credentials_secret!r}, "
                    "but the secrets feature is not enabled",
                    "secrets_unavailable",
                )
            try:
                return parse_credentials(self.secret_lookup(self.credentials_secret))
            except (KeyError, LookupError, NotFound) as exc:
                raise Forbidden(
                    f"secret {self.credentials_secret!r} for root {self.name!r} does not exist", "no_secret"
                ) from exc
            except ValueError as exc:
                raise Forbidden(
                    f"secret {self.credentials_secret!r} is not usable: {exc}", "bad_secret"
                ) from exc
        return self._key, self._secret

    def storage_options(self) -> dict[str, Any]:
        """Options for s3fs/fsspec (also what a notebook passes to xarray/geopandas)."""
        opts: dict[str, Any] = {}
        if self.anonymous:
            opts["anon"] = True
        else:
            key, secret = self.credentials()
            if key:
                opts.update(key=key, secret=secret)
        client: dict[str, Any] = {}
        if self.endpoint_url:
            client["endpoint_url"] = self.endpoint_url
        if self.region:
            client["region_name"] = self.region
        if client:
            opts["client_kwargs"] = client
        return opts

    @property
    def fs(self) -> Any:
        with self._lock:
            if self._fs is None:
                import s3fs

                self._fs = s3fs.S3FileSystem(
                    skip_instance_cache=True,
                    use_listings_cache=False,
                    config_kwargs={"connect_timeout": 10, "read_timeout": 60, "retries": {"max_attempts": 2}},
                    **self.storage_options(),
                )
            return self._fs

    def reset(self) -> None:
        """Forget the client (after a credential change)."""
        with self._lock:
            self._fs = None

    # ---- paths -------------------------------------------------------------------------------
    def full(self, rel: str) -> str:
        return (
            posixpath.join(self.bucket, self.prefix, rel).rstrip("/")
            if rel
            else posixpath.join(self.bucket, self.prefix).rstrip("/")
        )

    def url(self, rel: str) -> str:
        return "s3://" + self.full(rel)

    def mkdir(self, rel: str) -> None:
        # object stores have no folders: a hidden marker object keeps an empty one visible
        with self.errors(rel):
            self.fs.pipe_file(self.full(rel) + "/.keep", b"")

    def is_dir(self, rel: str) -> bool:
        self.invalidate()
        return super().is_dir(rel)

    def backend_errors(self) -> tuple[type[BaseException], ...]:
        from botocore.exceptions import BotoCoreError, ClientError

        return (OSError, ValueError, BotoCoreError, ClientError)

    def translate_errors(self, exc: Exception, rel: str) -> Exception:
        if isinstance(exc, FileNotFoundError):
            return NotFound(f"{self.name}:{rel or '/'} does not exist", "not_found")
        if isinstance(exc, PermissionError):
            return Forbidden(f"the S3 server refused root {self.name!r}: {exc}", "s3_denied")
        if not isinstance(exc, PolarTEPError):
            return Upstream(f"S3 root {self.name!r} failed: {exc}", "s3_error")
        return exc

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "removable": self.removable,
            "bucket": self.bucket,
            "prefix": self.prefix,
            "endpoint_url": self.endpoint_url,
        }
