"""Synthetic data of the demo city. Every number is synthetic."""
