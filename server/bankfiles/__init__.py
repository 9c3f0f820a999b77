"""Bank files in: reading what banks export (CSV here), before anything is written."""
