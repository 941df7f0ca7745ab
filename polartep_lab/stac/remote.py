"""Remote catalogs through the notebook server: STAC APIs and static catalogs (catalog.json).

Every request goes through the workspace's outbound client (SSRF guard, credentials by host);
an unreachable or slow catalog is a 502 with a readable message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

from ..core.errors import Invalid, NotFound, Upstream
from ..core.http import OutboundClient
from ..core.paths import resolve_within
from .catalogs import DescribeCatalog
from .geometry import footprint
from .search import SearchRequest, apply_fields
from .store import item_times

MAX_STATIC_NODES = 2000


class RemoteCatalog:
    def __init__(
        self,
        catalog: DescribeCatalog,
        http: OutboundClient,
        root_dir: Path,
        headers: dict[str, str] | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.catalog = catalog
        self.http = http
        self.root_dir = root_dir
        self.headers = headers or {}
        self.timeout = timeout

    # ---- transport ---------------------------------------------------------------------------
    def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            with self.http.client(timeout=self.timeout, headers=self.headers) as client:
                response = client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise Upstream(
                f"catalog {self.catalog.name!r} did not answer in {self.timeout:g} s", "timeout"
            ) from exc
        except httpx.HTTPError as exc:
            raise Upstream(f"catalog {self.catalog.name!r} is unreachable: {exc}", "unreachable") from exc
        if response.status_code == 404:
            raise NotFound(f"catalog {self.catalog.name!r} has no {url}", "remote_not_found")
        if response.status_code >= 400:
            raise Upstream(
                f"catalog {self.catalog.name!r} answered {response.status_code}: {response.text[:300]}",
                "remote_error",
            )
        try:
            return response.json()
        except ValueError as exc:
            raise Upstream(f"catalog {self.catalog.name!r} did not answer JSON", "remote_error") from exc

    def _read(self, href: str) -> Any:
        """A JSON document by URL or (static catalogs in the workspace) by workspace path."""
        if href.startswith(("http://", "https://")):
            return self._request("GET", href)
        path = resolve_within(self.root_dir, href)
        if not path.is_file():
            raise NotFound(f"no file {href!r} in the workspace", "no_file")
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise Invalid(f"{href}: not JSON", "bad_catalog") from exc

    def _api(self, path: str) -> str:
        return self.catalog.url.rstrip("/") + "/" + path.lstrip("/")

    # ---- static catalogs ---------------------------------------------------------------------
    def _walk(self) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
        """(collections, [(collection id, item)]) of a static catalog, following child/item links."""
        collections: list[dict[str, Any]] = []
        items: list[tuple[str, dict[str, Any]]] = []
        queue = [(self.catalog.url, None)]
        seen = set()
        while queue and len(seen) < MAX_STATIC_NODES:
            href, parent = queue.pop(0)
            if href in seen:
                continue
            seen.add(href)
            node = self._read(href)
            kind = node.get("type")
            if kind == "Feature":
                items.append((node.get("collection") or parent or "", node))
                continue
            if kind == "Collection":
                collections.append(node)
                parent = node.get("id")
            for link in node.get("links", []):
                if link.get("rel") in ("child", "item") and link.get("href"):
                    queue.append((_join(href, link["href"]), parent))
        return collections, items

    # ---- the operations ------------------------------------------------------------------------
    def collections(self) -> list[dict[str, Any]]:
        if self.catalog.type == "static":
            return self._walk()[0]
        return list(self._request("GET", self._api("collections")).get("collections", []))

    def collection(self, collection_id: str) -> dict[str, Any]:
        if self.catalog.type == "static":
            for coll in self.collections():
                if coll.get("id") == collection_id:
                    return coll
            raise NotFound(f"no collection {collection_id!r} in {self.catalog.name!r}", "no_collection")
        return dict(self._request("GET", self._api(f"collections/{collection_id}")))

    def item(self, collection_id: str, item_id: str) -> dict[str, Any]:
        if self.catalog.type == "static":
            for cid, item in self._walk()[1]:
                if cid == collection_id and item.get("id") == item_id:
                    return item
            raise NotFound(f"no item {item_id!r} in {collection_id!r}", "no_item")
        return dict(self._request("GET", self._api(f"collections/{collection_id}/items/{item_id}")))

    def search(self, request: SearchRequest) -> dict[str, Any]:
        if self.catalog.type == "static":
            return self._static_search(request)
        return dict(self._request("POST", self._api("search"), json=request.to_body()))

    def _static_search(self, request: SearchRequest) -> dict[str, Any]:
        area = request.area()
        hits = []
        for cid, item in self._walk()[1]:
            if request.collections and cid not in request.collections:
                continue
            if request.ids and item.get("id") not in request.ids:
                continue
            if area is not None and (
                not item.get("geometry") or not area.intersects(footprint(item["geometry"]))
            ):
                continue
            if request.datetime is not None:
                _, start, end = item_times(item)
                lo, hi = request.datetime
                if (hi is not None and start > hi) or (lo is not None and end < lo):
                    continue
            hits.append(item)
        offset = int(request.token[1:]) if request.token and request.token[1:].isdigit() else 0
        page = hits[offset : offset + request.limit]
        return {
            "type": "FeatureCollection",
            "features": [apply_fields(i, request.include, request.exclude) for i in page],
            "numberMatched": len(hits),
            "numberReturned": len(page),
            "links": [],
            "next_token": f"o{offset + request.limit}" if offset + request.limit < len(hits) else None,
        }


def _join(base: str, href: str) -> str:
    if href.startswith(("http://", "https://")) or base.startswith(("http://", "https://")):
        return urljoin(base, href)
    return (Path(base).parent / href).as_posix()


def download(http: OutboundClient, href: str, dest: Path, headers: dict[str, str] | None = None,
             timeout: float = 60.0) -> int:  # fmt: skip
    """Stream `href` into `dest` (a new file; written to a temp name, then renamed). Returns bytes."""
    tmp = dest.with_name(f".{dest.name}.part")
    size = 0
    try:
        with (
            http.client(timeout=timeout, headers=headers or {}) as client,
            client.stream("GET", href) as reply,
        ):
            if reply.status_code >= 400:
                raise Upstream(f"download of {href} answered {reply.status_code}", "remote_error")
            with tmp.open("wb") as fh:
                for chunk in reply.iter_bytes(1 << 20):
                    fh.write(chunk)
                    size += len(chunk)
        if dest.exists():
            raise Invalid(f"{dest.name} appeared meanwhile; not overwritten", "exists")
        tmp.rename(dest)
    except httpx.HTTPError as exc:
        raise Upstream(f"download of {href} failed: {exc}", "unreachable") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return size
