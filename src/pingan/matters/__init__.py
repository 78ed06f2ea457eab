"""Disputes and matters: intake, dispatch, handling, review, follow-up, statistics, Open311."""
