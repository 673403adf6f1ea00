"""Chinese personal names (and the WeCom nicknames some customers use)."""

from __future__ import annotations

import random

from siyu.demo.catalog import FEMALE_GIVEN, MALE_GIVEN, NICKNAMES, SURNAMES
from siyu.demo.draws import pick


def person_name(rng: random.Random, gender: str) -> str:
    """A surname and a given name that fits `gender` (female, male, or "" for either)."""
    if gender == "female" or (gender == "" and rng.random() < 0.6):
        given = pick(rng, FEMALE_GIVEN)
    else:
        given = pick(rng, MALE_GIVEN)
    return pick(rng, SURNAMES) + given


def nickname(rng: random.Random) -> str:
    return pick(rng, NICKNAMES)
