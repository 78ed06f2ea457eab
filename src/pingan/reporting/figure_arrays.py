"""A figures CSV read into numpy arrays without a Python object per line.

The set-based load (`copy_load`) reads files of the exact form `unit_code,indicator_code,period,value`
(no quotes): every line is split at its three commas by array operations, each code is matched
to the catalogue's codes by its bytes, the period is read as a month and the value as one to
nine plain digits. Anything else — a line with more or fewer fields, an unknown code, a period
that is not `YYYY-MM`, a value with anything but digits — makes `read_lines` return None, and
the caller hands the file to the line check, which names each problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

NEWLINE, COMMA, ZERO = 10, 44, 48
MAX_DIGITS = 9
MONTH_LENGTH = 7  # YYYY-MM
MONTH = re.compile(rb"[0-9]{4}-(0[1-9]|1[0-2])")
LINE = np.array([COMMA, COMMA, COMMA, NEWLINE], dtype=np.uint8)
# MASKS[k] keeps the first k bytes of a little-endian word.
MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class Lines:
    """The lines of a figures file, one array element per line.

    `unit` and `indicator` index the code lists given to `read_lines`; `month` indexes `months`
    (ascending "YYYY-MM"); `value` is −1 where the value is blank.
    """

    unit: np.ndarray
    indicator: np.ndarray
    month: np.ndarray
    value: np.ndarray
    months: list[str]


def read_lines(
    data: bytes, unit_codes: list[str], indicator_codes: list[str], start: int = 0
) -> Lines | None:
    """The lines of `data[start:]` (the lines after the heading, "\\n"-terminated), or None when any line is not plain."""
    if len(data) <= start or b"\0" in data or not data.endswith(b"\n"):
        return None
    buf = np.zeros(len(data) - start + 8, dtype=np.uint8)
    buf[:-8] = np.frombuffer(data, dtype=np.uint8, offset=start)
    # Every byte up to the comma (controls, space, punctuation) stands out; in a plain file those
    # are three commas then a newline, line after line.
    separators = np.flatnonzero(buf[:-8] <= COMMA)
    if len(separators) % 4 or (buf[separators].reshape(-1, 4) != LINE).any():
        return None
    fields = separators.reshape(-1, 4)
    starts = np.concatenate(([0], fields[:-1, 3] + 1))
    # Each position's next eight bytes as one little-endian word (unaligned view, no copy).
    windows = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    unit = _codes(windows, starts, fields[:, 0], unit_codes)
    indicator = _codes(windows, fields[:, 0] + 1, fields[:, 1], indicator_codes)
    month = _months(windows, fields[:, 1] + 1, fields[:, 2])
    value = _values(buf, fields[:, 2] + 1, fields[:, 3])
    if unit is None or indicator is None or month is None or value is None:
        return None
    month_index, months = month
    return Lines(unit, indicator, month_index, value, months)


def _words(windows: np.ndarray, first: np.ndarray, stop: np.ndarray, count: int) -> np.ndarray:
    """(n, count) 8-byte words of each field `[first, stop)`, zero after its end."""
    lengths = stop - first
    words = np.empty((len(first), count), dtype="<u8")
    for j in range(count):
        kept = np.clip(lengths - 8 * j, 0, 8)
        words[:, j] = windows[first + 8 * j] & MASKS[kept]
    return words


def _keys(words: np.ndarray) -> np.ndarray:
    """One 64-bit key per row of 8-byte words (the word itself when there is one)."""
    key = words[:, 0].copy()
    for j in range(1, words.shape[1]):
        key = key * MIX + words[:, j]
    return key


def _codes(
    windows: np.ndarray, first: np.ndarray, stop: np.ndarray, codes: list[str]
) -> np.ndarray | None:
    """The index in `codes` of each field's text, or None when a field is empty or no code."""
    lengths = stop - first
    if not len(codes) or lengths.min() < 1:
        return None
    count = -(-int(lengths.max()) // 8)
    known = [(i, code.encode()) for i, code in enumerate(codes)]
    known = [(i, raw) for i, raw in known if 0 < len(raw) <= 8 * count and b"\0" not in raw]
    if not known:
        return None
    table = np.zeros((len(known), 8 * count), dtype=np.uint8)
    for row, (_i, raw) in enumerate(known):
        table[row, : len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    table_words = table.view("<u8")
    table_keys = _keys(table_words)
    order = np.argsort(table_keys, kind="stable")
    sorted_keys = table_keys[order]
    if (sorted_keys[1:] == sorted_keys[:-1]).any():
        return None
    words = _words(windows, first, stop, count)
    keys = _keys(words)
    # Lines of one unit usually follow each other: look up the first line of each run only.
    changed = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    runs = len(changed) + 1 < len(keys) // 4
    heads = np.concatenate(([0], changed)) if runs else np.arange(len(keys))
    at = np.minimum(np.searchsorted(sorted_keys, keys[heads]), len(sorted_keys) - 1)
    if not (sorted_keys[at] == keys[heads]).all():
        return None
    found = order[at]
    if count > 1 and not (table_words[found] == words[heads]).all():
        return None
    positions = np.array([i for i, _raw in known], dtype=np.int64)[found]
    return np.repeat(positions, np.diff(np.append(heads, len(keys)))) if runs else positions


def _months(
    windows: np.ndarray, first: np.ndarray, stop: np.ndarray
) -> tuple[np.ndarray, list[str]] | None:
    """Each field read as a month "YYYY-MM" (01–12): its index in the ascending months, and those months.

    Lines of one month usually follow each other, so only the first line of each run of equal
    fields is decoded; the runs' months are then spread over their lines.
    """
    if ((stop - first) != MONTH_LENGTH).any():
        return None
    key = windows[first] & MASKS[MONTH_LENGTH]
    heads = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    distinct, run_month = np.unique(key[heads], return_inverse=True)
    texts = [bytes(np.array([k], dtype="<u8").view(np.uint8)[:MONTH_LENGTH]) for k in distinct]
    if not all(MONTH.fullmatch(text) for text in texts):
        return None
    months = [text.decode() for text in texts]
    # The keys are little-endian words, so sort the months by their text and map the runs over.
    by_text = np.argsort(np.array(months))
    rank = np.empty(len(months), dtype=np.int64)
    rank[by_text] = np.arange(len(months))
    lengths = np.diff(np.append(heads, len(key)))
    return np.repeat(rank[run_month], lengths), sorted(months)


def _values(buf: np.ndarray, first: np.ndarray, stop: np.ndarray) -> np.ndarray | None:
    """Each field read as one to nine plain digits, −1 where empty; None when any is not."""
    lengths = stop - first
    if (lengths > MAX_DIGITS).any():
        return None
    value = np.zeros(len(first), dtype=np.int64)
    for k in range(int(lengths.max(initial=0))):
        # Digit k counted from the left of the longest field: right-aligned at `stop`.
        offset = int(lengths.max()) - k
        inside = lengths >= offset
        digit = buf[np.maximum(stop - offset, 0)].astype(np.int64) - ZERO
        if ((digit < 0) | (digit > 9))[inside].any():
            return None
        value = np.where(inside, value * 10 + digit, value)
    value[lengths == 0] = -1
    return value
