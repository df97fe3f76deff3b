"""Importing a county's services from the Suomi.fi service catalogue (PTV) open API, v11."""
