"""An app with face data and no personal-data handler: start-up must refuse it (tests/compliance/test_registry.py)."""
