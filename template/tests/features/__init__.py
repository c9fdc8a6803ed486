"""Tests of the optional features present in this service."""
