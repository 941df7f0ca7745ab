"""The workspace catalog's STAC API on the embedded store (the same contract runs on PgSTAC in
tests/integration/test_stac_pgstac.py)."""

from __future__ import annotations

from tests.stac_contract import (  # noqa: F401  (collected here, on the embedded store)
    test_bad_input_is_400_naming_the_parameter_and_404_for_unknown,
    test_dateline_bbox_means_the_band_across_180,
    test_datetime_filter_sort_fields_and_paging,
    test_footprints_around_the_poles_match_near_the_pole,
    test_landing_conformance_and_collection_links,
    test_transactions_validate_and_refuse_whole,
)
