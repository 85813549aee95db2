"""The ``simcoach`` command line."""
