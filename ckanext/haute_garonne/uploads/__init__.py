"""Uploads: the CKAN side of validation."""
