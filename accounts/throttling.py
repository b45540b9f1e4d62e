"""Rate limits: DRF's throttles, reading their rates from the settings at each request.

DRF copies `DEFAULT_THROTTLE_RATES` into a class attribute when `rest_framework.throttling` is
imported, so a later change of the settings (override_settings, a reload) would not reach it.
Clients are told apart by user, or by address: `REST_FRAMEWORK["NUM_PROXIES"]` says how many
proxies' `X-Forwarded-For` entries to trust (none by default: the socket's address).
"""

from typing import cast

from rest_framework import throttling
from rest_framework.settings import api_settings


class _RatesFromSettings(throttling.SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # The stubs type the rates as numbers; DRF's settings hold strings such as "20/min".
        self.THROTTLE_RATES = cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)
        return super().get_rate()


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Anonymous callers, per address: the `anon` rate."""


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Signed-in callers, per user: the `user` rate."""


class ScopedRateThrottle(_RatesFromSettings, throttling.ScopedRateThrottle):
    """Views with a `throttle_scope` (`auth`: register, token, the login page): that scope's rate."""
