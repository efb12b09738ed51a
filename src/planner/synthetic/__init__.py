"""Synthetic cases: the generator behind `planner generate` and the bundled evaluation example."""
