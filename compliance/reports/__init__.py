"""Outputs built from the loaded register: pure code, no database (the services load the data)."""
