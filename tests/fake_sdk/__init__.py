"""A small fake async SDK whose shapes the real one does not have yet, for the sync generator."""
