"""analysis wing."""
