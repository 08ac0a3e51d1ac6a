"""Compiled templates, shared by every app in the process.

Jinja compiles a template (parse, generate Python, compile) the first time an environment loads
it, and each app has its own environment: a process that makes several apps (the tests make one
per test; `compliance` commands make one each) would compile the same templates again and again,
about 70 ms each. This cache keeps the compiled code in memory, keyed by the template's name and
the checksum of its source, so an edited template is compiled afresh.
"""

from __future__ import annotations

import threading

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)  # ignored when the source's checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        compiled = bucket.bytecode_to_string()
        with self._lock:
            self._compiled[bucket.key] = compiled

    def clear(self) -> None:
        with self._lock:
            self._compiled.clear()


BYTECODE_CACHE = MemoryBytecodeCache()
