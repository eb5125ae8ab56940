"""A short-lived cache both app nodes share: Redis when CACHE_URL names one, else this process's
memory (one node, or figures that may differ between workers for a few seconds).

Values are JSON (numbers, strings, lists, dicts): what is cached are figures, never objects. A
cache that does not answer is skipped, not an error: the value is computed again.
"""

import json
import logging
import threading
import time
from collections.abc import Callable

from flask import current_app

log = logging.getLogger("observe.cache")
_PREFIX = "observe:cache:"
_local: dict[str, tuple[float, str]] = {}
_local_lock = threading.Lock()
_LOCAL_KEPT = 512
_clients: dict[str, object] = {}


def _redis():
    url = current_app.config.get("CACHE_URL") or ""
    if not url:
        return None
    if url not in _clients:
        import redis

        _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5,
                                             socket_connect_timeout=0.5)
    return _clients[url]


def get_or_set(key: str, seconds: float, compute: Callable[[], object]):
    """The cached value of `key`, or compute() kept for `seconds` (JSON-serialisable values)."""
    client = _redis()
    if client is None:
        return _local_get_or_set(key, seconds, compute)
    try:
        stored = client.get(_PREFIX + key)
    except Exception:  # noqa: BLE001  a cache that does not answer is skipped
        log.warning("cache unavailable; computing %s", key)
        return compute()
    if stored is not None:
        return json.loads(stored)
    value = compute()
    try:
        client.set(_PREFIX + key, json.dumps(value, default=str), px=int(seconds * 1000))
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; %s not kept", key)
    return value


def forget(key: str) -> None:
    """Drop one key (after a change the cached figures must show at once)."""
    with _local_lock:
        _local.pop(key, None)
    client = _redis()
    if client is not None:
        try:
            client.delete(_PREFIX + key)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable; %s not dropped", key)


def _local_get_or_set(key: str, seconds: float, compute: Callable[[], object]):
    now = time.monotonic()
    with _local_lock:
        hit = _local.get(key)
    if hit is not None and hit[0] > now:
        return json.loads(hit[1])
    value = compute()
    with _local_lock:
        if len(_local) >= _LOCAL_KEPT:
            _local.clear()  # a handful of dashboards: a full cache is a leak, start again
        _local[key] = (now + seconds, json.dumps(value, default=str))
    return json.loads(_local[key][1])
