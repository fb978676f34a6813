"""A limit on failed logins per client address, over all accounts (against password spraying).

The per-account lockout (webapp/users.py) stops guessing many passwords for one account; it
does nothing against one client trying one common password on many accounts. This counts
failed logins per client address in a sliding window and refuses further attempts from that
address, without checking the password, until the oldest failure has left the window.

Why not Flask-Limiter: counting only failures there means "test before, deduct after the
response", so parallel requests all pass the test before any failure is deducted (tried: a
limit of 5 let 20 of 40 parallel guesses through). Here a request reserves its slot under a
lock before the password is checked, so parallel guesses cannot overshoot the limit.

The state lives in memory, one instance per app (`app.extensions`): with several app
processes each counts on its own, and a restart forgets the counts.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Addresses tracked at most; beyond that the least recently seen is forgotten, so a flood of
# addresses cannot exhaust memory (each entry holds at most `limit` timestamps).
MAX_TRACKED_ADDRESSES = 10_000


@dataclass(slots=True)
class _Client:
    failures: deque[float] = field(default_factory=deque)
    in_flight: int = 0


def client_key(address: str | None) -> str:
    """The bucket of a client address: IPv4 as is, IPv6 by its /64 network.

    One IPv6 subscriber usually holds a whole /64, so counting single IPv6 addresses would
    let one client rotate through billions of them.
    """
    if not address:
        return "unbekannt"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


class LoginThrottle:
    """Failed logins per client address in a sliding window; thread-safe, in memory.

    Use `reserve(address)` before checking a password (None: go ahead; a number: refuse and
    wait that many seconds) and `settle(address, failed=…)` after it, exactly once per
    successful reservation.
    """

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_addresses: int = MAX_TRACKED_ADDRESSES,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        # Replaceable so that tests can move time forward instead of sleeping.
        self.clock = clock
        self.max_addresses = max_addresses
        self._clients: OrderedDict[str, _Client] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """False when the limit is switched off (limit 0)."""
        return self.limit > 0

    def reserve(self, address: str | None) -> float | None:
        """Take a slot for one login attempt, or return the seconds until one is free."""
        if not self.enabled:
            return None
        key = client_key(address)
        with self._lock:
            now = self.clock()
            client = self._clients.get(key)
            if client is None:
                self._make_room(now)
                client = self._clients[key] = _Client()
            else:
                self._clients.move_to_end(key)
            self._expire(client, now)
            # Attempts still being checked count as failures until they are settled: forty
            # parallel guesses must not all slip in before the first failure is recorded.
            if len(client.failures) + client.in_flight >= self.limit:
                if len(client.failures) >= self.limit:
                    return max(1.0, client.failures[0] + self.window_seconds - now)
                return 1.0  # only in-flight attempts fill the limit: they end within seconds
            client.in_flight += 1
            return None

    def settle(self, address: str | None, *, failed: bool) -> None:
        """End a reserved attempt; a failed one counts against the address for the window."""
        if not self.enabled:
            return
        key = client_key(address)
        with self._lock:
            client = self._clients.get(key)
            if client is None:  # forgotten meanwhile (a flood of other addresses)
                client = self._clients[key] = _Client(in_flight=1)
            client.in_flight = max(0, client.in_flight - 1)
            if failed:
                client.failures.append(self.clock())

    def failures(self, address: str | None) -> int:
        """Failed logins of `address` within the current window (for tests and admins)."""
        with self._lock:
            client = self._clients.get(client_key(address))
            if client is None:
                return 0
            self._expire(client, self.clock())
            return len(client.failures)

    def _expire(self, client: _Client, now: float) -> None:
        while client.failures and client.failures[0] <= now - self.window_seconds:
            client.failures.popleft()

    def _make_room(self, now: float) -> None:
        """Drop idle addresses once the table is full, then the least recently seen."""
        if len(self._clients) < self.max_addresses:
            return
        for key in list(self._clients):
            client = self._clients[key]
            self._expire(client, now)
            if not client.failures and not client.in_flight:
                del self._clients[key]
        while self._clients and len(self._clients) >= self.max_addresses:
            self._clients.popitem(last=False)


def wait_minutes(seconds: float) -> int:
    """Whole minutes to tell a user who must wait `seconds` (at least 1)."""
    return max(1, math.ceil(seconds / 60))
