"""`python -m newswatch` and the `newswatch` command: the command line, imported only when it runs.

Kept light on purpose: event worker processes (spawned) import the main module again, and need
none of the command line's imports.
"""


def run() -> None:
    """Run the command line (the console script's entry point)."""
    from newswatch.cli import main

    main()


if __name__ == "__main__":
    run()
