"""The real backend reached by URL: PgSTAC behind a stac-fastapi-pgstac service.

Reads go through its STAC API (collections, items, `POST /search`), writes through its
Transactions extension (and Bulk Transactions for all-or-nothing batches), every request through
the workspace's outbound client (SSRF guard, credentials by host). Searches are sent in the same
dateline-split form as to PgSTAC directly: a bbox crossing 180° becomes a MultiPolygon
`intersects`, since PgSTAC would read `[170,60,-170,70]` as -170..170.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ..core.errors import Conflict, Invalid, NotFound, Upstream
from ..core.http import OutboundClient
from .pgstac_store import page_tokens, search_body
from .search import SearchRequest
from .store import CatalogStore, SearchPage

#: Collections per page when listing (stac-fastapi-pgstac pages `/collections` too).
COLLECTIONS_PAGE = 100


class StacApiStore(CatalogStore):
    kind = "real"

    def __init__(self, url: str, http: OutboundClient | None = None, timeout: float = 60.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"stac_api_url must be an http(s) URL, not {url!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._http = http or OutboundClient()
        self._client = self._http.client(timeout=timeout)

    def describe(self) -> str:
        return f"PgSTAC via the STAC API at {self.url}"

    # ---- transport -----------------------------------------------------------------------------
    def _send(self, method: str, path: str, body: Any = None, params: Any = None) -> httpx.Response:
        url = f"{self.url}/{path.lstrip('/')}" if not path.startswith("http") else path
        try:
            response = self._client.request(method, url, json=body, params=params)
        except httpx.TimeoutException as exc:
            raise Upstream(
                f"the STAC API at {self.url} did not answer in {self.timeout:g} s", "timeout"
            ) from exc
        except httpx.HTTPError as exc:
            raise Upstream(f"the STAC API at {self.url} is unreachable: {exc}", "unreachable") from exc
        if response.status_code >= 500:
            raise Upstream(
                f"the STAC API at {self.url} answered {response.status_code}: {_detail(response)}", "upstream"
            )
        return response

    def _json(self, response: httpx.Response, what: str) -> Any:
        if response.status_code == 409:
            raise Conflict(f"{what}: already exists ({_detail(response)})", "duplicate")
        if response.status_code == 404:
            raise NotFound(f"{what}: not found ({_detail(response)})", "not_found")
        if response.status_code >= 400:
            reason = "bad_filter" if what == "search" else "upstream_refused"
            name = "filter" if what == "search" else what
            raise Invalid(f"{name}: the STAC API refused it ({_detail(response)})", reason)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def _own(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The document without the links the STAC API adds (they point at the API itself)."""
        out = dict(doc)
        out["links"] = [
            link for link in doc.get("links") or [] if not str(link.get("href", "")).startswith(self.url)
        ]
        return out

    # ---- collections ---------------------------------------------------------------------------
    def list_collections(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        target: str | None = "collections"
        params: dict[str, Any] | None = {"limit": COLLECTIONS_PAGE}
        while target is not None and len(found) < 100_000:
            page = self._json(self._send("GET", target, params=params), "collections") or {}
            found.extend(self._own(c) for c in page.get("collections") or [])
            target = next(
                (link["href"] for link in page.get("links") or [] if link.get("rel") == "next"), None
            )
            params = None
        return sorted(found, key=lambda c: c["id"])

    def read_collection(self, collection_id: str) -> dict[str, Any] | None:
        response = self._send("GET", f"collections/{quote(collection_id, safe='')}")
        if response.status_code == 404:
            return None
        return self._own(self._json(response, "collection"))

    def write_collection(self, collection: dict[str, Any], *, create: bool) -> None:
        cid = collection["id"]
        exists = self.read_collection(cid) is not None
        if create and exists:
            raise Conflict(f"collection {cid!r} already exists", "duplicate_collection")
        if not create and not exists:
            raise NotFound(f"no collection {cid!r}", "no_collection")
        if create:
            self._json(self._send("POST", "collections", collection), "collection")
        else:
            self._json(self._send("PUT", f"collections/{quote(cid, safe='')}", collection), "collection")

    def remove_collection(self, collection_id: str) -> bool:
        if self.read_collection(collection_id) is None:
            return False
        self._json(self._send("DELETE", f"collections/{quote(collection_id, safe='')}"), "collection")
        return True

    # ---- items ---------------------------------------------------------------------------------
    def _item_path(self, collection_id: str, item_id: str | None = None) -> str:
        path = f"collections/{quote(collection_id, safe='')}/items"
        return path if item_id is None else f"{path}/{quote(item_id, safe='')}"

    def read_item(self, collection_id: str, item_id: str) -> dict[str, Any] | None:
        response = self._send("GET", self._item_path(collection_id, item_id))
        if response.status_code == 404:
            return None
        return self._own(self._json(response, "item"))

    def write_items(self, collection_id: str, items: list[dict[str, Any]], *, mode: str) -> int:
        if self.read_collection(collection_id) is None:
            raise NotFound(f"no collection {collection_id!r}", "no_collection")
        payload = [{**i, "collection": collection_id} for i in items]
        if mode == "update":
            for item in payload:
                if self.read_item(collection_id, item["id"]) is None:
                    raise NotFound(f"no item {item['id']!r} in {collection_id!r}", "no_item")
        if mode == "update" and len(payload) == 1:
            item = payload[0]
            self._json(self._send("PUT", self._item_path(collection_id, item["id"]), item), "item")
        elif mode == "create" and len(payload) == 1:
            self._json(self._send("POST", self._item_path(collection_id), payload[0]), "item")
        elif payload:
            # one PgSTAC call for the whole batch: all or nothing
            body = {
                "items": {item["id"]: item for item in payload},
                "method": "insert" if mode == "create" else "upsert",
            }
            if len(body["items"]) != len(payload):
                raise Conflict("items: the batch has the same id twice", "duplicate_item")
            path = f"collections/{quote(collection_id, safe='')}/bulk_items"
            result = self._json(self._send("POST", path, body), "items") or {}
            errors = result.get("errors") if isinstance(result, dict) else None
            if errors:
                # the service skips the items it refuses and stores the rest: undo what was new
                if mode == "create":
                    failed = {e.get("id") for e in errors if isinstance(e, dict)}
                    for item in payload:
                        if item["id"] not in failed:
                            self._send("DELETE", self._item_path(collection_id, item["id"]))
                raise Invalid(f"items: the STAC API refused {errors!s:.300}", "upstream_refused")
        return len(payload)

    def remove_item(self, collection_id: str, item_id: str) -> bool:
        if self.read_item(collection_id, item_id) is None:
            return False
        self._json(self._send("DELETE", self._item_path(collection_id, item_id)), "item")
        return True

    # ---- search --------------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchPage:
        if request.token and not request.token.startswith(("next:", "prev:")):
            raise Invalid("token: not a paging token of this catalog", "bad_token")
        body = search_body(request)
        body["conf"] = {"context": "on"}
        try:
            result = self._json(self._send("POST", "search", body), "search") or {}
        except Upstream as exc:
            if request.token:  # PgSTAC fails on a token it never issued
                message = f"token: the STAC API could not page with it ({exc.message})"
                raise Invalid(message, "bad_token") from exc
            raise
        tokens = page_tokens(result.get("links") or [])
        matched = result.get("numberMatched", (result.get("context") or {}).get("matched"))
        return SearchPage(
            features=[self._own(f) for f in result.get("features") or []],
            matched=matched,
            next_token=tokens.get("next"),
            prev_token=tokens.get("prev"),
        )

    def health(self) -> tuple[bool, str]:
        try:
            landing = self._json(self._send("GET", ""), "landing page") or {}
        except Exception as exc:
            return False, str(exc)
        transactions = any("transaction" in c for c in landing.get("conformsTo") or [])
        if not transactions:
            return False, f"the STAC API at {self.url} has no Transactions extension (writes would fail)"
        return True, f"STAC API {landing.get('id', '')} at {self.url}"

    def close(self) -> None:
        self._client.close()


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        return str(body.get("description") or body.get("detail") or body.get("message") or body)[:300]
    return str(body)[:300]
