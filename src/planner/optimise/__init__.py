"""planner.optimise"""
