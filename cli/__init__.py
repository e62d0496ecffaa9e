"""The command line: an edge over the library, like the dashboard (DESIGN.md §1)."""
