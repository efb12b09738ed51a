"""`python -m planner` runs the CLI."""

from planner.cli import main

if __name__ == "__main__":
    main()
