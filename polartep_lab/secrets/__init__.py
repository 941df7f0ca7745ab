"""Workspace secrets: encrypted store, platform-mounted secrets, kernel injection, masking.

In a notebook, ``polartep_lab.secrets.get("NAME")`` returns a secret that the workspace injected
into this kernel's environment.
"""

from __future__ import annotations

from .kernel import get, is_available

__all__ = ["get", "is_available"]
