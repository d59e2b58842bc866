"""The stores of rendered pages and fragments a process keeps: cachetools'
least-recently-used caches, behind a lock, since the threads of one process
share them and cachetools' caches are not safe for threads alone.

Bounded by a count of entries, or by their total size when `getsizeof` is
given (the fragment cache counts a piece's characters: a kept table of 25
rows and a kept blank field are not the same size)."""
import threading

from cachetools import LRUCache


class SharedLru:
    def __init__(self, maxsize, getsizeof=None):
        self.cache = LRUCache(maxsize, getsizeof=getsizeof)
        self.lock = threading.Lock()

    def get(self, key):
        """The entry, now the most recently used; None when there is none."""
        with self.lock:
            return self.cache.get(key)

    def put(self, key, entry):
        with self.lock:
            try:
                self.cache[key] = entry
            except ValueError:  # larger than the whole store: kept by nothing
                self.cache.pop(key, None)

    def values(self):
        with self.lock:
            return list(self.cache.values())

    def clear(self):
        with self.lock:
            self.cache.clear()

    def __len__(self):
        return len(self.cache)
