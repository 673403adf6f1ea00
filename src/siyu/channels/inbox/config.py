"""The inbox needs no settings; it is always on."""

from __future__ import annotations

from siyu.channels.settings import ChannelSettings


class InboxSettings(ChannelSettings):
    pass
