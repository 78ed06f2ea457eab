"""Materialised quarterly scores, ranks, tiers and stars computed by the engine."""
