"""Rasa input channels of Opastin (configured in credentials.yml)."""
