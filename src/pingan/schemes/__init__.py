"""Evaluation schemes as versioned data: classes, indicators, deductions, tiers, stars, deadlines."""
