"""Every write on matters, one topic per module: the permission check, the write and its audit
record in one transaction."""
