"""People and credentials: passwords, sessions, API tokens and who is asking."""
