"""Importing a county's upcoming events from a Linked Events API (the open events API of Finnish cities)."""
