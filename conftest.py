"""Makes qdesk's test fixtures available to core tests (``tests/``) and to
every plugin's own tests (``plugins/<key>/tests/``)."""
pytest_plugins = ["tests.fixtures"]
