from __future__ import annotations

from ..core.features import Feature, FeatureContext, Route
from .handlers import DocPageHandler, DocsHandler
from .service import Guide


def build(ctx: FeatureContext) -> Guide:
    return Guide()


FEATURE = Feature(
    name="docs",
    title="Documentation",
    description="The Polar TEP user guide, one page per feature, opened inside JupyterLab.",
    build=build,
    routes=(Route("api/docs", DocsHandler), Route("api/docs/{slug}", DocPageHandler)),
    config=lambda guide: {"pages": len(guide.pages())},
    order=11,
)
