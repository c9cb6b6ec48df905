"""Invented data for development, demos, the benchmark and tests: `manage.py seed_demo` (demo_data) and
`manage.py generate_data` (datagen).

Sits on top of every app: it may import any of them, and no app imports it. Never run against production
data.
"""
