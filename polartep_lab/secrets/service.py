"""The secrets service: one object for REST, kernels, jobs, the outbound client and magics.

Values leave it only through `get`, `reveal`, `injected_env` and `credentials_for_host`;
everything that lists or describes secrets carries metadata only.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.errors import Conflict, Invalid, NotFound
from ..core.paths import atomic_write
from .masking import REDACTOR, Masker, names_of
from .models import (
    HEADER_RE,
    HOST_RE,
    MAX_DESCRIPTION,
    MAX_HOSTS,
    MAX_SECRETS,
    MAX_VALUE_BYTES,
    NAME_RE,
    RESERVED_NAMES,
    RESERVED_PREFIXES,
    Auth,
    CreateSecret,
    DescribeSecret,
    ListSecretsResponse,
    MaskingEvent,
    RevealedSecret,
    Source,
    Status,
    UpdateSecret,
)
from .platform import MountedSecrets
from .store import SecretStore, StoredSecret, StoreUnreadable, now

USAGE_FILE = "last-used.json"
#: last-used times are written at most this often per secret (they are metadata, not values)
USAGE_WRITE_INTERVAL = 60.0
#: how often the log masker looks for secrets changed by another process (a notebook, the CLI)
MASKER_RECHECK_S = 1.0


def check_name(name: str) -> None:
    if not NAME_RE.match(name or ""):
        raise Invalid(
            "a secret name has letters, digits and _ only, starts with a letter or _, "
            "and is at most 128 characters (it becomes an environment variable)",
            "bad_name",
        )
    upper = name.upper()
    if upper in RESERVED_NAMES or upper.startswith(RESERVED_PREFIXES):
        raise Invalid(f"{name} is reserved: injecting it would change how kernels run", "reserved_name")


def check_value(value: str) -> None:
    if not value:
        raise Invalid("the value of a secret cannot be empty", "empty_value")
    if len(value.encode("utf-8")) > MAX_VALUE_BYTES:
        raise Invalid(f"the value is over {MAX_VALUE_BYTES // 1024} KiB", "too_large")
    if "\x00" in value:
        raise Invalid(
            "the value contains a NUL character (not allowed in environment variables)", "bad_value"
        )


def normalize_hosts(hosts: list[str]) -> list[str]:
    if len(hosts) > MAX_HOSTS:
        raise Invalid(f"at most {MAX_HOSTS} hosts per secret", "too_many_hosts")
    out: list[str] = []
    for raw in hosts:
        host = raw.strip().lower().rstrip(".")
        if not HOST_RE.match(host):
            raise Invalid(
                f"{raw!r} is not a host name: give a host like stac.example.org or *.example.org "
                "(no scheme, port or path)",
                "bad_host",
            )
        if host not in out:
            out.append(host)
    return out


def host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and host != pattern[2:]
    return host == pattern


def auth_headers(auth: str, header: str | None, value: str) -> dict[str, str]:
    if auth == Auth.basic.value:
        return {"Authorization": "Basic " + base64.b64encode(value.encode()).decode()}
    if auth == Auth.header.value and header:
        return {header: value}
    return {"Authorization": f"Bearer {value}"}


class SecretsService:
    """Workspace secrets (encrypted store) plus platform secrets (read-only mount)."""

    def __init__(
        self,
        store: SecretStore | None,
        data_dir: Path,
        mounted: MountedSecrets | None = None,
        *,
        mount_inject: bool = True,
        mount_hosts: dict[str, list[str]] | None = None,
        inject_kernels: bool = True,
        log: logging.Logger | None = None,
        problem: str | None = None,
    ) -> None:
        self.log = log or logging.getLogger("polartep.secrets")
        self.store = store
        self.data_dir = data_dir
        self.mounted = mounted or MountedSecrets(None, self.log)
        self.mount_inject = mount_inject
        self.mount_hosts = {k: normalize_hosts(v) for k, v in (mount_hosts or {}).items()}
        self.inject_kernels = inject_kernels
        self._lock = threading.RLock()
        self._secrets: dict[str, StoredSecret] = {}
        self._usage: dict[str, datetime] = {}
        self._usage_written: dict[str, float] = {}
        self._masked: list[MaskingEvent] = []
        self._masked_seen: set[tuple[str, tuple[str, ...]]] = set()
        self._masker: Masker | None = None
        self.problem = problem
        self._stamp: object = None
        if store is not None and problem is None:
            try:
                self._secrets = store.load()
                self._stamp = store.stamp()
            except StoreUnreadable as exc:
                self.problem = str(exc)
        if self.problem:
            self.log.error("secrets store locked: %s", self.problem)
        self._usage = self._read_usage()
        REDACTOR.attach(self.masker)

    # ---- state ---------------------------------------------------------------------------------
    @property
    def status(self) -> Status:
        return Status.locked if self.problem else Status.ok

    def _require_store(self) -> SecretStore:
        if self.problem or self.store is None:
            raise Conflict(
                f"workspace secrets cannot be changed: {self.problem or 'no store configured'}",
                "store_unreadable",
            )
        return self.store

    def _save(self, secrets: dict[str, StoredSecret]) -> None:
        store = self._require_store()
        store.save(secrets)
        self._stamp = store.stamp()
        self._secrets = secrets
        self._masker = None

    def _sync(self) -> None:
        """Reload when another process (a notebook, the CLI) changed the store since we read it."""
        store = self.store
        if store is None or self.problem:
            return
        stamp = store.stamp()
        if stamp is None or stamp == self._stamp:
            return
        try:
            self._secrets = store.load()
            self._stamp = store.stamp()
            self._masker = None
        except StoreUnreadable as exc:
            self.problem = str(exc)
            self.log.error("secrets store locked: %s", self.problem)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Load-modify-save under this process's lock and the store's own (other processes)."""
        store = self._require_store()
        with self._lock, store.transaction():
            self._sync()
            self._require_store()
            yield

    def _read_usage(self) -> dict[str, datetime]:
        try:
            raw = json.loads((self.data_dir / USAGE_FILE).read_text())
            return {k: datetime.fromisoformat(v) for k, v in raw.items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def _touch(self, names: list[str]) -> None:
        stamp = now()
        due = False
        for name in names:
            self._usage[name] = stamp
            if time.monotonic() - self._usage_written.get(name, float("-inf")) > USAGE_WRITE_INTERVAL:
                self._usage_written[name] = time.monotonic()
                due = True
        if due:
            data = {k: v.isoformat() for k, v in self._usage.items()}
            try:
                atomic_write(self.data_dir / USAGE_FILE, json.dumps(data).encode(), mode=0o600)
            except OSError as exc:
                self.log.warning("cannot record when secrets were last used: %s", exc.strerror)

    # ---- metadata --------------------------------------------------------------------------------
    def _describe_stored(self, s: StoredSecret) -> DescribeSecret:
        return DescribeSecret(
            name=s.name,
            description=s.description,
            inject=s.inject,
            hosts=list(s.hosts),
            auth=Auth(s.auth),
            header=s.header,
            source=Source.workspace,
            read_only=False,
            created=s.created,
            updated=s.updated,
            last_used=self._usage.get(s.name),
        )

    def _describe_platform(self, name: str) -> DescribeSecret:
        m = self.mounted.all()[name]
        return DescribeSecret(
            name=name,
            description=f"mounted by the platform ({m.file_name})",
            inject=self.mount_inject,
            hosts=list(self.mount_hosts.get(name, [])),
            source=Source.platform,
            read_only=True,
            created=m.modified,
            updated=m.modified,
            last_used=self._usage.get(name),
        )

    def list(self, source: Source | None = None) -> ListSecretsResponse:
        with self._lock:
            self._sync()
            items: list[DescribeSecret] = []
            if source in (None, Source.workspace):
                items += [self._describe_stored(s) for s in self._secrets.values()]
            if source in (None, Source.platform):
                items += [self._describe_platform(n) for n in self.mounted.all()]
            items.sort(key=lambda d: (d.name.lower(), d.source.value))
            return ListSecretsResponse(
                secrets=items,
                status=self.status,
                problem=self.problem,
                store=self.store.location() if self.store else "",
                platform_dir=str(self.mounted.mount_dir) if self.mounted.mount_dir else None,
                masked=list(self._masked),
            )

    def describe(self, name: str) -> DescribeSecret:
        with self._lock:
            self._sync()
            if name in self._secrets:
                return self._describe_stored(self._secrets[name])
            if name in self.mounted.all():
                return self._describe_platform(name)
        raise NotFound(f"no secret named {name}", "no_secret")

    # ---- changes -----------------------------------------------------------------------------------
    def _check_binding(self, name: str, hosts: list[str], auth: str, header: str | None) -> None:
        if auth == Auth.header.value and not (header and HEADER_RE.match(header)):
            raise Invalid("auth 'header' needs a header name such as X-API-Key", "bad_header")
        if auth != Auth.header.value and header:
            raise Invalid("a header name is only used with auth 'header'", "bad_header")
        sent_as = header.lower() if auth == Auth.header.value and header else "authorization"
        for other in self._secrets.values():
            if other.name == name or not other.hosts:
                continue
            other_sent_as = (
                (other.header or "").lower() if other.auth == Auth.header.value else "authorization"
            )
            shared = sorted(set(hosts) & set(other.hosts))
            if shared and other_sent_as == sent_as:
                raise Conflict(
                    f"secret {other.name} is already sent to {shared[0]} as the {sent_as} header",
                    "binding_clash",
                )

    def create(self, request: CreateSecret) -> DescribeSecret:
        check_name(request.name)
        value = request.value.get_secret_value()
        check_value(value)
        if len(request.description) > MAX_DESCRIPTION:
            raise Invalid(f"the description is over {MAX_DESCRIPTION} characters", "too_long")
        hosts = normalize_hosts(request.hosts)
        with self._changing():
            if request.name in self._secrets:
                raise Conflict(f"a secret named {request.name} exists already", "exists")
            if request.name in self.mounted.all():
                raise Conflict(f"the platform provides a secret named {request.name}", "exists")
            if len(self._secrets) >= MAX_SECRETS:
                raise Invalid(f"a workspace holds at most {MAX_SECRETS} secrets", "too_many")
            self._check_binding(request.name, hosts, request.auth.value, request.header)
            secret = StoredSecret(
                name=request.name,
                value=value,
                description=request.description,
                inject=request.inject,
                hosts=hosts,
                auth=request.auth.value,
                header=request.header,
            )
            self._save({**self._secrets, secret.name: secret})
            self.log.info("secret %s created", secret.name)
            return self._describe_stored(secret)

    def update(self, name: str, request: UpdateSecret) -> DescribeSecret:
        with self._changing():
            current = self._workspace_secret(name)
            changes: dict[str, Any] = {}
            if request.value is not None:
                value = request.value.get_secret_value()
                check_value(value)
                changes["value"] = value
            if request.description is not None:
                if len(request.description) > MAX_DESCRIPTION:
                    raise Invalid(f"the description is over {MAX_DESCRIPTION} characters", "too_long")
                changes["description"] = request.description
            if request.inject is not None:
                changes["inject"] = request.inject
            if request.hosts is not None:
                changes["hosts"] = normalize_hosts(request.hosts)
            fields = request.model_fields_set
            auth = request.auth.value if request.auth is not None else current.auth
            header = request.header if "header" in fields else current.header
            if request.auth is not None and request.auth != Auth.header and "header" not in fields:
                header = None
            changes.update(auth=auth, header=header)
            self._check_binding(name, changes.get("hosts", current.hosts), auth, header)
            updated = StoredSecret(**{**current.__dict__, **changes, "updated": now()})
            self._save({**self._secrets, name: updated})
            self.log.info("secret %s updated (%s)", name, ", ".join(sorted(fields)) or "nothing")
            return self._describe_stored(updated)

    def delete(self, name: str) -> None:
        with self._changing():
            self._workspace_secret(name)
            self._save({k: v for k, v in self._secrets.items() if k != name})
            self._usage.pop(name, None)
            self.log.info("secret %s deleted", name)

    def _workspace_secret(self, name: str) -> StoredSecret:
        self._require_store()
        if name in self._secrets:
            return self._secrets[name]
        if name in self.mounted.all():
            raise Conflict(f"{name} is mounted by the platform and read-only", "read_only")
        raise NotFound(f"no secret named {name}", "no_secret")

    # ---- values ------------------------------------------------------------------------------------
    def _values(self) -> dict[str, str]:
        """Every usable value by name; a workspace secret shadows a platform one of the same name."""
        self._sync()
        values = {n: m.value for n, m in self.mounted.all().items()}
        values.update({n: s.value for n, s in self._secrets.items()})
        return values

    def get(self, name: str) -> str:
        """The value of one secret (for server-side code: clients of other features)."""
        with self._lock:
            values = self._values()
            if name not in values:
                raise NotFound(f"no secret named {name}", "no_secret")
            self._touch([name])
            return values[name]

    def reveal(self, name: str) -> RevealedSecret:
        value = self.get(name)
        self.log.info("secret %s revealed to the user", name)
        return RevealedSecret(name=name, value=value)

    def injected_env(self) -> dict[str, str]:
        """Environment variables for kernels and jobs: the secrets marked inject."""
        with self._lock:
            self._sync()
            env = {n: m.value for n, m in self.mounted.all().items()} if self.mount_inject else {}
            for s in self._secrets.values():
                if s.inject:
                    env[s.name] = s.value
                else:
                    env.pop(s.name, None)  # a workspace secret shadows a platform one
            if env:
                self._touch(sorted(env))
            return env

    def credentials_for_host(self, host: str) -> dict[str, str]:
        """HTTP headers for a request to ``host`` from the secrets bound to it."""
        host = (host or "").lower().rstrip(".")
        headers: dict[str, str] = {}
        used: list[str] = []
        with self._lock:
            self._sync()
            platform = self.mounted.all()
            for name, patterns in self.mount_hosts.items():
                if (
                    name in platform
                    and name not in self._secrets
                    and any(host_matches(p, host) for p in patterns)
                ):
                    headers.update(auth_headers(Auth.bearer.value, None, platform[name].value))
                    used.append(name)
            for s in self._secrets.values():
                if any(host_matches(p, host) for p in s.hosts):
                    headers.update(auth_headers(s.auth, s.header, s.value))
                    used.append(s.name)
            if used:
                self._touch(used)
        return headers

    # ---- masking -------------------------------------------------------------------------------------
    def masker(self, fresh: bool = False) -> Masker:
        """The masker of the current values. It runs for every log record the server makes, so the
        store is checked for changes by other processes at most every ``MASKER_RECHECK_S`` seconds
        (changes made through this service apply at once; ``fresh`` checks now) and the masker is
        built only on a change."""
        now = time.monotonic()
        if fresh or now - self._masker_checked >= MASKER_RECHECK_S:
            with self._lock:
                self._sync()
                self._masker_checked = now
        masker = self._masker
        platform = self.mounted.all()
        if masker is None or platform is not self._masker_platform:
            with self._lock:
                self._masker_platform = platform
                masker = self._masker = Masker(self._values())
        return masker

    _masker_platform: dict[str, Any] | None = None
    _masker_checked = float("-inf")

    def mask_notebook(self, path: str, notebook: dict[str, Any]) -> list[str]:
        """Mask secret values in a notebook's outputs in place; returns the names found."""
        found: Counter[str] = self.masker(fresh=True).mask_notebook(notebook)
        names = names_of(found)
        if not names:
            return []
        key = (path, tuple(names))
        with self._lock:
            if key not in self._masked_seen:
                self._masked_seen.add(key)
                event = MaskingEvent(
                    id=len(self._masked_seen),
                    path=path,
                    names=names,
                    count=sum(found.values()),
                    time=datetime.now(UTC).replace(microsecond=0),
                )
                self._masked = [*self._masked[-49:], event]
                self.log.warning(
                    "%d secret value(s) (%s) in the outputs of %s were saved as ***",
                    event.count,
                    ", ".join(names),
                    path,
                )
        return names

    def close(self) -> None:
        from . import provisioner

        REDACTOR.detach(self.masker)
        if provisioner.find_service(None) is self:
            provisioner.set_current(None)
        close = getattr(self.store, "close", None)
        if close is not None:
            close()
