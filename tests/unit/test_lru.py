"""The least-recently-used store: by count, or by the total weight of what it keeps."""
from portal.lru import Lru


def test_by_count_the_least_recently_read_goes_first():
    store = Lru(2)
    store.put("a", "1")
    store.put("b", "2")
    assert store.get("a") == "1"  # read: now the most recent
    store.put("c", "3")
    assert (store.get("a"), store.get("b"), store.get("c")) == ("1", None, "3")


def test_by_weight_a_large_piece_pushes_out_as_many_small_ones_as_it_needs():
    store = Lru(10, weigh=len)
    for key in "abcde":
        store.put(key, "xx")
    assert store.weight == 10 and len(store) == 5
    store.put("big", "y" * 6)
    assert [key for key in "abcde" if store.get(key)] == ["d", "e"] and store.weight == 10
    store.put("big", "z")  # the same key again: its old weight is given back
    assert store.weight == 5 and store.get("big") == "z"
    store.put("huge", "w" * 11)  # more than the whole budget: kept by nothing
    assert len(store) == 0 and store.weight == 0
    store.put("a", "xx")
    store.clear()
    assert len(store) == 0 and store.weight == 0
