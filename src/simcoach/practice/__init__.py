"""Live practice: sessions, turns and access rules over the engine and the store (no web framework)."""
