"""Load tests: locustfile.py (locust) and k6.js (k6), both driven by profiles.json."""
