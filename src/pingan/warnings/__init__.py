"""Early warning (预警): detection on approved figures, matters and the index; graded warnings with
their lifecycle; the problem register; the effective warning rate and its backtest."""
