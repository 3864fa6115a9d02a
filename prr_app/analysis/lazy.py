"""Lists of component ids that are built only when read.

At 10,000 components the SPOFs alone name millions of ids in their down and
degraded lists (every SPOF of a deep graph takes thousands of components
down), and a chain can run through a thousand components. Most readers only
need a count, a membership test or the first few names; the JSON output
needs them all, but as bytes, not as Python strings. So:

* :class:`IdList` holds a bitset over the graph's components (bit ``i`` is
  ``graph.ids[i]``; ids are numbered in sorted order, so the list is sorted).
  ``len()``, ``in``, ``bool()`` and short prefixes (``x[:5]``) read the bitset;
  anything else builds the list once and keeps it. ``to_json()`` writes the
  JSON array straight from pre-encoded ids.
* :class:`Chain` holds a function that yields the chain from its start; a
  prefix (``chain[:8]``, ``chain[1]``) costs only what it reads.

Both compare equal to plain lists with the same items, and
:meth:`prr_app.analysis.engine.Analysis.to_dict` turns them into plain lists.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

import numpy as np
import orjson

from prr_app.analysis.graph import bits_of, expand, has, popcount


def _quoted(graph) -> np.ndarray:
    """The graph's ids, each JSON-encoded, as an object array (indexed by a bit mask in C)."""
    q = getattr(graph, "_quoted_ids", None)
    if q is None:
        q = np.empty(len(graph.ids), dtype=object)
        q[:] = [orjson.dumps(i) for i in graph.ids]
        graph._quoted_ids = q
    return q


