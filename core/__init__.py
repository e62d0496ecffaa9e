"""The ground floor: database file and upgrades, the one Config, paths, clock, accounts and audit.

Imports nothing above it (tests/test_layering.py).
"""
