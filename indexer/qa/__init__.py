"""qa wing."""
