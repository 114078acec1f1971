"""Interchange tests; a package so its modules import their shared helpers by relative import."""
