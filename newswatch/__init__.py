"""newswatch: watch the news of science academies and alliances."""

__version__ = "0.1.0"

#: Version of the shared cleaning code; part of every item's extractor_version, so a change
#: in cleaning re-baselines stored items instead of flagging them all as updated.
CORE_EXTRACTOR_VERSION = "2"
