"""Analyses over plans and cases: what-if scenarios, after-training evaluation, catalog coverage
and case validation."""
