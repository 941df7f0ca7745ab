"""The files panel in a real JupyterLab: upload (file picker and drag-and-drop), clash prompt,
inspection with quicklook, Convert to COG with progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from polartep_lab.files import samples

from .conftest import JupyterLabPage

pytestmark = pytest.mark.browser


def test_upload_inspect_and_convert(jlab: JupyterLabPage, tmp_path: Path) -> None:
    page = jlab.page
    tif = samples.polar_geotiff(tmp_path / "arctic.tif", size=600)  # > 512 px: not a COG as written
    geojson = samples.stations_geojson(tmp_path / "stations.geojson")
    # Given the files panel
    panel = jlab.open_side_panel("polartep-files")
    listing = panel.get_by_role("listbox", name="Files")
    # When a GeoTIFF is chosen with the upload button
    panel.get_by_test_id("files-upload-input").set_input_files(str(tif))
    # Then it is listed once its upload completes
    expect(listing.get_by_role("option", name="arctic.tif")).to_be_visible()
    expect(panel.get_by_label("Uploads")).to_contain_text("done")
    assert (jlab.lab.root / "arctic.tif").read_bytes() == tif.read_bytes()

    # When a GeoJSON is dropped onto the listing
    transfer = page.evaluate_handle(
        """(text) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], 'stations.geojson', {type: 'application/geo+json'}));
            return dt;
        }""",
        geojson.read_text(),
    )
    listing.dispatch_event("drop", {"dataTransfer": transfer})
    expect(listing.get_by_role("option", name="stations.geojson")).to_be_visible()

    # When the same GeoTIFF is uploaded again, the user is asked and keeps both
    panel.get_by_test_id("files-upload-input").set_input_files(str(tif))
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("already exists")
    dialog.get_by_role("button", name="Keep both").click()
    expect(listing.get_by_role("option", name="arctic (1).tif")).to_be_visible()

    # When the vector is selected, its inspection shows CRS and feature count
    listing.get_by_role("option", name="stations.geojson").click()
    meta = panel.get_by_test_id("files-metadata")
    expect(meta).to_contain_text("EPSG:4326")
    expect(meta).to_contain_text("Features3")

    # When the raster is selected, the inspector shows the polar CRS, bounds and a quicklook
    listing.get_by_role("option", name="arctic.tif").click()
    expect(meta).to_contain_text("EPSG:3413")
    expect(meta).to_contain_text("N 90")
    expect(meta).to_contain_text("not a COG")
    quicklook = panel.get_by_role("img", name="Quicklook of arctic.tif")
    expect(quicklook).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=quicklook.element_handle(), timeout=30_000
    )

    # When it is converted to a COG, the task finishes and the COG is listed
    panel.get_by_role("button", name="Convert to COG").click()
    expect(panel.locator(".jp-polartep-files-task")).to_contain_text("arctic-cog.tif", timeout=120_000)
    expect(listing.get_by_role("option", name="arctic-cog.tif")).to_be_visible()
    listing.get_by_role("option", name="arctic-cog.tif").click()
    expect(meta).to_contain_text("valid COG")
    # When the COG is registered as a STAC item in a new collection
    panel.get_by_role("button", name="Register as STAC item").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("arctic-uploads")
    dialog.locator(".jp-mod-accept").click()
    expect(page.locator(".Toastify")).to_contain_text("registered in arctic-uploads")

    # When a file is deleted with the Delete key, it asks, then moves it to the trash
    listing.get_by_role("option", name="arctic (1).tif").click()
    listing.press("Delete")
    page.locator(".jp-Dialog").get_by_role("button", name="Move to trash").click()
    expect(listing.get_by_role("option", name="arctic (1).tif")).to_have_count(0)
    assert not (jlab.lab.root / "arctic (1).tif").exists()
    # And the trash restores it
    panel.get_by_role("button", name="Trash").click()
    trash = panel.get_by_label("Trash", exact=True)
    trash.get_by_role("button", name="Restore").click()
    expect(listing.get_by_role("option", name="arctic (1).tif")).to_be_visible()
    assert (jlab.lab.root / "arctic (1).tif").is_file()

    # When a bucket pointing at a cloud metadata address is added, the form shows the refusal
    panel.get_by_role("button", name="+ Bucket").click()
    form = panel.get_by_role("form", name="Add bucket")
    form.get_by_label("Name").fill("meta")
    form.get_by_label("Bucket").fill("x-bucket")
    form.get_by_label("Endpoint URL").fill("http://169.254.169.254")
    form.get_by_role("button", name="Add bucket").click()
    expect(form.get_by_role("alert")).to_contain_text("metadata")

    # And the registered item is found in the STAC browser panel
    stac = jlab.open_side_panel("polartep-stac")
    stac.get_by_role("button", name="arctic-uploads").click()
    stac.get_by_role("button", name="Search", exact=True).click()
    expect(stac.get_by_test_id("stac-matched")).to_contain_text("1 matched")
    expect(stac.get_by_role("region", name="Results")).to_contain_text("arctic-cog")
