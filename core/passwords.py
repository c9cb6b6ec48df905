"""Password validator against guessable passwords, offline (no breach service is reachable from a
municipality's server room, and a password must never leave it anyway).

Two checks, after Django's length, common-password and numeric validators:
1. A Swedish word that guessers try first (season, month, weekday, the municipality, the product, "lösenord",
   "välkommen") or the user's own name, followed only by digits and signs, or by a year and a short tail:
   "Sommar2024!", "Hanna123!!", "Vinter2025#abc".
   zxcvbn's dictionaries are English and its year rule stops at 2019, so it lets these through.
2. zxcvbn's estimate (its lists come from leaked password corpora, keyboard patterns, dates and sequences,
   with the words above and the user's details added): fewer than 10^8 guesses (score < 3) is refused.
"""

import re
import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

if TYPE_CHECKING:  # the validators are loaded by dotted path from the settings; no model import at run time
    from core.models import User

GUESSED_FIRST = [
    "vår", "var", "sommar", "sommaren", "höst", "hösten", "host", "vinter", "vintern", "våren", "jul", "julen",
    "påsk", "midsommar",
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
    "november", "december",
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    "lösenord", "losenord", "lösen", "välkommen", "valkommen", "hemlig", "hemligt", "sverige", "kommun",
    "socialtjänsten", "socialtjanst", "ungdomsinsats", "admin", "password", "qwerty",
]  # fmt: skip
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", about 10^8 guesses
LEADING_WORD = re.compile(r"^(?P<word>[^\W\d_]+)(?P<rest>.*)$")
YEAR = re.compile(r"(19|20)\d\d")
FEW_LETTERS = 3  # "Vinter2025#abc": a word, a year and a short tail is still a guess


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


class GuessablePasswordValidator:
    def _personal_words(self, user: "User | None") -> list[str]:
        if user is None:
            return []
        values = [getattr(user, name, "") or "" for name in ("username", "first_name", "last_name", "email")]
        return [_fold(part) for value in values for part in re.split(r"[\W_]+", value) if len(part) >= 3]

    def _only_decoration(self, rest: str) -> bool:
        """Digits and signs only, or a year and at most a few letters."""
        letters = [char for char in rest if char.isalpha()]
        return not letters or (YEAR.search(rest) is not None and len(letters) <= FEW_LETTERS)

    def validate(self, password: str, user: "User | None" = None) -> None:
        municipality = [_fold(part) for part in re.split(r"\W+", settings.MUNICIPALITY_NAME) if len(part) >= 3]
        municipality += [part[:-1] for part in municipality if part.endswith("s")]  # "Linköpings kommun"
        words = [_fold(word) for word in GUESSED_FIRST] + municipality + self._personal_words(user)
        pattern = LEADING_WORD.match(password)
        if pattern and _fold(pattern["word"]) in set(words) and self._only_decoration(pattern["rest"]):
            raise ValidationError(
                _(
                    "Lösenordet är ett ord som prövas först (årstid, månad, namn eller liknande) följt av "
                    "siffror och tecken. Välj i stället flera ord som inte hör ihop."
                ),
                code="password_word_and_digits",
            )
        if zxcvbn(password[:100], user_inputs=words)["score"] < MIN_SCORE:
            raise ValidationError(
                _(
                    "Lösenordet är för lätt att gissa: det liknar vanliga eller läckta lösenord, datum eller "
                    "tangentbordsmönster. Välj flera ord som inte hör ihop."
                ),
                code="password_guessable",
            )

    def get_help_text(self) -> str:
        return _("Lösenordet får inte vara lätt att gissa, t.ex. en årstid eller ett namn följt av ett årtal.")
