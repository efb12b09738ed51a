"""planner: training-needs assessment and optimised training plans."""
