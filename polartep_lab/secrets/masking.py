"""Masking: secret values become `***` in saved notebook outputs and in log records."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

MASK = "***"
#: shorter values would mask ordinary text ("a", "no"); they are still kept out of listings and logs
#: by construction, but not searched for in outputs
MIN_MASKED_LENGTH = 4


class Masker:
    """Replaces every known secret value in text by `***`, longest values first."""

    def __init__(self, values: dict[str, str]) -> None:
        pairs = sorted(
            ((v, n) for n, v in values.items() if len(v) >= MIN_MASKED_LENGTH), key=lambda p: -len(p[0])
        )
        self._names = {v: n for v, n in reversed(pairs)}
        self._pattern = re.compile("|".join(re.escape(v) for v, _ in pairs)) if pairs else None

    @property
    def empty(self) -> bool:
        return self._pattern is None

    def mask(self, text: str, found: Counter[str] | None = None) -> str:
        if self._pattern is None or not text:
            return text

        def repl(match: re.Match[str]) -> str:
            if found is not None:
                found[self._names[match.group(0)]] += 1
            return MASK

        return self._pattern.sub(repl, text)

    def mask_value(self, value: Any, found: Counter[str]) -> Any:
        """Mask strings anywhere inside JSON-like data (lists, dicts); other values pass through."""
        if isinstance(value, str):
            return self.mask(value, found)
        if isinstance(value, list):
            if value and all(isinstance(v, str) for v in value):
                # multi-line text stored as a list of lines: a value may span two lines
                joined = "".join(value)
                masked = self.mask(joined, found)
                return value if masked == joined else masked.splitlines(keepends=True)
            return [self.mask_value(v, found) for v in value]
        if isinstance(value, dict):
            return {k: self.mask_value(v, found) for k, v in value.items()}
        return value

    def mask_notebook(self, notebook: dict[str, Any]) -> Counter[str]:
        """Mask secret values in every cell output of an nbformat-4 notebook dict, in place."""
        found: Counter[str] = Counter()
        if self._pattern is None:
            return found
        for cell in notebook.get("cells", []) or []:
            for output in cell.get("outputs", []) or []:
                for key in ("text", "evalue", "traceback", "ename"):
                    if key in output:
                        output[key] = self.mask_value(output[key], found)
                data = output.get("data")
                if isinstance(data, dict):
                    for mime in list(data):
                        if mime.startswith("image/") and mime != "image/svg+xml":
                            continue  # base64 of binary images
                        data[mime] = self.mask_value(data[mime], found)
        return found


class LogRedactor:
    """A log-record factory that masks secret values in every record the process creates.

    Installed once per process; it asks ``source()`` for the current :class:`Masker`, so the
    newest secrets service is the one that counts.
    """

    def __init__(self) -> None:
        self._source: Callable[[], Masker] | None = None
        self._previous: Callable[..., logging.LogRecord] | None = None
        self._busy = threading.local()  # a record logged while masking is not masked again

    def attach(self, source: Callable[[], Masker]) -> None:
        self._source = source
        if self._previous is None:
            self._previous = logging.getLogRecordFactory()
            logging.setLogRecordFactory(self._make_record)

    def detach(self, source: Callable[[], Masker]) -> None:
        if self._source == source:
            self._source = None

    def _make_record(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        assert self._previous is not None
        record = self._previous(*args, **kwargs)
        source = self._source
        if source is None or getattr(self._busy, "on", False):
            return record
        self._busy.on = True
        try:
            masker = source()
            if masker.empty:
                return record
            message = record.getMessage()
            masked = masker.mask(message)
            if masked != message:
                record.msg, record.args = masked, ()
            if record.exc_info and record.exc_info[1] is not None:
                text = logging.Formatter().formatException(record.exc_info)
                record.exc_text = masker.mask(text)
        except Exception:  # a log call must never fail because of masking
            pass
        finally:
            self._busy.on = False
        return record


REDACTOR = LogRedactor()


def names_of(found: Iterable[str]) -> list[str]:
    return sorted(set(found))
