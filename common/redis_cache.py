"""The Redis cache backend of the settings: Django's, made cheaper per call, plus the rate limiter's counting in one
round trip.

- Django's backend builds a new redis-py client object for every call (≈ 0.2 ms of CPU each; a booking makes about
  thirty cache calls): here each connection pool gets one client object, reused (redis-py clients are thread-safe,
  and Django keeps one cache object per thread anyway).
- Keys are not checked for memcached's limits (`validate_key`): this is Redis.
- `set_many` stores its keys and their timeout with one script (EVALSHA), atomic as Django's MULTI/EXEC.
- `count_add_get` counts one attempt in several rate-limit windows and reads their previous windows in one round
  trip: one script (EVALSHA), atomic as a MULTI/EXEC of three commands per window would be, at a fraction of
  redis-py's CPU for fifteen queued commands and their replies (Django's add + incr + get take four round trips
  per window). With a claim (common.cache.Claim) it also adds a key if it is missing and reads others, in the same
  round trip: a booking page counts its rate limits and takes its draft's lock, reading the draft, its outcome and
  the browser's grants.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.commands.core import Script

from .cache import Claim

__all__ = ["RedisCache"]


# KEYS: the keys; ARGV: their values in the same order, then the timeout in seconds.
_SET_MANY = """
local timeout = ARGV[#ARGV]
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i], 'EX', timeout)
end
return #KEYS
"""


class _ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._set_many_script: Script | None = None

    def set_many(self, data, timeout) -> None:
        """Every key with its timeout in one script call, atomic as Django's MULTI of an MSET and an EXPIRE per key,
        at about half of redis-py's CPU for those queued commands and their replies. Without a timeout (None: kept;
        0: gone at once) Django's way."""
        if not timeout:
            super().set_many(data, timeout)
            return
        client = self.get_client(None, write=True)
        script = self._set_many_script
        if script is None:
            script = self._set_many_script = client.register_script(_SET_MANY)
        values = [self._serializer.dumps(value) for value in data.values()]  # type: ignore[attr-defined]
        script(keys=list(data), args=[*values, timeout], client=client)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's, not in the stubs
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


# The rate limiter's windows, and a lock taken with reads (common.cache.Claim) in the same round trip.
# KEYS: the current and previous key of each window, in turn; then, if a key is to be added, that key and the keys to
# read. ARGV: the number of windows, each window's timeout, then the value to add and its timeout in seconds.
# Returns each window's current count (after adding one) and previous window's count (0 when missing), in turn; then,
# with a key to add, 1 when it was added (0: it was there) and the values read (false for a missing key: nil to the
# client). SET NX EX before the INCR: a current key never lives without its timeout (an INCR alone would create one
# when it had just expired).
_COUNT_ADD_GET = """
local windows = tonumber(ARGV[1])
local reply = {}
for i = 1, windows do
  redis.call('SET', KEYS[2 * i - 1], 0, 'EX', ARGV[i + 1], 'NX')
  reply[2 * i - 1] = redis.call('INCR', KEYS[2 * i - 1])
  reply[2 * i] = tonumber(redis.call('GET', KEYS[2 * i]) or '0') or 0
end
local add = 2 * windows + 1
if #KEYS >= add then
  local added = redis.call('SET', KEYS[add], ARGV[windows + 2], 'NX', 'EX', ARGV[windows + 3])
  reply[add] = added and 1 or 0
  if #KEYS > add then
    local values = redis.call('MGET', unpack(KEYS, add + 1))
    for i = 1, #values do
      reply[add + i] = values[i]
    end
  end
end
return reply
"""


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient
        self._script: Script | None = None

    def validate_key(self, key: str) -> None:
        """Nothing to check: Redis takes any key. Django's check warns about keys that memcached would refuse (a
        regular expression behind a lazy object, run on every key of every call: about 2 % of a booking's CPU under
        load, sampled with py-spy)."""

    def count_add_get(self, items: list[tuple[str, str, int]], claim: Claim | None = None) -> list[tuple[int, int]]:
        """For each (current key, previous key, timeout): add one to the current key (created with the timeout when
        missing) and read the previous one; [(current count, previous count)] in the same order. With `claim`, also
        add its key if it is missing and read its keys, answered in the claim (Claim.added, Claim.found). One round
        trip, atomic: a window's key never outlives its timeout (an INCR of a key that expired a moment before would
        create it without one), and nothing runs between the add and the reads."""
        client = self._cache.get_client(write=True)
        script = self._script
        if script is None:
            script = self._script = client.register_script(_COUNT_ADD_GET)  # its SHA1; loaded on first use
        keys, args = [], [len(items)]
        for current, previous, timeout in items:
            keys += [self.make_and_validate_key(current), self.make_and_validate_key(previous)]
            args.append(timeout)
        serializer = self._cache._serializer  # type: ignore[attr-defined]  # Django's, not in the stubs
        read = {}
        if claim is not None:
            read = {self.make_and_validate_key(name): name for name in claim.read}
            keys += [self.make_and_validate_key(claim.key), *read]
            args += [serializer.dumps(claim.value), int(claim.timeout)]
        reply = script(keys=keys, args=args, client=client)
        windows = len(items)
        if claim is not None:
            claim.added = bool(reply[2 * windows])
            claim.found = {
                name: serializer.loads(raw)
                for name, raw in zip(read.values(), reply[2 * windows + 1 :], strict=True)
                if raw is not None
            }
        return [(int(reply[2 * i]), int(reply[2 * i + 1])) for i in range(windows)]
