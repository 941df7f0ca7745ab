"""Where the tiler's redirects are sent: under its mount, as jupyter-server-proxy does."""

from polartep_lab.tiles.keepalive import under_mount


def test_absolute_paths_go_under_the_mount_and_the_rest_stays() -> None:
    mount = "/user/a%40b/polartep/tiles"
    assert under_mount("/docs", mount) == "/user/a%40b/polartep/tiles/docs"
    assert under_mount("/cog/info?url=x.tif", mount) == "/user/a%40b/polartep/tiles/cog/info?url=x.tif"
    assert under_mount("https://example.org/x", mount) == "https://example.org/x"
    assert under_mount("info", mount) == "info"
