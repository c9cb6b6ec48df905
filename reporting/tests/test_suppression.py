"""The small-cell rule (docs/domain.md "Statistics"): 1–4 is never shown, zero is, and every place uses one rule."""

import pytest

from reporting.suppression import SUPPRESSED_LABEL, is_suppressed, suppress
from reporting.templatetags.reporting_tags import published_count


@pytest.mark.parametrize(
    ("count", "hidden", "published", "shown"),
    [
        (0, False, 0, 0),
        (1, True, None, "<5"),
        (4, True, None, "<5"),
        (5, False, 5, 5),
        (1234, False, 1234, 1234),
        (None, False, None, "<5"),  # None is a count already hidden upstream
    ],
)
def test_the_rule_and_its_template_filter_agree(count, hidden, published, shown):
    assert is_suppressed(count) is hidden
    assert suppress(count) == published
    assert published_count(count) == shown


def test_the_label_names_the_threshold():
    assert SUPPRESSED_LABEL == "<5"
