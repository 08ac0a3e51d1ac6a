"""Pagination shows the first and last pages and the current one with its neighbours, not a link
per page (a national register has hundreds of pages of flows)."""

import pytest

from compliance.services.records import Page


@pytest.mark.parametrize(
    ("number", "pages", "window"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 600, [1, 2, None, 600]),
        (300, 600, [1, None, 299, 300, 301, None, 600]),
        (3, 600, [1, 2, 3, 4, None, 600]),
        (600, 600, [1, None, 599, 600]),
    ],
)
def test_window(number, pages, window):
    assert Page([], total=pages * 25, number=number, size=25).window() == window
