"""Socle commun: the département's view (overview, reminders, consolidation)."""
