"""Per-turn empathy scoring against a rubric, with quoted evidence and a next step."""
