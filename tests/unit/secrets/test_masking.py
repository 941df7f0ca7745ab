"""Masking of secret values in notebook outputs and log records."""

from __future__ import annotations

import io
import logging

from polartep_lab.secrets.masking import LogRedactor, Masker


def test_mask_text_longest_first_and_counts() -> None:
    masker = Masker({"A": "abcd1234", "B": "abcd1234extra", "SHORT": "ab"})
    from collections import Counter

    found: Counter[str] = Counter()
    assert masker.mask("x abcd1234extra y abcd1234 ab", found) == "x *** y *** ab"
    assert found == {"A": 1, "B": 1}


def test_mask_notebook_outputs_of_every_kind() -> None:
    value = "tok-0123456789"
    masker = Masker({"TOKEN": value})
    data = {
        "text/plain": f"'{value}'",
        "text/html": f"<b>{value}</b>",
        "application/json": {"k": [value]},
        "image/png": "iVBORw0KGgo=",
    }
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ["the ", "tok-01234", "56789 leaked\n"]},
        {"output_type": "execute_result", "data": data, "metadata": {}},
        {"output_type": "error", "ename": "E", "evalue": f"bad {value}", "traceback": [f"line {value}"]},
    ]
    nb = {
        "cells": [
            {"cell_type": "code", "source": "print(x)", "outputs": outputs},
            {"cell_type": "markdown", "source": "text"},
        ]
    }
    found = masker.mask_notebook(nb)
    assert found["TOKEN"] == 6
    assert value not in str(nb)
    assert "".join(nb["cells"][0]["outputs"][0]["text"]) == "the *** leaked\n"
    assert nb["cells"][0]["outputs"][1]["data"]["image/png"] == "iVBORw0KGgo="


def test_log_redactor_masks_messages_args_and_tracebacks() -> None:
    value = "hunter2-hunter2"
    redactor = LogRedactor()
    previous = logging.getLogRecordFactory()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("polartep.test.redactor")
    logger.addHandler(handler)
    masker = Masker({"PW": value})
    try:
        redactor.attach(lambda: masker)
        logger.warning("password is %s", value)
        try:
            raise ValueError(f"boom {value}")
        except ValueError:
            logger.exception("failed")
    finally:
        logging.setLogRecordFactory(previous)
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "password is ***" in text
    assert "boom ***" in text
    assert value not in text
