# The shared personas and browser set-up reach every app's tests from here.
pytest_plugins = ["tests.fixtures"]
