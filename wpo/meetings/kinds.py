"""What each kind of meeting starts with: a title, an agenda, a length, and a URL word.

The agendas follow the coach's manual: the start meeting shows everyone who is involved in WPO,
the intervision is the werkplekopleiders' quarterly exchange of experiences and cases, and the
closing celebrates what the participants achieved, with their certificates.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Meeting


@dataclass(frozen=True)
class KindDefaults:
    kind: Meeting.Kind
    slug: str  # the word in the address: ?soort=intervisie
    title: Promise
    agenda: Promise
    duration_minutes: int
    explanation: Promise


START_AGENDA = _(
    "1. Welkom en kennismaken: wie zijn de deelnemers, de werkplekopleiders, de coach en de projectmanager?\n"
    "2. Wat is WPO? Je leert op je eigen werkplek, terwijl je aan het werk bent.\n"
    "3. Zo werkt een WPO-opdracht: filmpje, vragen, aan-de-slag-opdracht en samen terugkijken.\n"
    "4. Wie helpt je? Je werkplekopleider elke dag, de coach als het even niet lukt.\n"
    "5. Wat verwachten we van elkaar?\n"
    "6. Vragen\n"
    "7. Afspraken: wanneer is je eerste gesprek met je werkplekopleider?"
)

INTERVISION_AGENDA = _(
    "1. Welkom en het doel van vandaag\n"
    "2. Ronde ‘wat ging goed’: ieder vertelt één voorbeeld van de afgelopen tijd.\n"
    "3. Casus inbrengen: wie loopt ergens tegenaan? Kies samen één of twee casussen.\n"
    "4. Casus bespreken: eerst vragen stellen, dan tips geven. De inbrenger kiest wat hij gaat doen.\n"
    "5. Ruimte voor WPO naast de productie: wat helpt?\n"
    "6. Afspraken: wat nemen we mee en wie doet wat?\n"
    "7. Datum van de volgende intervisie"
)

CLOSING_AGENDA = _(
    "1. Welkom\n"
    "2. Terugkijken: de deelnemers vertellen wat ze hebben geleerd.\n"
    "3. Uitreiking van de certificaten\n"
    "4. Een woord van de werkplekopleiders en de projectmanager\n"
    "5. Samen vieren: iets lekkers, en een foto als iedereen dat goed vindt\n"
    "6. Hoe gaat het verder? Wie wil nog een skill leren?"
)

KINDS: tuple[KindDefaults, ...] = (
    KindDefaults(
        kind=Meeting.Kind.START,
        slug="start",
        title=_("Startbijeenkomst WPO"),
        agenda=START_AGENDA,
        duration_minutes=90,
        explanation=_("Voor de nieuwe deelnemers en hun werkplekopleiders. Iedereen ziet wie er meedoet aan WPO."),
    ),
    KindDefaults(
        kind=Meeting.Kind.INTERVISION,
        slug="intervisie",
        title=_("Intervisie werkplekopleiders"),
        agenda=INTERVISION_AGENDA,
        duration_minutes=120,
        explanation=_("Eens per kwartaal: werkplekopleiders delen ervaringen en bespreken samen een casus."),
    ),
    KindDefaults(
        kind=Meeting.Kind.CLOSING,
        slug="afsluiting",
        title=_("Afsluiting en viering WPO"),
        agenda=CLOSING_AGENDA,
        duration_minutes=90,
        explanation=_("Deelnemers ronden hun WPO-traject af. Het succes wordt gevierd en zij krijgen hun certificaat."),
    ),
)

BY_SLUG = {k.slug: k for k in KINDS}
BY_KIND = {k.kind: k for k in KINDS}
