"""How the program runs on a desktop or a home server, not what it does: the launcher beside
the window, the waitress server, TLS for server mode and the one-instance lock."""
