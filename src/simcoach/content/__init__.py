"""Authored content: personas, scenarios and rubrics as validated, versioned YAML."""
