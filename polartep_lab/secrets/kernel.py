"""What notebook code sees: secrets arrive in a kernel only as environment variables.

``get("NAME")`` reads one; ``%secret NAME`` tells whether it is there without printing it.
Nothing here talks to the server: the kernel provisioner put the values into the environment
when the kernel started.
"""

from __future__ import annotations

import os

from .models import NAME_RE


class SecretNotAvailable(KeyError):
    """The secret is not in this kernel's environment."""

    def __str__(self) -> str:  # KeyError quotes its argument; a sentence reads better
        return str(self.args[0])


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ValueError(f"{name!r} is not a secret name (letters, digits and _, not starting with a digit)")


def is_available(name: str) -> bool:
    """True when secret ``name`` was injected into this kernel."""
    _check_name(name)
    return bool(os.environ.get(name))


def get(name: str) -> str:
    """The value of secret ``name`` injected into this kernel (raises if it is not there)."""
    _check_name(name)
    value = os.environ.get(name)
    if not value:
        raise SecretNotAvailable(
            f"secret {name} is not available in this kernel: create it in the Secrets panel, "
            "tick 'Inject into kernels and jobs', then restart the kernel"
        )
    return value


def secret_magic(line: str) -> None:
    """``%secret NAME``: prints whether NAME is available, never its value."""
    names = line.split()
    if not names:
        print("usage: %secret NAME [NAME ...]")
        return
    for name in names:
        state = "available" if is_available(name) else "not available in this kernel"
        print(f"{name}: {state}")