class IdList(Sequence):
    """A sorted list of component ids backed by a bitset."""

    __slots__ = ("_bits", "_graph", "_n", "_list", "_head")

    def __init__(self, bits, graph, count: int | None = None):
        """``bits``: the bitset, a compact one (a sorted ``array('i')`` of indices, see
        ``graph.compact``), or a function returning an ``int`` bitset (then it is not kept:
        100,000 SPOFs holding their own derived bitsets would take gigabytes); ``count``: its
        size if known."""
        self._bits = bits
        self._graph = graph
        self._n = count if count is not None else (
            popcount(bits) if not callable(bits) else bits().bit_count())
        self._list: list[str] | None = None
        self._head: list[str] | None = None  # the first names, once a prefix was read

    @property
    def bits(self) -> int:
        b = self._bits
        if type(b) is int:
            return b
        return b() if callable(b) else expand(b)

    def _indices(self, limit: int | None = None) -> list[int]:
        b = self._bits
        if not callable(b) and type(b) is not int:  # compact: the indices themselves
            return b.tolist() if limit is None else b[:limit].tolist()
        return bits_of(self.bits, limit)

    def __len__(self) -> int:
        return self._n

    def __bool__(self) -> bool:
        return self._n > 0

    def tolist(self) -> list[str]:
        if self._list is None:
            ids = self._graph.ids
            self._list = [ids[i] for i in self._indices()]
        return self._list

    def __getitem__(self, i):
        if (self._list is None and isinstance(i, slice) and i.step in (None, 1) and i.start in (None, 0)
                and i.stop is not None and 0 <= i.stop <= 64):
            head = self._head
            if head is None or (len(head) < i.stop and len(head) < self._n):
                ids = self._graph.ids
                head = self._head = [ids[j] for j in self._indices(max(i.stop, 20))]
            return head[:i.stop]
        return self.tolist()[i]

    def __iter__(self):
        return iter(self.tolist())

    def __contains__(self, cid) -> bool:
        j = self._graph.index.get(cid)
        if j is None:
            return False
        b = self._bits
        return has(b() if callable(b) else b, j)

    def __eq__(self, other):
        if isinstance(other, IdList):
            return self.bits == other.bits and self._graph.ids == other._graph.ids
        if isinstance(other, (list, tuple)):
            return self.tolist() == list(other)
        return NotImplemented

    __hash__ = None  # a list

    def __repr__(self) -> str:
        return repr(self.tolist())

    def to_json(self) -> bytes:
        if self._list is not None:
            return orjson.dumps(self._list)
        if self._n == 0:
            return b"[]"
        q = _quoted(self._graph)
        b = self._bits
        if not callable(b) and type(b) is not int:
            return b"[" + b",".join(q[np.frombuffer(b, dtype=np.int32)].tolist()) + b"]"
        n = len(q)
        raw = np.frombuffer(self.bits.to_bytes((n + 7) // 8, "little"), dtype=np.uint8)
        flags = np.unpackbits(raw, bitorder="little")[:n].view(bool)
        return b"[" + b",".join(q[flags].tolist()) + b"]"


class Chain(Sequence):
    """A chain of element ids computed on demand from ``make()`` (an iterator from the start)."""

    __slots__ = ("_make", "_prefix", "_list")

    def __init__(self, make, prefix: tuple[str, ...] = ()):
        self._make = make
        self._prefix = prefix
        self._list: list[str] | None = None

    def tolist(self) -> list[str]:
        if self._list is None:
            self._list = list(self._prefix) + list(self._make())
        return self._list

    def with_prefix(self, *items: str) -> Chain:
        """The same chain with ``items`` in front; once either is built, the other reuses it."""
        parent = self

        def make():
            return iter(parent.tolist()) if parent._list is not None else parent._make()

        return Chain(make, tuple(items) + self._prefix)

    def __len__(self) -> int:
        return len(self.tolist())

    def __getitem__(self, i):
        if self._list is None:
            if isinstance(i, int) and 0 <= i < 64:
                head = self._head(i + 1)
                if i < len(head):
                    return head[i]
                raise IndexError(i)
            if isinstance(i, slice) and i.step in (None, 1) and i.start in (None, 0) and i.stop is not None \
                    and 0 <= i.stop <= 64:
                return self._head(i.stop)
        return self.tolist()[i]

    def _head(self, k: int) -> list[str]:
        out = list(self._prefix[:k])
        if len(out) < k:
            want = k - len(out)
            more = list(islice(self._make(), want + 1))
            if len(more) <= want:  # the chain ended within the prefix: that is all of it
                self._list = list(self._prefix) + more
            out.extend(more[:want])
        return out

    def __iter__(self):
        return iter(self.tolist())

    def __eq__(self, other):
        if isinstance(other, (Chain, list, tuple)):
            return self.tolist() == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self.tolist())

    def to_json(self) -> bytes:
        return orjson.dumps(self.tolist())


#: Flags (bytes) unpacked at once by :func:`encode_all`: about 4 MB.
_BATCH_FLAGS = 1 << 22


def encode_all(lists) -> list[bytes]:
    """``[x.to_json() for x in lists]``, the same bytes, with the bitset-backed id lists done in batches.

    One list at a time, each bitset is unpacked over the whole graph (10,000 flags for a list of
    40 ids at 10,000 components): a few microseconds of fixed cost, a tenth of a second over the
    30,000 lists of the output. In batches, one ``unpackbits`` and one ``nonzero`` serve hundreds
    of lists, and each list is one join over its slice of the names.
    """
    out: list[bytes | None] = [None] * len(lists)
    by_graph: dict[int, list[int]] = {}
    for k, x in enumerate(lists):
        if type(x) is IdList and x._list is None and x._n > 0 and (callable(x._bits) or type(x._bits) is int):
            by_graph.setdefault(id(x._graph), []).append(k)
        else:
            out[k] = x.to_json()
    for todo in by_graph.values():
        graph = lists[todo[0]]._graph
        q = _quoted(graph)
        n = len(q)
        nbytes = (n + 7) // 8
        step = max(1, _BATCH_FLAGS // max(n, 1))
        for lo in range(0, len(todo), step):
            batch = todo[lo:lo + step]
            raw = b"".join([lists[k].bits.to_bytes(nbytes, "little") for k in batch])
            flags = np.unpackbits(np.frombuffer(raw, dtype=np.uint8).reshape(len(batch), nbytes),
                                  axis=1, count=n, bitorder="little").view(bool)
            hits = np.flatnonzero(flags)  # row-major: each row's ids in ascending order
            names = q[hits % n].tolist()
            ends = np.cumsum(np.bincount(hits // n, minlength=len(batch))).tolist()
            start = 0
            for k, end in zip(batch, ends):
                out[k] = b"[" + b",".join(names[start:end]) + b"]"
                start = end
    return out


def plain(x):
    """``x`` with lazy lists turned into plain lists (for dicts, lists and the lazy types)."""
    if isinstance(x, (IdList, Chain)):
        return x.tolist()
    return x


def json_default_factory(encoded: dict | None = None):
    """A ``default`` for ``orjson.dumps``: lazy lists as pre-encoded JSON fragments, each
    encoded once per document (the instance SPOFs of a component share their lists).
    ``encoded``: fragments already made, by ``id()`` of the list (kept alive by the caller)."""
    memo: dict[int, orjson.Fragment] = dict(encoded) if encoded else {}

    def default(obj):
        if isinstance(obj, (IdList, Chain)):
            frag = memo.get(id(obj))
            if frag is None:
                frag = memo[id(obj)] = orjson.Fragment(obj.to_json())
            return frag
        raise TypeError(f"not JSON serializable: {type(obj).__name__}")

    return default
