"""The service directory: PTV-shaped tables, their seed data and the one client the actions use.

Kept apart from the actions so that the PTV importer (and tests) write and read the same tables
without Rasa in the way.
"""
