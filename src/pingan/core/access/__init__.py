"""Access: who is acting (actor), the roles, the permission registry and the view decorators.

Below every domain app, so that each app — the audit log included — can check permissions
without importing the accounts app; accounts owns the users, their role assignments and pages.
"""
