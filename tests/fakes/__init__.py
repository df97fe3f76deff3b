"""Local stand-ins for the outside APIs the channels call, speaking their real HTTP protocol (tests only)."""
