"""Benchmarks: serving the app under gunicorn and loading it over HTTP."""
