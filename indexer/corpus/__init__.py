"""corpus wing."""
