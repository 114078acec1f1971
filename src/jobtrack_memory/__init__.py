"""jobtrack's in-memory store: the full semantics of a database, kept in this process."""

from jobtrack_memory.store import MemoryStore

__all__ = ["MemoryStore"]
