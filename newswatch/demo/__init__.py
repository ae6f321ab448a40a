"""A small CAE-style demo site in four versions, for end-to-end runs and demonstrations.

``SITE`` is the site root to pass to ``newswatch.fixtureserver.serve``; ``site/CHANGES.md``
says what each version changes.
"""

from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
