"""Layered settings: base, test and production."""
