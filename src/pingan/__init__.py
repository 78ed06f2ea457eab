"""pingan (平安): stability index, early warning, disputes and risk assessment."""
