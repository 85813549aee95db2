"""The simulation engine: explicit customer state, gated disclosure, outcomes, scripted replies."""
