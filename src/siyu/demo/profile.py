"""Who a customer is: name, gender, birthday, where they came from, city, skin type, pet, and
the interests (减脂, 试听课) that shape what they buy and say."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from siyu.demo.catalog import (
    CITIES,
    PET_NAMES,
    PET_TYPES,
    REFERRAL_SOURCE,
    SKIN_TYPES,
    SOURCES,
    Source,
)
from siyu.demo.clock import DAY
from siyu.demo.daytime import CHAT_HOURS, at_hour
from siyu.demo.draws import below, between, pick
from siyu.demo.names import nickname, person_name
from siyu.demo.world import World

FEMALE_SHARE = 0.70
MALE_SHARE = 0.25  # the rest leave gender blank
BIRTHDAY_SHARE = 0.78
LEAP_DAY_SHARE = 0.004  # of customers with a birthday: born on 29 Feb
PET_SHARE = 0.13
DIET_SHARE = 0.08
TRIAL_SHARE = 0.06
EMPLOYEE_SHARE = 0.002
NICKNAME_SHARE = 0.15


def _weighted(items: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    return tuple(name for name, weight in items for _ in range(weight))


_CITY_TABLE = _weighted(CITIES)
_SKIN_TABLE = _weighted(SKIN_TYPES)
_PET_TYPE_TABLE = _weighted(PET_TYPES)
_SOURCE_TABLE = tuple(source for source in SOURCES for _ in range(source.weight))
_LEAP_YEARS = tuple(year for year in range(1964, 2005, 4))


@dataclass(frozen=True, slots=True)
class Pet:
    name: str
    kind: str
    vaccine_due: int  # local day number


@dataclass(frozen=True, slots=True)
class Profile:
    index: int
    name: str
    owner: str
    gender: str  # female | male | "" (unknown)
    birthday: date | None
    source: Source
    channel: str
    referrer: int | None  # customer index
    campaign: bool  # added through the 双11 fission campaign
    added: int  # wall seconds of friend_added
    city: str
    skin_type: str
    pet: Pet | None
    diet: bool  # interested in 减脂
    trial: bool  # interested in the trial class (试听课意向)
    employee: bool
    fission: bool  # takes part in 双11裂变活动


def _birthday(rng: random.Random) -> date | None:
    if rng.random() >= BIRTHDAY_SHARE:
        return None
    if rng.random() < LEAP_DAY_SHARE:
        return date(pick(rng, _LEAP_YEARS), 2, 29)
    year = int(rng.triangular(1962, 2007, 1992))
    return date(year, 1, 1) + timedelta(days=below(rng, 365))


def draw_profile(world: World, index: int, rng: random.Random) -> Profile:
    clock = world.clock
    added = min(at_hour(rng, world.curve.day_of(index), CHAT_HOURS), clock.now_s)
    draw = rng.random()
    gender = "female" if draw < FEMALE_SHARE else "male" if draw < FEMALE_SHARE + MALE_SHARE else ""
    employee = rng.random() < EMPLOYEE_SHARE
    guides = world.guide_ids
    owner = pick(rng, guides)
    if employee:
        colleague = pick(rng, world.staff.members)
        name = colleague.name
    elif rng.random() < NICKNAME_SHARE:
        name = nickname(rng)
    else:
        name = person_name(rng, gender)
    source = pick(rng, _SOURCE_TABLE)
    channel = "员工活码" if employee else source.channel
    referrer: int | None = None
    campaign = False
    window = world.fission.window
    if not employee and window.contains(added) and rng.random() < 0.45:
        referrer = world.fission.pick_referrer(rng)
        campaign = referrer is not None
        if campaign:
            source, channel = REFERRAL_SOURCE, REFERRAL_SOURCE.channel
    elif source is REFERRAL_SOURCE:
        earlier = world.curve.first_index_from(added // DAY)  # friends since an earlier day
        referrer = below(rng, earlier) if earlier > 0 else None
    pet: Pet | None = None
    if rng.random() < PET_SHARE:
        pet = Pet(
            pick(rng, PET_NAMES),
            pick(rng, _PET_TYPE_TABLE),
            clock.now_day + between(rng, -40, 151),
        )
    return Profile(
        index=index,
        name=name,
        owner=owner,
        gender=gender,
        birthday=_birthday(rng),
        source=source,
        channel=channel,
        referrer=referrer,
        campaign=campaign,
        added=added,
        city=pick(rng, _CITY_TABLE),
        skin_type=pick(rng, _SKIN_TABLE),
        pet=pet,
        diet=rng.random() < DIET_SHARE,
        trial=rng.random() < TRIAL_SHARE,
        employee=employee,
        fission=world.fission.is_participant(index),
    )
