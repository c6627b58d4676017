"""Shared fixtures; the helpers themselves live in showctl.testing."""
