from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.features import Backend, Feature, FeatureContext, Health, Route
from .handlers import (
    PathHandler,
    RootHandler,
    RootListingHandler,
    RootsHandler,
    StacItemsHandler,
    TaskHandler,
    TasksHandler,
    TrashEntryHandler,
    TrashHandler,
    UploadHandler,
    UploadsHandler,
)
from .local import LocalRoot
from .models import CreateS3Root
from .roots import StorageRoot
from .s3 import S3Root, Unavailable
from .service import FileService


def build(ctx: FeatureContext) -> FileService:
    app = ctx.app
    services = ctx.services

    def secret_lookup(name: str) -> str:
        # looked up at use time: the secrets feature may be built after this one
        secrets = services.get("secrets")
        if secrets is None:
            raise Unavailable(
                f"credentials secret {name!r} cannot be read: the secrets feature is not enabled",
                "secrets_unavailable",
            )
        return str(secrets.get(name))

    roots: list[StorageRoot] = [
        LocalRoot(
            "workspace",
            ctx.root_dir,
            title="Workspace",
            excluded=(ctx.data_dir.parent,),
            show_hidden=bool(app.files_show_hidden),
        )
    ]
    for spec in app.files_s3_roots:
        spec = dict(spec)
        key, secret = spec.pop("key", None), spec.pop("secret", None)
        model = CreateS3Root.model_validate(spec)
        roots.append(
            S3Root(
                model.name,
                model.bucket,
                prefix=model.prefix,
                endpoint_url=model.endpoint_url,
                region=model.region,
                title=model.title,
                credentials_secret=model.credentials_secret,
                key=key,
                secret=secret,
                anonymous=model.anonymous,
                secret_lookup=secret_lookup,
            )
        )
    return FileService(
        ctx.data_dir,
        roots,
        max_upload_bytes=int(app.max_upload_bytes),
        max_chunk_bytes=int(app.files_max_chunk_bytes),
        trash_days=int(app.files_trash_days),
        secret_lookup=secret_lookup,
        url_check=ctx.http.policy.check,
        services=services,
    )


def _backend(service: FileService) -> Backend:
    s3 = [r for r in service.roots() if r.kind == "s3"]
    if s3:
        return Backend("real", "S3 via fsspec", f"{len(s3)} bucket root(s) + workspace folder")
    return Backend("embedded", "workspace folder", "local disk via fsspec")


def _health(service: FileService) -> Health:
    bad = [r.name for r in service.roots() if not r.available]
    return Health(not bad, f"unavailable: {', '.join(bad)}" if bad else "ok")


def _config(service: FileService) -> dict[str, Any]:
    return {
        "roots": [r.name for r in service.roots()],
        "max_upload_bytes": service.max_upload_bytes,
        "trash_days": service.trash.retention_days,
    }


def _demo(folder: Path) -> list[str]:
    """Polar sample data in `polar-data/` (never overwrites)."""
    from . import samples

    made = []
    for name, make in (
        ("arctic.tif", lambda p: samples.polar_geotiff(p, size=600)),
        ("stations.geojson", samples.stations_geojson),
        ("sea-ice.nc", samples.sea_ice_netcdf),
    ):
        target = folder / "polar-data" / name
        if not target.exists():
            make(target)
            made.append(f"polar-data/{name}")
    return made


FEATURE = Feature(
    name="files",
    title="Geospatial files",
    description="Upload, organize and inspect data on workspace disk and S3; make COGs and STAC items.",
    build=build,
    routes=(
        Route("api/files/roots", RootsHandler),
        Route("api/files/roots/{name}", RootHandler),
        Route("api/files/uploads", UploadsHandler),
        Route("api/files/uploads/{upload_id}", UploadHandler),
        Route("api/files/tasks", TasksHandler),
        Route("api/files/tasks/{task_id}", TaskHandler),
        Route("api/files/trash", TrashHandler),
        Route("api/files/trash/{entry_id}", TrashEntryHandler),
        Route("api/files/stac-items", StacItemsHandler),
        Route("api/files/{root}", RootListingHandler),
        Route("api/files/{root}/{path:path}", PathHandler),
    ),
    backend=_backend,
    health=_health,
    config=_config,
    demo=_demo,
    order=40,
)
