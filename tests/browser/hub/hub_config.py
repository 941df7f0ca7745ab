"""JupyterHub configuration for the real-hub test (loaded by `jupyterhub -f`; paths come from env)."""

# ruff: noqa: F821  (get_config is injected by traitlets when it loads this file)
import json
import os
import sys

from jupyterhub.auth import Authenticator

c = get_config()
state = os.environ["POLARTEP_HUB_STATE"]
venv_bin = os.path.dirname(sys.executable)


class FixedPasswordAuthenticator(Authenticator):
    """Test users with fixed passwords (never for production)."""

    passwords = json.loads(os.environ["POLARTEP_HUB_PASSWORDS"])

    async def authenticate(self, handler, data):  # type: ignore[no-untyped-def]
        if self.passwords.get(data["username"]) == data["password"]:
            return data["username"]
        return None


c.JupyterHub.authenticator_class = FixedPasswordAuthenticator
c.Authenticator.allowed_users = set(FixedPasswordAuthenticator.passwords)
c.JupyterHub.load_groups = json.loads(os.environ["POLARTEP_HUB_GROUPS"])

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["POLARTEP_HUB_PROXY_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["POLARTEP_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['POLARTEP_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["POLARTEP_CHP"]]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{state}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{state}/jupyterhub.pid"

# a service whose token lets the test create API tokens for users (as a script would)
c.JupyterHub.services = [{"name": "polartep-test", "api_token": os.environ["POLARTEP_HUB_SERVICE_TOKEN"]}]
c.JupyterHub.load_roles = [
    {"name": "polartep-test", "scopes": ["admin:users", "tokens", "servers"], "services": ["polartep-test"]}
]

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = f"{state}/home/{{username}}"
c.Spawner.cmd = [os.path.join(venv_bin, "jupyterhub-singleuser")]
c.Spawner.args = ["--allow-root", f"--config={state}/singleuser_config.json"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# the server's own token may read the user's groups (polartep_lab.core.identity)
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    "read:users:name!user",
    "read:users:groups!user",
]
c.Spawner.environment = {
    "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}",
    "JUPYTER_CONFIG_DIR": f"{state}/jupyter-config",
    "POLARTEP_DATA_DIR": f"{state}/data/{{username}}",
}
