"""Command-line tests; a package so its modules import ``clirun`` by relative import."""
