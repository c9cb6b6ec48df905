"""The statistics dimensions and age bands, defined once.

The statistics API (api.selectors, api.statistics), the follow-up figures (reporting.figures), the statistics
summary (reporting.statistics_summary, also in its SQL) and the exports all take them from here, so a band or a
dimension added here is counted the same way everywhere.
"""

# (lowest age, highest age or None, label); the label is also the stored key of the band
AGE_BANDS: list[tuple[int, int | None, str]] = [
    (0, 9, "0–9"),
    (10, 14, "10–14"),
    (15, 17, "15–17"),
    (18, 20, "18–20"),
    (21, 29, "21–29"),
    (30, None, "30–"),
]
UNKNOWN_KEY = "okant"  # the key of a missing value (no district, no birth date, a blank choice)

# the dimensions a statistics client may break the counts down by (one per question)
STATISTICS_DIMENSIONS: tuple[str, ...] = ("insats", "unit", "district", "age_band", "gender", "basis")


def age_band_of(age: int | None) -> str:
    """The band key of an age in whole years (UNKNOWN_KEY when it is not known)."""
    if age is None:
        return UNKNOWN_KEY
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return UNKNOWN_KEY
