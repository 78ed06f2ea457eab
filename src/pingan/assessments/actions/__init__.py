"""The writes of the assessments app, one keyword-only function per action (ADR 0001)."""
