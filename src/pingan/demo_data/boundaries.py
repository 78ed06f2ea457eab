"""Schematic boundaries of the demo city's class-A units: rectangles of a grid, not real outlines."""

from __future__ import annotations

from typing import Any

# The grid sits where Binzhou lies (about 117.0–119.5 E, 37.0–37.8 N), five columns by two rows.
WEST, SOUTH = 117.0, 37.0
CELL_WIDTH, CELL_HEIGHT = 0.5, 0.4
COLUMNS = 5


def demo_feature_collection(codes: list[str]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with one rectangle per unit code, in a grid of five columns."""
    return {
        "type": "FeatureCollection",
        "features": [_cell(i, code) for i, code in enumerate(codes)],
    }


def _cell(index: int, code: str) -> dict[str, Any]:
    row, column = divmod(index, COLUMNS)
    west = round(WEST + column * CELL_WIDTH, 6)
    east = round(west + CELL_WIDTH, 6)
    north = round(SOUTH + (2 - row) * CELL_HEIGHT, 6)
    south = round(north - CELL_HEIGHT, 6)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
