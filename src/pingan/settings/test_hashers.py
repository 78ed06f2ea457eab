"""A cheap Argon2id parameter set, for tests only."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with minimal cost: same algorithm and format, fast enough for hundreds of test users."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1
