"""Kernel provisioner: every kernel this server starts gets the injected secrets as env vars.

The secrets feature makes `polartep-secrets` the default provisioner of all kernelspecs that do not
name one (``c.KernelProvisionerFactory.default_provisioner_name``). It is the local provisioner
plus one step before launch: add the secrets marked *inject* to the kernel's environment and drop
the store key. Nothing is written into the kernel's code.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from .store import KEY_ENV

PROVISIONER_NAME = "polartep-secrets"

#: the service of the server running in this process (set by the feature's build)
_current: Any = None


def set_current(service: Any) -> None:
    global _current
    _current = service


def find_service(start: Any) -> Any:
    """The secrets service of the jupyter server that owns ``start`` (a provisioner/kernel manager)."""
    node, hops = start, 0
    while node is not None and hops < 6:
        web_app = getattr(node, "web_app", None)
        if web_app is not None:
            service = web_app.settings.get("polartep_services", {}).get("secrets")
            if service is not None:
                return service
        node, hops = getattr(node, "parent", None), hops + 1
    return _current


class SecretsProvisioner(LocalProvisioner):  # type: ignore[misc]
    """A local kernel whose environment carries the workspace secrets marked inject."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = await super().pre_launch(**kwargs)
        env: dict[str, str] = kwargs.setdefault("env", dict(os.environ))
        env.pop(KEY_ENV, None)  # the kernel never gets the key of the store
        service = find_service(self)
        if service is None or not getattr(service, "inject_kernels", True):
            return kwargs
        try:
            injected = service.injected_env()
        except Exception as exc:  # a kernel without secrets beats no kernel
            self.log.warning("secrets not injected into kernel %s: %s", self.kernel_id, type(exc).__name__)
            return kwargs
        env.update(injected)
        if injected:
            self.log.info("kernel %s: %d secret(s) injected", self.kernel_id, len(injected))
        return kwargs
