"""The routing facts the planner needs when tasks become due: which adapters are on, the
brand's explicit routes, WeCom's monthly mass-send allowance."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy.engine import Connection

from siyu.channels.delivery_settings import DeliverySettings
from siyu.channels.routing import INBOX, route, route_key, unavailable_reason
from siyu.channels.wecom.config import WeComSettings
from siyu.core.reasons import Reason


@dataclass(frozen=True)
class Routing:
    enabled: frozenset[str] = frozenset({INBOX})
    overrides: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    monthly_mass_sends: int = WeComSettings.model_fields["monthly_mass_sends"].default

    def adapter_for(self, *, mode: str, channel: str) -> str:
        return route(route_key(mode=mode, channel=channel), enabled=self.enabled, overrides=self.overrides)

    def why_not(self, channel: str) -> Reason:
        return unavailable_reason(channel, enabled=self.enabled, overrides=self.overrides)

    @property
    def digest_adapter(self) -> str:
        return route("digest", enabled=self.enabled, overrides=self.overrides)

    @classmethod
    def load(cls, conn: Connection) -> Routing:
        from siyu.channels import stored as channels  # the service imports every adapter: only when loading

        configs = channels.load_all(conn)
        enabled = frozenset(name for name, config in configs.items() if config.enabled and name != "delivery")
        delivery: Any = configs["delivery"].model()
        assert isinstance(delivery, DeliverySettings)
        limit = cls.monthly_mass_sends
        if "wecom" in enabled:
            wecom = configs["wecom"].model()
            assert isinstance(wecom, WeComSettings)
            limit = wecom.monthly_mass_sends
        return cls(enabled | {INBOX}, MappingProxyType(dict(delivery.routes)), limit)
