"""Tests of the generated service; the layout mirrors app/."""
