"""Store tests use the helpers in :mod:`simcoach.store.testing`; nothing shared is needed here."""
