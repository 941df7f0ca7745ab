"""The user guide (the *.md pages in this folder) and the feature that serves it inside JupyterLab."""
