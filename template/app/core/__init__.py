"""Core building blocks shared by every domain and feature: settings, logging, errors, HTTP."""
