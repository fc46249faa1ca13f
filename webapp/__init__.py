"""policykb web site (Flask); talks to the knowledge base only through ``indexer``'s API."""
