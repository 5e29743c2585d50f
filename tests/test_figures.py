"""Key figures read the same in both languages, each in its own number style."""
import pytest

from sitegen.interface import DEFAULT_UI
from sitegen.figures import KeyFigure, format_figure, format_number


@pytest.mark.parametrize("value, unit, approx, zh, en", [
    (37840000, "yuan", "exact", "3784万元", "CNY 37.84 million"),
    (6500000, "yuan", "exact", "650万元", "CNY 6.5 million"),
    (920000, "yuan", "exact", "92万元", "CNY 920,000"),
    (100000, "yuan", "more_than", "10余万元", "more than CNY 100,000"),
    (16300, "person_times", "exact", "1.63万人次", "16,300"),
    (1000, "people", "more_than", "1000余名", "more than 1,000"),
    (4000, "person_times", "over", "超4000人次", "over 4,000"),
    (1000, "people", "nearly", "近1000名", "nearly 1,000"),
    ((40, 50), "percent", "exact", "40%～50%", "40%–50%"),
    (100, "percent", "exact", "100%", "100%"),
])
def test_figures_in_chinese_and_english(value, unit, approx, zh, en):
    figure = KeyFigure("x", value, unit, approx, {})
    assert format_figure(figure, DEFAULT_UI["zh"]) == zh
    assert format_figure(figure, DEFAULT_UI["en"]) == en


def test_a_value_that_does_not_divide_cleanly_keeps_its_digits():
    assert format_number(12345, DEFAULT_UI["zh"]["number"]) == ("12345", "")
    assert format_number(1234567, DEFAULT_UI["en"]["number"]) == ("1,234,567", "")
