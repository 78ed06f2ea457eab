"""Monthly reporting: submissions, sign-off, immutable approved figures, corrections, deadlines."""
