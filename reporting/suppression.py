"""Small-cell suppression for statistics (docs/domain.md "Statistics").

Primary rule: a count of 1–4 persons is never shown; it becomes None and displays as "<5".
Zero is shown (it identifies nobody). The statistics API adds secondary suppression on top of this.
This module is the one place the threshold lives: reporting.figures formats with it, the api imports it,
and pages of lower apps show a count under it with reporting_tags' `published_count` filter.
"""

SUPPRESSION_THRESHOLD = 5
SUPPRESSED_LABEL = f"<{SUPPRESSION_THRESHOLD}"


def is_suppressed(count: int | None) -> bool:
    return count is not None and 0 < count < SUPPRESSION_THRESHOLD


def suppress(count: int | None) -> int | None:
    """The count to publish: None when it must be suppressed."""
    return None if is_suppressed(count) else count
