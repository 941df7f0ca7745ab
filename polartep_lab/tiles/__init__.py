"""Map tiles in polar projections: a titiler behind jupyter-server-proxy, layers, tile matrix sets."""
