"""planner.locales"""
