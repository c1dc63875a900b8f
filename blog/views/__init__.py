"""Blueprints: reading, feeds, authentication and writing."""
