"""The HTTP API's routes, one module per kind of record."""
