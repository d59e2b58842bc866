"""The stores of rendered pages and pieces: by count, or by the total size of what they keep."""
from portal.web.caches import SharedLru


def test_by_count_the_least_recently_read_goes_first():
    store = SharedLru(2)
    store.put("a", "1")
    store.put("b", "2")
    assert store.get("a") == "1"  # read: now the most recent
    store.put("c", "3")
    assert (store.get("a"), store.get("b"), store.get("c")) == ("1", None, "3")


def test_by_size_a_large_piece_pushes_out_as_many_small_ones_as_it_needs():
    store = SharedLru(10, getsizeof=len)
    for key in "abcde":
        store.put(key, "xx")
    assert len(store) == 5
    store.put("big", "y" * 6)
    assert [key for key in "abcde" if store.get(key)] == ["d", "e"]
    store.put("big", "z")  # the same key again: its old size is given back
    assert store.get("big") == "z" and store.get("d") == "xx"
    store.put("huge", "w" * 11)  # more than the whole store: kept by nothing
    assert store.get("huge") is None and store.get("big") == "z"
    store.clear()
    assert len(store) == 0
