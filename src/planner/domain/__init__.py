"""The data the law and the optimiser read: officials' profiles and the course catalog (models
only, no I/O)."""
