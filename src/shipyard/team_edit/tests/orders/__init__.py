"""Tests of the orders domain."""
