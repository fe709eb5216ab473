"""The operation groups of the client: thin methods, one per operation."""
