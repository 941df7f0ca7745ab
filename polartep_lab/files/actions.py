"""Actions on a geospatial file: Convert to COG (rio-cogeo), Register as STAC item (rio-stac),
and the code a notebook needs to open it (rioxarray / geopandas / xarray)."""

from __future__ import annotations

import posixpath
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.errors import Conflict, Invalid, NotFound
from .inspection import local_copy
from .roots import StorageRoot
from .tasks import ProgressStream


def convert_to_cog(
    root: StorageRoot, rel: str, dest: str, profile: str, size: int | None, report: Callable[[float], None]
) -> dict[str, Any]:
    """Write a Cloud-Optimized GeoTIFF of `rel` to `dest` (a new file in the same root)."""
    from rio_cogeo.cogeo import cog_translate, cog_validate
    from rio_cogeo.profiles import cog_profiles

    with tempfile.TemporaryDirectory(prefix="polartep-cog-") as tmp, local_copy(root, rel, size) as src:
        out = Path(tmp) / posixpath.basename(dest)
        report(0.02)
        cog_translate(
            str(src),
            str(out),
            cog_profiles.get(profile),
            quiet=False,
            progress_out=ProgressStream(lambda f: report(0.05 + 0.85 * f)),
            in_memory=False,
            overview_resampling="average",
            use_cog_driver=False,
        )
        valid, errors, _ = cog_validate(str(out), quiet=True)
        if not valid:
            raise RuntimeError(f"the result is not a valid COG: {'; '.join(errors)}")
        report(0.92)
        root.put_file(out, dest)
        root.invalidate()
        return {"root": root.name, "path": dest, "size": out.stat().st_size, "valid_cog": True}


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "item"


def build_item(root: StorageRoot, rel: str, collection_id: str, item_id: str | None) -> dict[str, Any]:
    """A STAC item for a raster (rio-stac: proj + raster extensions), its asset pointing at the file."""
    from rio_stac import create_stac_item

    href = root.url(rel)
    local = root.local_path(rel)
    source = str(local) if local is not None else href
    try:
        if local is None:
            import rasterio

            with rasterio.open(root.full(rel), opener=root.fs) as src:
                item = create_stac_item(
                    src,
                    id=item_id or _safe_id(Path(rel).stem),
                    collection=collection_id,
                    asset_href=href,
                    asset_name="data",
                    with_proj=True,
                    with_raster=True,
                    input_datetime=datetime.now(UTC),
                )
        else:
            item = create_stac_item(
                source,
                id=item_id or _safe_id(Path(rel).stem),
                collection=collection_id,
                asset_href=href,
                asset_name="data",
                with_proj=True,
                with_raster=True,
                input_datetime=datetime.now(UTC),
            )
    except Exception as exc:
        raise Invalid(f"cannot build a STAC item from {rel}: {exc}", "not_a_raster") from exc
    data: dict[str, Any] = item.to_dict()
    data["links"] = [
        link for link in data.get("links", []) if link.get("rel") not in ("self", "root", "parent")
    ]
    return data


def new_collection(collection_id: str, title: str | None, item: dict[str, Any]) -> dict[str, Any]:
    bbox = item.get("bbox") or [-180, -90, 180, 90]
    when = item.get("properties", {}).get("datetime")
    return {
        "type": "Collection",
        "stac_version": "1.0.0",
        "id": collection_id,
        "title": title or collection_id,
        "description": f"Collection {title or collection_id}, created from the Polar TEP file manager.",
        "license": "other",
        "extent": {"spatial": {"bbox": [bbox]}, "temporal": {"interval": [[when, None]]}},
        "links": [],
    }


def register_item(
    stac: Any, item: dict[str, Any], collection_id: str, create: bool, title: str | None
) -> dict[str, Any]:
    """Put the item into the workspace catalog, creating its collection when asked."""
    try:
        stac.get_collection(collection_id)
    except NotFound:
        if not create:
            raise NotFound(
                f"collection {collection_id!r} does not exist; choose another or create it", "no_collection"
            ) from None
        stac.create_collection(new_collection(collection_id, title, item))
    try:
        created = stac.create_item(collection_id, item)
    except Conflict:
        raise
    return created if isinstance(created, dict) else item


def code_snippet(root: StorageRoot, rel: str, kind: str) -> str:
    """Python that opens the file in a notebook, with the storage options S3 needs (no secrets inline)."""
    url = root.url(rel)
    opts = ""
    if root.kind == "s3":
        opts = (
            "\n# credentials for this bucket come from the workspace's secrets "
            "(injected as AWS_* environment variables)\n"
        )
        endpoint = getattr(root, "endpoint_url", None)
        storage = f'{{"client_kwargs": {{"endpoint_url": "{endpoint}"}}}}' if endpoint else "{}"
        opts += f"storage_options = {storage}\n"
    if kind == "vector":
        extra = ", storage_options=storage_options" if opts else ""
        return f'{opts}import geopandas as gpd\n\ngdf = gpd.read_file("{url}"{extra})\ngdf.head()\n'
    if kind in ("netcdf", "zarr"):
        fn = "open_zarr" if kind == "zarr" else "open_dataset"
        extra = ", storage_options=storage_options" if opts and kind == "zarr" else ""
        return f'{opts}import xarray as xr\n\nds = xr.{fn}("{url}"{extra})\nds\n'
    if kind == "raster":
        return f'{opts}import rioxarray\n\nda = rioxarray.open_rasterio("{url}", masked=True)\nda\n'
    return f'{opts}import fsspec\n\nwith fsspec.open("{url}", "rb") as f:\n    head = f.read(1024)\n'
