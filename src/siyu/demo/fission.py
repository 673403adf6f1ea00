"""Who takes part in the 双11 fission campaign (双11裂变活动) and whom new friends name as their
referrer. Participation must be known for *any* customer without generating that customer, so
it is structural: customers added before the campaign are cut into blocks of `BLOCK`
consecutive numbers, and each block has exactly one participant at a hashed offset; a hashed
share of the blocks make their participant a "star" who draws most of the referrals, so that
some participants reach 6 referrals and more."""

from __future__ import annotations

import random

from siyu.demo.clock import DAY
from siyu.demo.draws import below
from siyu.demo.growth import AddCurve
from siyu.demo.hashing import stable_int, stable_unit
from siyu.demo.promotions import Window

BLOCK = 25
STAR_SHARE = 0.15
STAR_PICK = 0.7
REFERRED_SHARE = 0.45  # of the friends added during the campaign window


class Fission:
    __slots__ = ("_blocks", "_last", "_seed", "window")

    def __init__(self, seed: int, window: Window, curve: AddCurve) -> None:
        self._seed = seed
        self.window = window
        self._blocks = curve.first_index_from(window.start // DAY) // BLOCK
        self._last = (-1, -1)  # (block, its participant): customers come block by block

    def _participant_of(self, block: int) -> int:
        last_block, participant = self._last
        if block != last_block:
            participant = block * BLOCK + stable_int(self._seed, "fission", block) % BLOCK
            self._last = (block, participant)
        return participant

    def _is_star_block(self, block: int) -> bool:
        return stable_unit(self._seed, "fission-star", block) < STAR_SHARE

    def is_participant(self, index: int) -> bool:
        block = index // BLOCK
        return block < self._blocks and self._participant_of(block) == index

    def pick_referrer(self, rng: random.Random) -> int | None:
        """A participant, most often a star; None when nobody was added before the campaign."""
        if self._blocks == 0:
            return None
        if rng.random() < STAR_PICK:
            for _ in range(64):
                block = below(rng, self._blocks)
                if self._is_star_block(block):
                    return self._participant_of(block)
        return self._participant_of(below(rng, self._blocks))
