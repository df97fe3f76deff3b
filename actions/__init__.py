"""Opastin's custom actions, one module per feature; the service directory lives in actions.directory."""
