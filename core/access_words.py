"""What an access-log row's `what` code means, in words a registered person and an enhetschef can read.

The log stores short codes (`case_page`, `insats_tidsredovisning`, `utlamnande:2`): ids and codes, never
personal data. Loggkontroll, its CSV and the loggutdrag given to the person concerned show these words instead.
"""

from django.utils.translation import gettext_lazy as _

WHAT_WORDS = {
    "home": _("Startsidan (att göra)"),
    "my_cases": _("Mina ärenden"),
    "planning": _("Planering"),
    "list": _("En lista"),
    "search": _("Sökning"),
    "person_page": _("Personens sida"),
    "person_edit": _("Ändring av personuppgifter"),
    "person_history": _("Personens ändringshistorik"),
    "case_page": _("Ärendets sida"),
    "case_open": _("Nytt ärende"),
    "case_close": _("Avslut av ärende"),
    "case_reassign": _("Byte av handläggare"),
    "case_history": _("Ärendets ändringshistorik"),
    "case_sharing": _("Delning av ärendet med annan enhet"),
    "case_pdf": _("Utskrift av ärendet"),
    "entry_edit": _("Ändring av journalanteckning"),
    "entry_sign": _("Signering av journalanteckning"),
    "entry_correct": _("Rättelse av journalanteckning"),
    "insats_page": _("Insatsens sida"),
    "plan": _("Planen"),
    "plan_pdf": _("Utskrift av planen"),
    "ungdomstjanst_pdf": _("Utskrift av rapport om ungdomstjänst"),
    "medling_pdf": _("Utskrift av rapport om medling"),
    "aslan_group": _("ASLAN-grupp"),
    "protected_identity_access": _("Behörighet till skyddad identitet"),
    "loggkontroll": _("Loggkontroll"),
    "loggkontroll_csv": _("Loggkontroll, export"),
    "api_person_list": _("Lista över personer (API)"),
    "api_person": _("Person (API)"),
    "api_case_list": _("Lista över ärenden (API)"),
    "api_case": _("Ärende (API)"),
    "admin": _("Administrationen"),
    "journalutskrift": _("Journalutskrift"),
    "journal_print_form": _("Journalutskrift"),
    "dokument": _("En inkommen handling i akten"),
    "aktbilaga": _("En aktbilaga i akten"),
}
# codes with a variable part: the longest matching prefix decides
WHAT_PREFIXES = (
    ("insats_rad_", _("Rättelse av registrerad uppgift i insatsen")),
    ("insats_", _("Formulär på insatsens sida")),
    ("plan_", _("Formulär i planen")),
    ("utlamnande:", _("Utlämnande av uppgifter till annan")),
    ("loggutdrag_", _("Loggutdrag om personen")),
    ("registerutdrag_", _("Registerutdrag om personen")),
)


def what_words(code: str) -> str:
    """The code of an access-log row in words; an unknown code says it is another page, not the code."""
    if code in WHAT_WORDS:
        return str(WHAT_WORDS[code])
    for prefix, words in WHAT_PREFIXES:
        if code.startswith(prefix):
            return str(words)
    return str(_("Annan sida"))
