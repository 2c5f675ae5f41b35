"""Loaded once in the process that forks the shard workers (``multiprocessing``'s forkserver).

kiwipiepy's model takes about 500 MB. Workers forked from a process that already holds it
share those pages (they only read them), instead of each loading its own copy: two workers
hold one model, not two. The forkserver is a fresh single-threaded process, so forking it is
safe even when the parent runs pyarrow's and the HTTP client's threads.
"""

from newsflow.extract.entities import _kiwi
from newsflow.extract.registry import load_registry, registry_file

_kiwi().tokenize("준비")  # the model is loaded lazily: load it here, before any fork
load_registry(str(registry_file()))
