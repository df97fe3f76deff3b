"""The trainer's tools: `make interactive`, `make inbox` and `make inbox-accept` (see README, "For trainers").

Everything a trainer accepts is filed by one module (filing.py) into `data/nlu/<language>/<feature>.yml`,
with the same checks whichever way it came: redacted, never a duplicate, never a held-out example.
"""
