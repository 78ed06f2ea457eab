"""Backup and restore of a pingan installation: the database and the data folder in one archive."""
