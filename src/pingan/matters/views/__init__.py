"""Pages of the matters app, one module per topic."""
