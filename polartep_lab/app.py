"""The server extension: `c.PolarTEP.<trait>` configures every feature of the workspace."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from traitlets import Bool, Dict, Enum, Float, Int, List, Type, Unicode, default

from ._version import __version__
from .core import features as registry
from .core.access import FeatureAccess, validate_feature_names
from .core.features import FeatureContext
from .core.http import OutboundClient, OutboundPolicy
from .core.identity import Identity
from .core.logs import skip_discarded_records
from .core.paths import default_data_dir
from .core.status import FeatureState, StatusHandler, Workspace


class PolarTEP(ExtensionApp):
    """Polar TEP workspace: builds one service per feature and mounts its routes under /polartep/."""

    name = "polartep_lab"
    version = __version__
    description = "Polar TEP Earth-observation workspace"
    load_other_extensions = True

    # ---- workspace-wide -------------------------------------------------------------------------
    data_dir = Unicode(
        help="Where the workspace keeps its state (catalog, jobs, secrets, drafts …). "
        "Default: $POLARTEP_DATA_DIR, else <jupyter data dir>/polartep.",
    ).tag(config=True)

    @default("data_dir")
    def _data_dir_default(self) -> str:
        return str(default_data_dir())

    disabled_features = List(
        Unicode(),
        default_value=[],
        help="Features switched off as a unit: no routes, no panel (e.g. ['dashboard']).",
    ).tag(config=True)

    feature_backends = Dict(
        value_trait=Unicode(),
        default_value={},
        help="Per-feature backend choice, {feature: 'embedded' | 'real'}; features that have a "
        "dedicated trait (e.g. stac_backend) read that one first.",
    ).tag(config=True)

    outbound_allowed_hosts = List(
        Unicode(),
        default_value=[],
        help="Hosts the outbound HTTP client may reach even when they resolve to link-local or "
        "cloud-metadata addresses (which are refused otherwise).",
    ).tag(config=True)

    outbound_allow_link_local = Bool(
        False, help="Allow outbound requests to link-local/metadata addresses (never in production)."
    ).tag(config=True)

    # ==== stac ==== STAC data access: catalogs, workspace catalog store (embedded | pgstac)
    # (traits of the stac feature go below this line)
    stac_backend = Enum(
        ["embedded", "pgstac"],
        default_value="embedded",
        help="Store of the workspace catalog: 'embedded' (SQLite + R-tree file in the data dir, "
        "no server) or 'pgstac' (PostgreSQL + PostGIS + PgSTAC: by stac_pgstac_dsn, or through "
        "a stac-fastapi-pgstac service by stac_api_url).",
    ).tag(config=True)

    stac_pgstac_dsn = Unicode(
        "",
        help="PostgreSQL connection string of the PgSTAC database used when stac_backend='pgstac' "
        "(e.g. 'postgresql://user:pass@host:5432/postgis'); empty: the PG* environment variables.",
    ).tag(config=True)

    stac_api_url = Unicode(
        "",
        help="URL of a stac-fastapi-pgstac service (with its Transactions extension enabled) used "
        "when stac_backend='pgstac', instead of stac_pgstac_dsn: the workspace catalog then reads "
        "through its STAC API and writes through its transactions (e.g. 'https://stac.example.org'). "
        "Credentials for its host come from the secrets store like for any outbound request.",
    ).tag(config=True)

    stac_catalogs = List(
        Dict(),
        default_value=[],
        help="Catalogs offered to every user besides the workspace catalog: "
        "[{'name': 'cdse', 'url': 'https://…/stac', 'title': '…', 'type': 'api'|'static', "
        "'secret': 'NAME_OF_A_SECRET_WITH_A_BEARER_TOKEN'}].",
    ).tag(config=True)

    stac_remote_timeout = Float(
        20.0, help="Seconds before a request to a remote catalog gives up (502 'timeout')."
    ).tag(config=True)

    stac_unknown_extensions = Enum(
        ["warn", "reject"],
        default_value="warn",
        help="Writes to the workspace catalog declaring a STAC extension whose schema is not bundled "
        "(so it cannot be checked offline): 'warn' accepts them with an HTTP `Warning` header and a "
        "log line; 'reject' refuses them (400). Bundled: eo, projection, raster, view, file, sat, sar, "
        "scientific, processing, classification, product (see docs/stac.md).",
    ).tag(config=True)

    # ---- end stac

    # ==== tiles ==== map tiles: titiler via jupyter-server-proxy, tile matrix sets, titiler-pgstac
    # (traits of the tiles feature go below this line)
    raster_api_url = Unicode(
        "",
        help="URL of an eoAPI raster service (titiler-pgstac). Empty (default): the embedded "
        "titiler, started by jupyter-server-proxy at <base_url>/polartep/tiles/.",
    ).tag(config=True)

    tiles_data_roots = List(
        Unicode(),
        default_value=[],
        help="Extra folders the embedded tiler may read rasters from, besides the workspace "
        "root and the workspace data dir (tiles, stac). Everything else is refused.",
    ).tag(config=True)

    # ---- end tiles

    # ==== secrets ==== secrets: encrypted store, platform mount dir, injection
    # (traits of the secrets feature go below this line)
    secrets_store_class = Type(
        default_value="polartep_lab.secrets.store.EncryptedFileStore",
        klass="polartep_lab.secrets.store.SecretStore",
        help="Where workspace secrets are kept. Default: one Fernet-encrypted file (mode 0600) in "
        "<data_dir>/secrets, its key from $POLARTEP_SECRETS_KEY or secrets_key_file.",
    ).tag(config=True)

    secrets_kubernetes = Dict(
        default_value={},
        help="For secrets_store_class = 'polartep_lab.secrets.kubernetes.KubernetesSecretStore': "
        "{api_url, namespace, secret_name, token_file, ca_file, insecure}; defaults are the pod's "
        "in-cluster API and service account, secret 'polartep-workspace-secrets'.",
    ).tag(config=True)

    secrets_key_file = Unicode(
        "",
        help="Key file of the encrypted secrets store (created 0600 on first start). Default: "
        "$POLARTEP_SECRETS_KEY_FILE, else <jupyter data dir>/polartep-secrets.key. Keep it outside "
        "the notebook folder; $POLARTEP_SECRETS_KEY (a Fernet key) takes precedence.",
    ).tag(config=True)

    secrets_mount_dir = Unicode(
        "",
        help="A directory of read-only secrets mounted by the platform, one file per secret "
        "(as a Kubernetes Secret volume mounts them). Empty: none.",
    ).tag(config=True)

    secrets_mount_inject = Bool(
        True, help="Inject the platform-mounted secrets into kernels and jobs as environment variables."
    ).tag(config=True)

    secrets_mount_hosts = Dict(
        value_trait=List(Unicode()),
        default_value={},
        help="Host bindings of platform secrets, {NAME: ['stac.example.org', '*.example.org']}: the "
        "outbound client sends them as `Authorization: Bearer <value>` to those hosts.",
    ).tag(config=True)

    secrets_inject_kernels = Bool(
        True,
        help="Make the `polartep-secrets` kernel provisioner the default, so every kernel gets the "
        "secrets marked inject as environment variables.",
    ).tag(config=True)

    secrets_mask_notebooks = Bool(
        True, help="Replace secret values found in notebook outputs by *** when a notebook is saved."
    ).tag(config=True)

    # ---- end secrets

    # ==== jobs ==== headless jobs: runner, concurrency, retention
    # (traits of the jobs feature go below this line)
    max_concurrent_jobs = Int(
        2,
        help="How many headless jobs run at the same time; the others wait in a FIFO queue.",
    ).tag(config=True)

    job_default_timeout = Float(
        86400.0,
        help="Seconds a headless job may run when its request names no timeout (then it is killed "
        "with its kernel and marked timed_out).",
    ).tag(config=True)

    jobs_retention_days = Float(
        0.0,
        help="Finished headless jobs (succeeded, failed, cancelled, timed_out) older than this many "
        "days are removed with their logs and outputs; queued and running jobs never are. 0 keeps them.",
    ).tag(config=True)

    jobs_max_kept = Int(
        0,
        help="Keep at most this many finished headless jobs (the newest); older finished ones are "
        "removed with their outputs. 0 means no limit.",
    ).tag(config=True)

    jobs_sync_execute = Bool(
        False,
        help="Let the generic OGC API process 'execute-notebook' also run synchronously: its "
        "jobControlOptions then list sync-execute, and (as OGC API - Processes 1.0 requires) a "
        "request without 'Prefer: respond-async' waits for the results. Published processes choose "
        "this one by one.",
    ).tag(config=True)

    # ---- end jobs

    # ==== workflows ==== workflows: local executor | Argo server
    # (traits of the workflows feature go below this line)
    workflows_backend = Enum(
        ["local", "argo"],
        default_value="local",
        help="Where workflow runs go by default: 'local' (the embedded executor: steps as processes "
        "of this server) or 'argo' (an Argo Workflows server, see argo_url).",
    ).tag(config=True)

    workflows_parallelism = Int(
        4, help="How many workflow steps the local executor runs at the same time (all runs together)."
    ).tag(config=True)

    workflows_container_runtime = Unicode(
        "auto",
        help="Container runtime of the local executor for container steps: 'auto' (podman or docker "
        "when its daemon answers), 'none', or a command name. Without one, container steps fail with "
        "a clear error (they need Argo).",
    ).tag(config=True)

    workflows_host_images = List(
        Unicode(),
        default_value=[],
        help="Images whose container steps the local executor may run directly on this machine "
        "(e.g. ['busybox', 'alpine'] when their commands - echo, sh, cat - exist here too).",
    ).tag(config=True)

    argo_url = Unicode(
        "", help="Argo Workflows server URL (e.g. https://argo.example.org:2746); enables the 'argo' backend."
    ).tag(config=True)

    argo_namespace = Unicode("argo", help="Kubernetes namespace for workflows on Argo.").tag(config=True)

    argo_token_secret = Unicode(
        "ARGO_TOKEN",
        help="Name of the secret (secrets store, else environment variable) holding the Argo bearer token.",
    ).tag(config=True)

    argo_verify_tls = Bool(True, help="Verify the Argo server's TLS certificate.").tag(config=True)

    # ---- end workflows

    # ==== files ==== files: storage roots (workspace, S3), uploads
    # (traits of the files feature go below this line)
    files_s3_roots = List(
        Dict(),
        default_value=[],
        help="S3-compatible bucket roots of the file manager, each {name, bucket, prefix, endpoint_url, "
        "region, title, credentials_secret} (the secret's value: 'KEY_ID:SECRET_KEY' or JSON); "
        "'key'/'secret' inline are a fallback where the secrets feature is off.",
    ).tag(config=True)
    max_upload_bytes = Int(
        50 * 1024**3, help="Largest file one upload may carry (bytes); bigger ones are refused with 413."
    ).tag(config=True)
    files_max_chunk_bytes = Int(
        64 * 1024**2,
        help="Largest chunk of a resumable upload (bytes); the server holds one chunk at a time.",
    ).tag(config=True)
    files_trash_days = Int(30, help="Days deleted files stay recoverable in the trash.").tag(config=True)
    files_show_hidden = Bool(
        False, help="Let users see hidden files (names starting with '.') with ?hidden=1."
    ).tag(config=True)

    # ---- end files

    # ==== environments ==== environments: local builder | conda-store
    # (traits of the environments feature go below this line)
    from traitlets import Enum as _EnvEnum

    environments_backend = _EnvEnum(
        ["embedded", "conda-store"],
        default_value="embedded",
        help="Where environments are built: 'embedded' (a local builder under the data dir: conda/"
        "mamba/micromamba when on PATH, else uv venvs) or 'conda-store' (its REST API at "
        "environments_conda_store_url).",
    ).tag(config=True)
    environments_installer = _EnvEnum(
        ["auto", "uv", "conda"],
        default_value="auto",
        help="Embedded builder: 'auto' uses conda/mamba/micromamba when one is on PATH, else uv; "
        "'uv' always builds venvs; 'conda' requires a conda installer.",
    ).tag(config=True)
    environments_find_links = List(
        Unicode(),
        default_value=[],
        help="Embedded builder: extra folders/URLs of wheels for pip packages (uv --find-links).",
    ).tag(config=True)
    environments_index_url = Unicode(
        "", help="Embedded builder: the package index for pip packages (default: uv's, i.e. PyPI)."
    ).tag(config=True)
    environments_offline = Bool(
        False, help="Embedded builder: install from the uv cache and find-links only (uv --offline)."
    ).tag(config=True)
    environments_cache_dir = Unicode(
        "", help="Embedded builder: uv's package cache (default: uv's own, shared across builds)."
    ).tag(config=True)
    environments_conda_store_url = Unicode(
        "", help="conda-store server URL including its prefix, e.g. https://hub.example/conda-store/."
    ).tag(config=True)
    environments_conda_store_token_secret = Unicode(
        "CONDA_STORE_TOKEN",
        help="Name of the secret (secrets store, else environment variable) holding the conda-store "
        "API token.",
    ).tag(config=True)
    environments_conda_store_prefix = Unicode(
        "",
        help="Where conda-store's environments are mounted on this machine (its store directory); "
        "when set, each environment's kernel runs <prefix>/<namespace>/envs/<name>/bin/python "
        "(conda-store's default environment_directory).",
    ).tag(config=True)

    del _EnvEnum

    # ---- end environments

    # ==== hub ==== multi-user: JupyterHub groups, feature sets
    # (traits of the hub feature go below this line)
    feature_groups = Dict(
        value_trait=List(Unicode()),
        default_value={},
        help="Under JupyterHub, features only for members of hub groups, e.g. "
        "{'dashboard': ['publishers']}; a feature with no entry is for everyone.",
    ).tag(config=True)

    identity_cache_seconds = Float(
        60.0, help="How long the user's hub groups are cached before the Hub API is asked again."
    ).tag(config=True)

    # ---- end hub

    # ---------------------------------------------------------------------------------------------

    def backend_choice(self, feature: str, default_choice: str = "embedded") -> str:
        return self.feature_backends.get(feature, default_choice)

    def credentials_for_host(self, host: str) -> dict[str, str]:
        """Credentials lookup for the outbound client; the secrets feature plugs in here."""
        lookup = self.settings.get("polartep_credentials_lookup")
        return dict(lookup(host)) if lookup else {}

    def initialize_settings(self) -> None:
        skip_discarded_records(self.serverapp.log)
        data_dir = Path(self.data_dir).expanduser()
        data_dir.mkdir(parents=True, exist_ok=True)
        root_dir = Path(self.serverapp.root_dir).expanduser().resolve()
        http = OutboundClient(
            OutboundPolicy(self.outbound_allowed_hosts, self.outbound_allow_link_local),
            credentials=self.credentials_for_host,
        )
        identity = Identity(ttl=self.identity_cache_seconds)
        access = FeatureAccess(self.feature_groups, identity)
        discovered = registry.discover()
        validate_feature_names([f.name for f in discovered], self.disabled_features, self.feature_groups)
        services: dict[str, Any] = {}
        states: list[FeatureState] = []
        for feature in discovered:
            if feature.name in self.disabled_features:
                states.append(FeatureState(feature, False, "disabled by configuration"))
                continue
            missing = [r for r in feature.requires if r not in services]
            if missing:
                states.append(FeatureState(feature, False, f"needs {', '.join(missing)}"))
                continue
            ctx = FeatureContext(
                app=self,
                data_dir=data_dir / feature.name,
                root_dir=root_dir,
                http=http,
                services=services,
                log=logging.getLogger(f"polartep.{feature.name}"),
                base_url=self.serverapp.base_url,
                identity=identity,
            )
            try:
                services[feature.name] = feature.build(ctx)
            except Exception as exc:
                self.log.exception("Polar TEP feature %s failed to start", feature.name)
                states.append(FeatureState(feature, False, f"failed to start: {exc}"))
                continue
            states.append(FeatureState(feature, True, "enabled", services[feature.name]))
        self.states = states
        self.settings.update(
            polartep_services=services,
            polartep_workspace=Workspace(states, str(data_dir), str(root_dir), access),
            polartep_http=http,
            polartep_identity=identity,
            polartep_access=access,
        )
        self._install_page_config_hook(states, access)

    def _install_page_config_hook(self, states: list[FeatureState], access: FeatureAccess) -> None:
        """Features that are off for this user have no panel: their plugins are disabled in the page."""
        previous = self.serverapp.web_app.settings.get("page_config_hook")

        def hook(handler: Any, page_config: dict[str, Any]) -> dict[str, Any]:
            if previous is not None:
                page_config = previous(handler, page_config)
            off = [
                f"polartep-lab:{s.feature.name}"
                for s in states
                if not s.enabled or not access.allowed(s.feature.name)
            ]
            disabled = page_config.get("disabledExtensions", [])
            if isinstance(disabled, dict):
                disabled = [name for name, value in disabled.items() if value]
            page_config["disabledExtensions"] = sorted(set(disabled) | set(off))
            return page_config

        self.settings["page_config_hook"] = hook

    def initialize_handlers(self) -> None:
        # ExtensionApp prefixes every pattern with the server's base_url
        handlers: list[tuple[str, type, dict[str, Any]]] = [("/polartep/api/status", StatusHandler, {})]
        for state in self.states:
            if not state.enabled:
                continue
            for route in state.feature.routes:
                handlers.append((url_path_join("/polartep", route.regex()), route.handler, route.kwargs))
        self.handlers.extend(handlers)

    async def stop_extension(self) -> None:
        for service in self.settings.get("polartep_services", {}).values():
            close = getattr(service, "close", None)
            if close is not None:
                result = close()
                if hasattr(result, "__await__"):
                    await result


main = launch_instance = PolarTEP.launch_instance
