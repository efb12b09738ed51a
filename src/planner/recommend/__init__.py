"""Candidate courses per need: eligibility, prerequisites, cost, and the excluded courses with
their cause."""
