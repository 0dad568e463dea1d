"""Command-line interface (typer). `app.py` builds the app; each module registers its commands."""
