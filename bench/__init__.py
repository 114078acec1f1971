"""The performance benchmark: jobtrack side by side with raw sqlite3 and an ORM.

Run it with ``python -m bench.run --size small|medium|full``; see
``docs/performance.md`` for what it measures and the latest figures.
"""
