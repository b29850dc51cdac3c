"""Package of the reference modeling file (copied in by gen.py)."""
