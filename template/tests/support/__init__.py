"""Helpers the tests share: test database lifecycle, a TCP proxy, a slow test app."""
