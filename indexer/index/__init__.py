"""index wing."""
