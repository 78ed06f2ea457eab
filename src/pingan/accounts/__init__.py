"""People, roles and permissions: deny by default, checked inside every service."""
