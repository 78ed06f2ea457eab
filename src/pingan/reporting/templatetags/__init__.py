"""Template tags of the reporting pages."""
