"""Example notebooks (the *.ipynb files in this folder) and the feature that lists and copies them."""
