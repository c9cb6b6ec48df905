"""Small-cell suppression for statistics (docs/domain.md "Statistics").

Primary rule: a count of 1–4 persons is never shown; it becomes None and displays as "<5".
Zero is shown (it identifies nobody). The statistics API adds secondary suppression on top of this.
"""

SUPPRESSION_THRESHOLD = 5
SUPPRESSED_LABEL = "<5"


def is_suppressed(count: int | None) -> bool:
    return count is not None and 0 < count < SUPPRESSION_THRESHOLD


def suppress(count: int | None) -> int | None:
    """The count to publish: None when it must be suppressed."""
    return None if is_suppressed(count) else count


def display_count(count: int | None) -> str:
    """A count as shown in a table: "<5" for 1–4, Swedish thousands separator otherwise."""
    if count is None or is_suppressed(count):
        return SUPPRESSED_LABEL
    return f"{count:,}".replace(",", "\u00a0")
