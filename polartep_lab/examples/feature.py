from __future__ import annotations

from ..core.features import Feature, FeatureContext, Route
from .handlers import ExampleCopyHandler, ExamplesHandler
from .service import ExampleLibrary


def build(ctx: FeatureContext) -> ExampleLibrary:
    return ExampleLibrary(ctx.root_dir)


FEATURE = Feature(
    name="examples",
    title="Example notebooks",
    description="Runnable notebooks for every feature; a copy opens in your workspace.",
    build=build,
    routes=(
        Route("api/examples", ExamplesHandler),
        Route("api/examples/{name}/copy", ExampleCopyHandler),
    ),
    config=lambda lib: {"target_folder": lib.target, "count": len(lib.list())},
    order=10,
)
