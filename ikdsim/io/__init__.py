"""Writing results: atomic output folders, CSV tables, JSON summaries."""
