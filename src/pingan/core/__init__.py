"""Shared infrastructure: data folder, database options, tabular file reading, DB triggers."""
