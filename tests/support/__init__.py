"""Helpers shared by the template tests."""
