"""REST face of the tiles feature: config and layers (URL templates, eox-map JSON, allow-list)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from polartep_lab.tiles.samples import ANTARCTIC, ARCTIC, stac_item

from .conftest import fetch_json
from .tiles_support import SAMPLES, decode_png, sample_folder_fixture, samples_fixture, stop_tilers  # noqa: F401


async def test_config_names_the_tiler_and_grids(jp_fetch: Any, jp_base_url: str) -> None:
    code, body = await fetch_json(jp_fetch, "polartep", "api", "tiles")
    assert code == 200
    assert body["kind"] == "embedded"
    assert body["tiler"] == f"{jp_base_url.rstrip('/')}/polartep/tiles"
    assert body["tile_matrix_sets"] == ["WebMercatorQuad", "EPSG3413Quad", "EPSG3031Quad"]
    assert body["projections"]["EPSG:3413"] == "EPSG3413Quad"


async def test_polar_data_opens_polar_and_the_layer_serves_tiles(
    samples: Path, jp_fetch: Any, http_server_client: Any, jp_auth_header: dict[str, str]
) -> None:
    # Given the Arctic COG, when a layer is asked for without a projection
    code, layer = await fetch_json(
        jp_fetch, "polartep", "api", "tiles", "layers", method="POST",
        body={"url": f"{SAMPLES}/{ARCTIC}", "rescale": "0,50", "colormap_name": "viridis", "bidx": [1]},
    )  # fmt: skip
    assert code == 201, layer
    # Then it opens in the Arctic projection, its bounds reach the pole
    assert layer["projection"] == "EPSG:3413" and layer["tile_matrix_set"] == "EPSG3413Quad"
    assert layer["bounds"][3] == 90 and layer["bounds"][0] == -180
    # And the eox-map layer JSON carries the XYZ template of that grid
    eox = layer["layer"]
    assert eox["type"] == "Tile" and eox["properties"]["title"] == ARCTIC
    assert eox["source"]["type"] == "XYZ" and "/tiles/EPSG3413Quad/{z}/{x}/{y}.png?" in eox["source"]["url"]
    assert "rescale=0%2C50" in eox["source"]["url"] and "colormap_name=viridis" in eox["source"]["url"]
    # And the template, filled in, is a tile served through the proxy
    tile_path = eox["source"]["url"].format(z=0, x=0, y=0)
    response = await fetch_path(http_server_client, jp_auth_header, tile_path)
    try:
        assert response.code == 200
        rgba = decode_png(response.body)
        assert rgba.shape[0] == 4 and rgba[3, 128, 128] == 255
    finally:
        await _stop_tiler(jp_fetch)
    # And Antarctic data opens in EPSG:3031
    code, south = await fetch_json(
        jp_fetch, "polartep", "api", "tiles", "layers", method="POST", body={"url": f"{SAMPLES}/{ANTARCTIC}"}
    )
    assert code == 201 and south["projection"] == "EPSG:3031" and south["bounds"][1] == -90


async def test_stac_item_layer_by_item_url(samples: Path, jp_fetch: Any) -> None:
    code, layer = await fetch_json(
        jp_fetch, "polartep", "api", "tiles", "layers", method="POST",
        body={"item_url": f"{SAMPLES}/arctic-quadrants-item.json"},
    )  # fmt: skip
    assert code == 201, layer
    assert layer["kind"] == "stac" and layer["query"]["assets"] == ["data"]
    assert layer["projection"] == "EPSG:3413"
    code, body = await fetch_json(
        jp_fetch, "polartep", "api", "tiles", "layers", method="POST",
        body={"item_url": f"{SAMPLES}/arctic-quadrants-item.json", "assets": ["metadata"]},
    )  # fmt: skip
    assert code == 400 and "not a raster" in body["message"]


async def test_layers_list_the_bands_and_assets_to_choose_from(samples: Path, jp_fetch: Any) -> None:
    async def post(body: dict[str, Any]) -> tuple[int, Any]:
        return await fetch_json(jp_fetch, "polartep", "api", "tiles", "layers", method="POST", body=body)

    # A workspace raster lists its bands by description; two bands show the first by default
    code, layer = await post({"url": f"{SAMPLES}/{ARCTIC}"})
    assert code == 201, layer
    assert layer["bands"] == [
        {"index": 1, "name": "quadrant"},
        {"index": 2, "name": "distance to the pole (km)"},
    ]
    assert layer["query"]["bidx"] == [1] and layer["raster_assets"] == []
    # The second band is chosen by its index
    code, second = await post({"url": f"{SAMPLES}/{ARCTIC}", "bidx": [2]})
    assert code == 201 and second["query"]["bidx"] == [2] and "bidx=2" in second["layer"]["source"]["url"]
    # A band it does not have is refused, naming the ones it has
    code, body = await post({"url": f"{SAMPLES}/{ARCTIC}", "bidx": [3]})
    assert code == 400 and body["reason"] == "no_such_band" and "2 band(s)" in body["message"]
    # A STAC item lists its raster assets, not its metadata
    code, item = await post({"item_url": f"{SAMPLES}/arctic-quadrants-item.json"})
    assert code == 201 and item["raster_assets"] == ["data"] and item["bands"] == []


async def test_bad_layers_are_refused_with_reasons(samples: Path, jp_fetch: Any) -> None:
    async def post(body: dict[str, Any]) -> tuple[int, Any]:
        return await fetch_json(jp_fetch, "polartep", "api", "tiles", "layers", method="POST", body=body)

    assert (await post({"url": "/etc/passwd"}))[0] == 403
    assert (await post({"url": "../../etc/passwd"}))[0] == 403
    assert (await post({"url": "http://169.254.169.254/latest/meta-data/"}))[0] == 403
    code, body = await post({"url": f"{SAMPLES}/missing.tif"})
    assert code == 404 and "missing.tif" in body["message"]
    code, body = await post({"url": f"{SAMPLES}/metadata.json"})
    assert code == 400 and "not a raster" in body["message"]
    code, body = await post({"url": f"{SAMPLES}/{ARCTIC}", "projection": "EPSG:4326"})
    assert code == 400 and "EPSG:3413" in body["message"]
    assert (await post({}))[0] == 400
    assert (await post({"url": "a.tif", "collection": "c", "item": "i"}))[0] == 400
    assert (await post({"url": "a.tif", "rescale": "9,1"}))[0] == 400


async def test_workspace_catalog_item_layer(
    samples: Path, jp_fetch: Any, jp_serverapp: Any, http_server_client: Any, jp_auth_header: dict[str, str]
) -> None:
    services = jp_serverapp.web_app.settings["polartep_services"]
    assert "stac" in services, "the stac feature must be on: these layers come from the workspace catalog"
    import json

    stac = services["stac"]
    item = json.loads((samples / "arctic-quadrants-item.json").read_text())
    item["assets"]["data"]["href"] = str(samples / ARCTIC)
    item["collection"] = "tiles-test"
    stac.create_collection(
        {
            "type": "Collection", "stac_version": "1.0.0", "id": "tiles-test", "description": "tiles test",
            "license": "CC0-1.0", "links": [],
            "extent": {"spatial": {"bbox": [item["bbox"]]}, "temporal": {"interval": [[None, None]]}},
        }
    )  # fmt: skip
    stac.create_item("tiles-test", item)
    code, layer = await fetch_json(
        jp_fetch, "polartep", "api", "tiles", "layers", method="POST",
        body={"collection": "tiles-test", "item": item["id"]},
    )  # fmt: skip
    assert code == 201, layer
    tile = await fetch_path(
        http_server_client, jp_auth_header, layer["tiles"]["EPSG3413Quad"].format(z=0, x=0, y=0)
    )
    try:
        assert tile.code == 200
    finally:
        await _stop_tiler(jp_fetch)


async def fetch_path(client: Any, auth: dict[str, str], path: str) -> Any:
    """GET an absolute server path (as the layer templates hold it) with the server token."""
    return await client.fetch(path, headers=auth, raise_error=False, request_timeout=120)


async def _stop_tiler(jp_fetch: Any) -> None:
    stop_tilers()


class TestRealRasterAPI:
    """With `c.PolarTEP.raster_api_url`, layers point at the eoAPI raster service's routes."""

    @pytest.fixture
    def polartep_config(self) -> dict[str, Any]:
        return {"raster_api_url": "http://127.0.0.1:9/raster"}

    async def test_config_and_layers_use_the_raster_api(
        self, samples: Path, jp_fetch: Any, jp_serverapp: Any, jp_base_url: str
    ) -> None:
        code, body = await fetch_json(jp_fetch, "polartep", "api", "tiles")
        assert code == 200 and body["kind"] == "real" and body["tiler"] == "http://127.0.0.1:9/raster"
        code, layer = await fetch_json(
            jp_fetch, "polartep", "api", "tiles", "layers", method="POST", body={"url": f"{SAMPLES}/{ARCTIC}"}
        )
        assert code == 201
        # a workspace file: only the workspace's own tiler can read it (titiler-pgstac has no
        # /cog routes, and a raster API elsewhere cannot see the workspace)
        embedded = f"{jp_base_url.rstrip('/')}/polartep/tiles"
        assert layer["tiles"]["EPSG3413Quad"].startswith(f"{embedded}/cog/tiles/EPSG3413Quad/")
        services = jp_serverapp.web_app.settings["polartep_services"]
        assert "stac" in services, "the stac feature must be on: these layers come from the workspace catalog"
        item = stac_item(samples / ARCTIC, "real-item", collection="real-test")
        services["stac"].create_collection(
            {
                "type": "Collection", "stac_version": "1.0.0", "id": "real-test", "description": "t",
                "license": "CC0-1.0", "links": [],
                "extent": {"spatial": {"bbox": [item["bbox"]]}, "temporal": {"interval": [[None, None]]}},
            }
        )  # fmt: skip
        services["stac"].create_item("real-test", item)
        code, layer = await fetch_json(
            jp_fetch, "polartep", "api", "tiles", "layers", method="POST",
            body={"collection": "real-test", "item": "real-item"},
        )  # fmt: skip
        assert code == 201, layer
        template = layer["tiles"]["EPSG3413Quad"]
        assert template.startswith(
            "http://127.0.0.1:9/raster/collections/real-test/items/real-item/tiles/EPSG3413Quad/"
        )
        assert "url=" not in template and "assets=data" in template
        # a search of the catalog is registered with the raster API: unreachable here -> 502
        code, body = await fetch_json(
            jp_fetch, "polartep", "api", "tiles", "layers", method="POST",
            body={"search": {"collections": ["real-test"]}},
        )  # fmt: skip
        assert code == 502 and "raster API" in body["message"]
