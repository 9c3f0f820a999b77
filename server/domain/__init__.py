"""Flask-free domain logic over the database."""
