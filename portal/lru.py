"""A small least-recently-used store, shared by the threads of one process.

Bounded by a count of entries, or by their total weight when `weigh` is
given (the fragment cache weighs a piece by its length: a kept table of 25
rows and a kept blank field are not the same size)."""
import threading
from collections import OrderedDict


def _one(entry):
    return 1


class Lru:
    def __init__(self, size, weigh=_one):
        self.size = size
        self.weigh = weigh
        self.weight = 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            before = self.entries.pop(key, None)
            if before is not None:
                self.weight -= self.weigh(before)
            self.entries[key] = entry
            self.weight += self.weigh(entry)
            while self.weight > self.size and self.entries:
                _, dropped = self.entries.popitem(last=False)
                self.weight -= self.weigh(dropped)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.weight = 0

    def __len__(self):
        return len(self.entries)
