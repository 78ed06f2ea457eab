"""Pages of the warnings app: warnings (list, one warning, its steps) and the problem register."""
