"""Geospatial file manager: storage roots (workspace, S3), uploads, inspection, COG and STAC actions."""
