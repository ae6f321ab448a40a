"""`python -m newswatch` runs the command line."""

from newswatch.cli import main

if __name__ == "__main__":
    main()
