"""`python -m newswatch` and the `newswatch` command."""


def run() -> None:
    """Run the command line (the console script's entry point)."""
    from newswatch.lifetime import die_with_parent_if_asked

    die_with_parent_if_asked()
    from newswatch.cli import main

    main()


if __name__ == "__main__":
    run()
