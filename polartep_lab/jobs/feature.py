"""Headless jobs: run notebooks without a browser (REST, panel, Python API, OGC API - Processes)."""

from __future__ import annotations

from typing import Any

from ..core.features import Backend, Feature, FeatureContext, Health, Route
from . import handlers as h
from . import ogc_handlers as o
from .service import JobService


def _injected_env(ctx: FeatureContext) -> Any:
    """Secrets marked for injection, looked up at each launch (the secrets feature is optional)."""

    def provider() -> dict[str, str]:
        secrets = ctx.services.get("secrets")
        injected_env = getattr(secrets, "injected_env", None)
        return dict(injected_env()) if callable(injected_env) else {}

    return provider


def _kernel_resolver(ctx: FeatureContext) -> Any:
    """Hook for the environments feature: ``kernel`` may name an environment; its service's
    ``kernel_for(name) -> kernel name | None`` turns it into a kernel (absent: kernels only)."""

    def resolve(name: str) -> str | None:
        environments = ctx.services.get("environments")
        kernel_for = getattr(environments, "kernel_for", None)
        return kernel_for(name) if callable(kernel_for) else None

    return resolve


def build(ctx: FeatureContext) -> JobService:
    app = ctx.app
    return JobService(
        ctx.data_dir,
        ctx.root_dir,
        max_concurrent=app.max_concurrent_jobs,
        default_timeout=app.job_default_timeout,
        env_provider=_injected_env(ctx),
        kernel_resolver=_kernel_resolver(ctx),
        log=ctx.log,
        identity=ctx.identity,
        retention_days=app.jobs_retention_days,
        max_kept=app.jobs_max_kept,
        sync_generic=app.jobs_sync_execute,
        workflows=lambda: ctx.services.get("workflows"),
    )


def _health(service: JobService) -> Health:
    alive = service._thread is not None and service._thread.is_alive()
    return Health(alive, "dispatcher running" if alive else "dispatcher stopped")


def _config(service: JobService) -> dict[str, Any]:
    return {
        "max_concurrent_jobs": service.max_concurrent,
        "default_timeout": service.default_timeout,
        "recovered_after_restart": len(service.recovered),
        "retention_days": service.retention_days,
        "max_kept": service.max_kept,
        "sync_execute": service.sync_generic,
    }


FEATURE = Feature(
    name="jobs",
    title="Headless jobs",
    description="Run notebooks without a browser: parameters, queue, logs, outputs; OGC API - Processes.",
    build=build,
    routes=(
        Route("api/jobs", h.JobsHandler),
        Route("api/jobs/kernels", h.JobKernelsHandler),
        Route("api/jobs/parameters", h.JobParametersHandler),
        Route("api/jobs/processes", h.PublishedProcessesHandler),
        Route("api/jobs/processes/{process_id}", h.PublishedProcessHandler),
        Route("api/jobs/{job_id}", h.JobHandler),
        Route("api/jobs/{job_id}/log", h.JobLogHandler),
        Route("api/jobs/{job_id}/outputs/{format}", h.JobOutputHandler),
        Route("api/jobs/{job_id}/outputs/{format}/copy", h.JobOutputCopyHandler),
        Route("api/jobs/{job_id}/cancel", h.JobCancelHandler),
        Route("api/jobs/{job_id}/rerun", h.JobRerunHandler),
        Route("ogcapi", o.LandingHandler),
        Route("ogcapi/conformance", o.ConformanceHandler),
        Route("ogcapi/processes", o.ProcessListHandler),
        Route("ogcapi/processes/{process_id}", o.ProcessHandler),
        Route("ogcapi/processes/{process_id}/execution", o.ExecutionHandler),
        Route("ogcapi/jobs", o.OgcJobsHandler),
        Route("ogcapi/jobs/{job_id}", o.OgcJobHandler),
        Route("ogcapi/jobs/{job_id}/results", o.OgcResultsHandler),
    ),
    backend=lambda s: Backend(
        "embedded", "nbclient runner", f"SQLite job store, {s.max_concurrent} at a time"
    ),
    health=_health,
    config=_config,
)
