from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.features import Backend, Feature, FeatureContext, Health, Route
from .handlers import SecretHandler, SecretRevealHandler, SecretsHandler
from .platform import MountedSecrets
from .provisioner import PROVISIONER_NAME, set_current
from .service import SecretsService
from .store import EncryptedFileStore, SecretStore, StoreUnreadable, default_key_file


def _visible_in(root: Path, path: Path) -> bool:
    """True when ``path`` lies in the notebook tree and is not hidden (the contents API serves it)."""
    root, path = root.resolve(), path.expanduser().resolve()
    if root != path and root not in path.parents:
        return False
    return not any(part.startswith(".") for part in path.relative_to(root).parts)


def _make_default_provisioner(app: Any) -> None:
    from jupyter_client.provisioning import KernelProvisionerFactory

    factory = KernelProvisionerFactory.instance(parent=getattr(app, "serverapp", None))
    if factory.default_provisioner_name == "local-provisioner":
        factory.default_provisioner_name = PROVISIONER_NAME


def _register_masking(app: Any, service: SecretsService) -> None:
    contents = getattr(getattr(app, "serverapp", None), "contents_manager", None)
    if contents is None:
        return

    def mask_secrets(model: dict[str, Any], path: str, **kwargs: Any) -> None:
        if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
            service.mask_notebook(path, model["content"])

    contents.register_pre_save_hook(mask_secrets)


def build(ctx: FeatureContext) -> SecretsService:
    app = ctx.app
    store_class: type[SecretStore] = app.secrets_store_class
    store: SecretStore | None = None
    problem: str | None = None
    key_file = Path(app.secrets_key_file or default_key_file()).expanduser()
    if store_class is EncryptedFileStore and _visible_in(ctx.root_dir, key_file):
        problem = (
            f"the secrets key file {key_file} is inside the notebook folder where anyone you share it "
            "with can read it: set c.PolarTEP.secrets_key_file (or $POLARTEP_SECRETS_KEY) to a path "
            "outside it"
        )
    else:
        try:
            store = store_class.from_app(app, ctx.data_dir)
        except StoreUnreadable as exc:
            problem = str(exc)
    mount_dir = Path(app.secrets_mount_dir).expanduser() if app.secrets_mount_dir else None
    service = SecretsService(
        store,
        ctx.data_dir,
        MountedSecrets(mount_dir, ctx.log),
        mount_inject=app.secrets_mount_inject,
        mount_hosts=dict(app.secrets_mount_hosts),
        inject_kernels=app.secrets_inject_kernels,
        log=ctx.log,
        problem=problem,
    )
    app.settings["polartep_credentials_lookup"] = service.credentials_for_host
    set_current(service)
    if app.secrets_inject_kernels:
        _make_default_provisioner(app)
    if app.secrets_mask_notebooks:
        _register_masking(app, service)
    return service


def _backend(service: SecretsService) -> Backend:
    store = service.store
    kind = store.kind if store is not None else "embedded"
    name = type(store).__name__ if store is not None else "none"
    return Backend(kind, name, store.location() if store is not None else "")


def _health(service: SecretsService) -> Health:
    if service.problem:
        return Health(False, service.problem)
    return Health(True, "ok")


def _config(service: SecretsService) -> dict[str, Any]:
    listing = service.list()
    return {
        "workspace_secrets": sum(1 for s in listing.secrets if s.source.value == "workspace"),
        "platform_secrets": sum(1 for s in listing.secrets if s.source.value == "platform"),
        "platform_dir": listing.platform_dir,
        "inject_kernels": service.inject_kernels,
    }


FEATURE = Feature(
    name="secrets",
    title="Secrets",
    description="API tokens and credentials, encrypted at rest, injected into kernels and jobs, "
    "masked in saved notebooks.",
    build=build,
    routes=(
        Route("api/secrets", SecretsHandler),
        Route("api/secrets/{name}", SecretHandler),
        Route("api/secrets/{name}/reveal", SecretRevealHandler),
    ),
    backend=_backend,
    health=_health,
    config=_config,
    order=20,
)
