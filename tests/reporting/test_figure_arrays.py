"""A figures CSV read into arrays: codes matched by their bytes, months and values read exactly."""

from __future__ import annotations

import pytest

from pingan.reporting.figure_arrays import read_lines

UNITS = ["A1", "B22", "城关镇", "U" * 20]
CODES = ["criminal", "public_security", "x"]


def read(text: str):
    return read_lines(text.encode(), UNITS, CODES)


def test_lines_are_read_into_indices_months_and_values():
    lines = read(
        "B22,public_security,2026-09,17\n"
        "A1,criminal,2026-08,0\n"
        "城关镇,x,2026-08,\n" + "U" * 20 + ",criminal,2025-12,999999999\n"
    )
    assert lines is not None
    assert lines.unit.tolist() == [1, 0, 2, 3]
    assert lines.indicator.tolist() == [1, 0, 2, 0]
    assert lines.months == ["2025-12", "2026-08", "2026-09"]
    assert lines.month.tolist() == [2, 1, 1, 0]
    assert lines.value.tolist() == [17, 0, -1, 999999999]


@pytest.mark.parametrize(
    "text",
    [
        "A1,criminal,2026-08,1,\n",  # a fifth field
        "A1,criminal,2026-08\n",  # a field short
        "A1,criminal,2026-08,1\n\n",  # a blank line
        "A,criminal,2026-08,1\n",  # unknown unit (a prefix of one)
        "A1 ,criminal,2026-08,1\n",  # a space
        "A1,criminals,2026-08,1\n",  # unknown indicator
        "A1,,2026-08,1\n",  # no indicator
        "A1,criminal,2026-13,1\n",  # no such month
        "A1,criminal,2026-8,1\n",  # not YYYY-MM
        "A1,criminal,2026/08,1\n",
        "A1,criminal,2026-08,+1\n",  # not plain digits
        "A1,criminal,2026-08,1 \n",
        "A1,criminal,2026-08,1000000000\n",  # ten digits
        "A1,criminal,2026-08,1",  # no final newline
        "UUUUUUUUUUUUUUUUUUUUU,criminal,2026-08,1\n",  # longer than every unit code
        "",
    ],
)
def test_anything_not_plain_is_not_read(text):
    assert read(text) is None


def test_runs_of_one_unit_are_looked_up_once_and_spread_over_their_lines():
    text = "".join(
        "%s,%s,2026-08,%d\n" % (unit, code, k)
        for k, (unit, code) in enumerate(
            [("B22", c) for c in CODES] * 4 + [("A1", c) for c in CODES] * 4 + [("B22", "x")]
        )
    )
    lines = read(text)
    assert lines is not None
    assert lines.unit.tolist() == [1] * 12 + [0] * 12 + [1]
    assert lines.indicator.tolist() == [0, 1, 2] * 8 + [2]
    assert lines.value.tolist() == list(range(25))
    assert read(text.replace("A1,public_security", "A2,public_security")) is None
