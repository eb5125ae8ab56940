"""Synthetic but valid people and places: names, IINs with their control digit, Kazakh mobile
numbers, districts and the regions' share of the country's polling stations."""

import random
from datetime import date, timedelta

from observe.observers.rules import iin_control_digit

# Roughly each region's share of the population (millions, 2024): stations follow voters.
REGION_WEIGHTS = {
    "abai": 0.61, "akmola": 0.79, "aktobe": 0.92, "almaty_region": 1.5, "atyrau": 0.69,
    "east_kazakhstan": 0.73, "zhambyl": 1.2, "zhetysu": 0.7, "west_kazakhstan": 0.68,
    "karaganda": 1.13, "kostanay": 0.83, "kyzylorda": 0.83, "mangystau": 0.77, "pavlodar": 0.75,
    "north_kazakhstan": 0.53, "turkistan": 2.1, "ulytau": 0.22, "astana": 1.4, "almaty": 2.2,
    "shymkent": 1.2,
}
CITY_DISTRICTS = {
    "almaty": ["Alatau", "Almaly", "Auezov", "Bostandyk", "Zhetysu", "Medeu", "Nauryzbay",
               "Turksib"],
    "astana": ["Almaty", "Baikonur", "Yesil", "Saryarka", "Nura"],
    "shymkent": ["Abay", "Al-Farabi", "Enbekshi", "Karatau", "Turan"],
}
SURNAMES = ["Абенов", "Ахметов", "Байжанов", "Жумабеков", "Касымов", "Нурланов", "Сейткали",
            "Тулегенов", "Омаров", "Иванов", "Ким", "Есенов", "Мухамеджанов", "Сагинтаев",
            "Кузнецов", "Бекмуханбетов", "Оспанов", "Искаков", "Рахимов", "Смагулов"]
MALE_NAMES = ["Айдар", "Ержан", "Нурлан", "Данияр", "Асхат", "Серик", "Арман", "Тимур",
              "Алексей", "Дмитрий", "Бауыржан", "Ермек", "Руслан", "Марат"]
FEMALE_NAMES = ["Айгерим", "Динара", "Гульнара", "Асель", "Жанар", "Мадина", "Алия", "Сауле",
                "Ольга", "Елена", "Камила", "Томирис", "Айжан", "Меруерт"]
MOBILE_CODES = ("700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777",
                "778")
LANGUAGE_SETS = (["kk", "ru"], ["ru"], ["kk"], ["kk", "ru", "other"], ["ru", "other"])
CHANNELS = ("telegram", "instagram", "facebook", "whatsapp", "website", "partner", "other")


def share(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` by weight (largest remainder), every key at least one when there is room."""
    keys = list(weights)
    floor = 1 if total >= len(keys) else 0
    rest = total - floor * len(keys)
    whole = sum(weights.values())
    exact = {k: rest * weights[k] / whole for k in keys}
    counts = {k: floor + int(exact[k]) for k in keys}
    left = total - sum(counts.values())
    for k in sorted(keys, key=lambda k: exact[k] - int(exact[k]), reverse=True)[:left]:
        counts[k] += 1
    return counts


def districts(region: str, count: int = 10) -> list[str]:
    """The region's districts: real ones for the three cities, numbered ones elsewhere."""
    return CITY_DISTRICTS.get(region) or [f"District {n}" for n in range(1, count + 1)]


def full_name(rng: random.Random) -> str:
    female = rng.random() < 0.55
    surname = rng.choice(SURNAMES) + ("а" if female and rng.random() < 0.8 else "")
    return f"{surname} {rng.choice(FEMALE_NAMES if female else MALE_NAMES)}"


class Identities:
    """Unique IINs and phone numbers, skipping any already taken in the database."""

    def __init__(self, rng: random.Random, taken_iins: set[str], taken_phones: set[str]):
        self.rng, self.iins, self.phones = rng, set(taken_iins), set(taken_phones)

    def iin(self) -> tuple[str, date]:
        """A valid IIN (its birth date, century/sex digit and control digit) and that date."""
        while True:
            birth = date(1955, 1, 1) + timedelta(days=self.rng.randrange(18_000))
            sex = self.rng.choice((1, 2)) + (2 if birth.year >= 1900 else 0) \
                + (2 if birth.year >= 2000 else 0)
            first = f"{birth:%y%m%d}{sex}{self.rng.randrange(10_000):04d}"
            control = iin_control_digit(first)
            if control is None or first + str(control) in self.iins:
                continue
            self.iins.add(first + str(control))
            return first + str(control), birth

    def phone(self) -> str:
        """A Kazakh mobile number in E.164 form, not used before."""
        while True:
            number = f"+7{self.rng.choice(MOBILE_CODES)}{self.rng.randrange(10_000_000):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number
