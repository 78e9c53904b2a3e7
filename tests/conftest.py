"""Shared pytest configuration: the hypothesis profile.

``deadline=None`` because the first call of a numba kernel compiles it,
which can take seconds.
"""

from hypothesis import settings

settings.register_profile("project", deadline=None)
settings.load_profile("project")
