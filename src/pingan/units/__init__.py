"""Organisation units (city → district/department → community/township) and their covariates."""
