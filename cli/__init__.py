"""The command line: an edge over the library, like the dashboard (docs/design.md §1)."""
