"""Subcommands of `newswatch`, grouped by what they serve."""
