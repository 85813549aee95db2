"""LLM-played customers and the LLM judge; the engine decides, the model only words it."""
