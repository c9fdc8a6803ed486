"""Tests of the items domain."""
