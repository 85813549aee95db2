"""Every model call goes through a small ChatProvider protocol; one OpenAI-compatible implementation."""
