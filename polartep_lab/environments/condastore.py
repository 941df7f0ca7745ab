"""The conda-store backend: the same environments through conda-store's REST API (v1).

Every call goes through the workspace's outbound client (`ctx.http`: SSRF guard, credentials by
host) with `Authorization: Bearer <token>` from the secrets store. Namespaces are created on
first use; a new specification is `POST /api/v1/specification/`; rollback is
`PUT /api/v1/environment/{namespace}/{name}/ {"build_id"}`.

The `conda-store` client package from PyPI is not used for these calls: it is aiohttp-based (its
requests would bypass the workspace's outbound guard and credential lookup) and covers neither
switching the active build, cancelling, nor reading build logs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import yaml

from ..core.errors import Conflict, Invalid, NotFound, Upstream
from ..core.http import OutboundClient
from .backend import EnvironmentBackend
from .kernels import kernel_name
from .models import BuildStatus, DescribeBuild, DescribeEnvironment
from .spec import Specification

PAGE_SIZE = 100


class CondaStoreBackend(EnvironmentBackend):
    kind = "conda-store"

    def __init__(
        self,
        url: str,
        http: OutboundClient,
        token: Callable[[], str | None],
        store_prefix: str | None = None,
    ) -> None:
        if not url:
            raise Invalid("c.PolarTEP.environments_conda_store_url is not set", "no_url")
        self.url = url.rstrip("/") + "/"
        self.http = http
        self.token = token
        self.store_prefix = store_prefix

    # ---- HTTP ------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        token = self.token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            with self.http.client() as client:
                response = client.request(method, self.url + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise Upstream(f"conda-store at {self.url} did not answer: {exc}", "conda_store") from exc
        if response.status_code >= 400:
            detail = _message(response)
            if response.status_code == 404:
                raise NotFound(f"conda-store: {detail}", "not_found")
            if response.status_code in (400, 422):
                raise Invalid(f"conda-store refused the request: {detail}", "conda_store")
            if response.status_code == 409:
                raise Conflict(f"conda-store: {detail}", "conflict")
            raise Upstream(f"conda-store answered {response.status_code}: {detail}", "conda_store")
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._call(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise Upstream(f"conda-store answered {path} with non-JSON", "conda_store") from exc

    def _paged(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self._json("GET", path, params={**params, "page": page, "size": PAGE_SIZE})
            data = body.get("data") or []
            out.extend(data)
            if len(out) >= int(body.get("count", 0)) or not data:
                return out
            page += 1

    # ---- mapping ---------------------------------------------------------------------------------
    @staticmethod
    def _spec_text(build: dict[str, Any]) -> str:
        spec = (build.get("specification") or {}).get("spec")
        return yaml.safe_dump(spec, sort_keys=False) if isinstance(spec, dict) else ""

    def _build(self, build: dict[str, Any], namespace: str, name: str) -> DescribeBuild:
        status = BuildStatus(build["status"])
        return DescribeBuild(
            id=int(build["id"]),
            namespace=namespace,
            name=name,
            status=status,
            specification=self._spec_text(build),
            message=build.get("status_info") or "",
            created=str(build["scheduled_on"]),
            started=build.get("started_on"),
            finished=build.get("ended_on"),
            has_lockfile=status == BuildStatus.COMPLETED,
        )

    def _environment(self, env: dict[str, Any], with_builds: bool) -> DescribeEnvironment:
        namespace, name = env["namespace"]["name"], env["name"]
        builds: list[DescribeBuild] = []
        if with_builds:
            rows = self._paged(
                "api/v1/build/", {"namespace": namespace, "name": name, "sort_by": "id", "order": "asc"}
            )
            builds = sorted((self._build(b, namespace, name) for b in rows), key=lambda b: b.id)
        current = env.get("current_build")
        active_id = env.get("current_build_id")
        active = next((b for b in builds if b.id == active_id), None)
        if active is None and isinstance(current, dict):
            active = self._build(current, namespace, name)
        completed = active is not None and active.status == BuildStatus.COMPLETED
        newest = builds[-1] if builds else active
        return DescribeEnvironment(
            namespace=namespace,
            name=name,
            specification=(active or newest).specification if (active or newest) else "",
            active_build_id=active_id if completed else None,
            status=newest.status if newest else BuildStatus.QUEUED,
            kernel_name=kernel_name(namespace, name) if completed and self.store_prefix else None,
            builds=builds,
            created=newest.created if newest else "",
            updated=(newest.finished or newest.created) if newest else "",
        )

    # ---- interface -------------------------------------------------------------------------------
    def list(self) -> list[DescribeEnvironment]:
        return [self._environment(e, with_builds=False) for e in self._paged("api/v1/environment/", {})]

    def get(self, namespace: str, name: str) -> DescribeEnvironment:
        env = self._json("GET", f"api/v1/environment/{namespace}/{name}/")["data"]
        return self._environment(env, with_builds=True)

    def submit(self, namespace: str, name: str, spec: Specification, create: bool) -> DescribeBuild:
        exists = True
        try:
            self._json("GET", f"api/v1/environment/{namespace}/{name}/")
        except NotFound:
            exists = False
        if create and exists:
            raise Conflict(f"environment {namespace}/{name} exists: change its specification", "exists")
        if not create and not exists:
            raise NotFound(f"no environment {namespace}/{name}", "no_environment")
        try:
            self._json("GET", f"api/v1/namespace/{namespace}/")
        except NotFound:
            self._json("POST", f"api/v1/namespace/{namespace}/")
        body = {"namespace": namespace, "specification": spec.text, "environment_name": name}
        build_id = int(self._json("POST", "api/v1/specification/", json=body)["data"]["build_id"])
        return self.build(build_id)

    def activate(self, namespace: str, name: str, build_id: int) -> None:
        build = self.build(build_id)
        if (build.namespace, build.name) != (namespace, name):
            raise NotFound(f"{namespace}/{name} has no build {build_id}", "no_build")
        if build.status != BuildStatus.COMPLETED:
            raise Conflict(
                f"build {build_id} is {build.status.value}: only a COMPLETED build can be active", "not_built"
            )
        self._json("PUT", f"api/v1/environment/{namespace}/{name}/", json={"build_id": build_id})

    def delete(self, namespace: str, name: str) -> None:
        self._json("DELETE", f"api/v1/environment/{namespace}/{name}/")

    def build(self, build_id: int) -> DescribeBuild:
        build = self._json("GET", f"api/v1/build/{build_id}/")["data"]
        env = self._environment_of(build)
        return self._build(build, *env)

    def _environment_of(self, build: dict[str, Any]) -> tuple[str, str]:
        spec = build.get("specification") or {}
        # conda-store's Build carries environment_id; find its namespace/name in the listing
        for env in self._paged("api/v1/environment/", {"name": spec.get("name")} if spec.get("name") else {}):
            if env["id"] == build["environment_id"]:
                return env["namespace"]["name"], env["name"]
        return "?", str(spec.get("name") or "?")

    def log(self, build_id: int) -> str:
        response = self._call("GET", f"api/v1/build/{build_id}/logs/")
        return response.text

    def lockfile(self, build_id: int) -> str:
        return self._call("GET", f"api/v1/build/{build_id}/lockfile/").text

    def cancel(self, build_id: int) -> DescribeBuild:
        build = self.build(build_id)
        if build.status.finished:
            raise Conflict(f"build {build_id} is already {build.status.value}", "finished")
        self._json("PUT", f"api/v1/build/{build_id}/cancel/")
        return self.build(build_id)

    def python_for(self, namespace: str, name: str) -> str | None:
        if not self.store_prefix:
            return None
        return f"{self.store_prefix.rstrip('/')}/{namespace}/envs/{name}/bin/python"

    def describe_backend(self) -> str:
        return f"conda-store at {self.url}"

    def health(self) -> tuple[bool, str]:
        try:
            version = self._json("GET", "api/v1/")["data"]["version"]
        except Exception as exc:
            return False, f"conda-store at {self.url}: {exc}"
        return True, f"conda-store {version}"


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        detail = body.get("message") or body.get("detail")
        if isinstance(detail, list):
            return "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
        if detail:
            return str(detail)
    return str(body)[:300]
