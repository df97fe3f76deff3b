"""The county's figures: day-level aggregates collected from the redacted conversations, and the monthly report.

Conversations are purged after 30 days, so figures are collected daily (`collect`, run by `make purge`
before it purges) into the reporting database as counts per day; the report reads only those counts.
"""
