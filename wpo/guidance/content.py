"""Short help per role and per phase or step, written for this product.

The method comes from the coach's manual and the WPO basic product (shared/seeds); the words are
ours: short lines for a phone on the shop floor, B1 for staff and A2 for participants. Every text
is Dutch source inside ``gettext_lazy``. ``tests/test_guidance.py`` keeps it complete and short:
every Step and Phase covered, each line at most ``MAX_LINE`` characters (``MAX_PARTICIPANT_LINE``
for participants), and the Flesch-Douma reading ease of each topic high enough.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import Role
from wpo.trajectories.models import Phase, Step

Text = str | Promise

MAX_LINE = 140
MAX_PARTICIPANT_LINE = 90


class Kind(StrEnum):
    STEP = "step"
    PHASE = "phase"
    TOPIC = "topic"


@dataclass(frozen=True)
class Topic:
    """One piece of help: a phase, a step or a theme, with an anchor on the role's help page."""

    anchor: str
    title: Text
    do: tuple[Text, ...]
    say: tuple[Text, ...] = ()
    look_for: tuple[Text, ...] = ()
    meetings: tuple[Text, ...] = ()
    pitfalls: tuple[Text, ...] = ()
    step: Step | None = None
    phase: Phase | None = None

    @property
    def kind(self) -> Kind:
        if self.step is not None:
            return Kind.STEP
        if self.phase is not None:
            return Kind.PHASE
        return Kind.TOPIC

    def lines(self) -> tuple[Text, ...]:
        return (self.title, *self.do, *self.say, *self.look_for, *self.meetings, *self.pitfalls)


@dataclass(frozen=True)
class Section:
    title: Text
    topics: tuple[Topic, ...]


@dataclass(frozen=True)
class Guide:
    """All help for one role."""

    role: Role
    slug: str  # the part of the address after /hulp/
    name: Text  # in links from other pages: "Hulp voor de deelnemer"
    title: Text  # the heading of the role's own page
    question: Text  # the summary of the box: "Wat doe je nu?"
    about: Text  # one line on the index page
    intro: Text
    sections: tuple[Section, ...]
    # The coach's and the project manager's help follows a trajectory's phases; the trainer's and
    # the participant's follows the steps of an assignment.
    by_phase: bool = False

    @property
    def url_name(self) -> str:
        return f"guidance:{self.role.value}"

    def url(self, topic: Topic | None = None) -> str:
        base = reverse(self.url_name)
        return f"{base}#{topic.anchor}" if topic else base

    @property
    def topics(self) -> tuple[Topic, ...]:
        return tuple(topic for section in self.sections for topic in section.topics)

    def for_step(self, step: Step | str) -> Topic | None:
        return next((t for t in self.topics if t.step is not None and t.step == step), None)

    def for_phase(self, phase: Phase | int) -> Topic | None:
        return next((t for t in self.topics if t.phase is not None and t.phase == phase), None)

    def for_anchor(self, anchor: str) -> Topic | None:
        return next((t for t in self.topics if t.anchor == anchor), None)


# Anchors of the steps, the same for every role: /hulp/werkplekopleider/#stap-aan-de-slag.
STEP_ANCHORS: dict[Step, str] = {
    Step.INTRODUCED: "stap-klaargezet",
    Step.PRACTISING: "stap-oefenen",
    Step.WORKING: "stap-aan-de-slag",
    Step.LOOKING_BACK: "stap-terugkijken",
    Step.INDEPENDENT: "stap-zelfstandig",
    Step.ASSESSING: "stap-beoordelen",
    Step.ACHIEVED: "stap-behaald",
    Step.STOPPED: "stap-gestopt",
}
PHASE_ANCHORS: dict[Phase, str] = {
    Phase.START: "fase-start",
    Phase.LEARN_WORK: "fase-leren-en-werken",
    Phase.EVALUATION: "fase-evaluatie",
    Phase.CLOSING: "fase-afsluiting",
}


def _step(
    step: Step,
    *,
    do: tuple[Text, ...],
    say: tuple[Text, ...] = (),
    look_for: tuple[Text, ...] = (),
    pitfalls: tuple[Text, ...] = (),
) -> Topic:
    """The trainer's help for one step, titled with the step's own name as the app shows it."""
    return Topic(
        anchor=STEP_ANCHORS[step], title=step.label, step=step, do=do, say=say, look_for=look_for, pitfalls=pitfalls
    )


def _phase(
    phase: Phase,
    *,
    do: tuple[Text, ...],
    look_for: tuple[Text, ...] = (),
    meetings: tuple[Text, ...] = (),
    pitfalls: tuple[Text, ...] = (),
) -> Topic:
    """The coach's help for one phase, titled with the phase's number and name as the app shows them."""
    return Topic(
        anchor=PHASE_ANCHORS[phase],
        title=format_lazy(_("Fase {number}: {name}"), number=phase.value, name=phase.label),
        phase=phase,
        do=do,
        look_for=look_for,
        meetings=meetings,
        pitfalls=pitfalls,
    )


COACH = Guide(
    role=Role.COACH,
    by_phase=True,
    slug="coach",
    name=_("Hulp voor de coach"),
    title=_("Hulp voor de coach"),
    question=_("Wat doe je nu als coach?"),
    about=_("Je helpt de werkplekopleiders en houdt het overzicht. Per fase wat je doet."),
    intro=_("Jij helpt de werkplekopleiders. Je houdt het overzicht over alle trajecten. Dit doe je in elke fase."),
    sections=(
        Section(
            _("De vier fasen van een WPO-traject"),
            (
                _phase(
                    Phase.START,
                    do=(
                        _("Vraag de werkplekopleiders wie er wil meedoen. Zet hen bij Aanmeldingen."),
                        _("Elke afdeling heeft een wachtlijst. Bovenaan staat wie de volgende is."),
                        _("Is een plek vrij? Kies bij de volgende ‘Gestart’. Het traject staat dan in fase 1."),
                        _("Daarna voert de werkplekopleider het startgesprek. Dan gaat het traject naar fase 2."),
                        _("Past het nu niet? Kies ‘Niet nu’, met een reden. Zet een datum om het weer te vragen."),
                        _("Ga mee naar de eerste gesprekken als de werkplekopleider dat wil."),
                    ),
                    look_for=(
                        _("Kiest de deelnemer zelf een skill? Zijn eigen wens komt eerst."),
                        _("Hoeveel plekken heeft de afdeling? En hoeveel mensen zitten er nu in WPO?"),
                        _("Heeft de werkplekopleider tijd voor WPO, naast het werk?"),
                        _("Kent een nieuwe werkplekopleider WPO nog niet? Leg het dan uit."),
                        _("Kan elke deelnemer inloggen, bijvoorbeeld met een inlogkaart?"),
                    ),
                    meetings=(
                        _("Startbijeenkomst: nodig de deelnemers, hun werkplekopleiders en de projectmanager uit."),
                        _("Plan je hem bij Bijeenkomsten? Dan staat de wachtlijst al aangevinkt."),
                        _("Wie je uitnodigt, staat daarna op ‘uitgenodigd voor de start’."),
                        _("Zo ziet iedereen wie er meedoet en wie er helpt."),
                    ),
                    pitfalls=(
                        _("Start niet met te veel deelnemers tegelijk op één afdeling."),
                        _("De werkplekopleider voert het startgesprek. Jij helpt alleen."),
                    ),
                ),
                _phase(
                    Phase.LEARN_WORK,
                    do=(
                        _("Ga vaak langs bij de afdelingen. Zet het vast in je agenda."),
                        _("Vraag hoe het gaat. Geef antwoord op vragen van werkplekopleiders."),
                        _("Kijk elke week bij Signalen. Welke opdracht loopt vast?"),
                        _("Los problemen samen op. Lukt dat niet? Ga dan naar de projectmanager."),
                        _("Doe de eerste gesprekken samen met een nieuwe werkplekopleider. Geef daarna tips."),
                        _("Heeft elk traject eens per kwartaal een tussentijdse evaluatie? Ga mee als het kan."),
                    ),
                    look_for=(
                        _("Een opdracht duurt meestal 1 tot 6 weken. Duurt het langer? Vraag waarom."),
                        _("Is er na twee weken ‘aan de slag’ nog niet teruggekeken?"),
                        _("Is er een gesprek gepland? Of is het lang stil?"),
                        _("Geeft de werkplekopleider vooral positieve feedback, met voorbeelden?"),
                        _("Passen de skills nog? Is de periode nog haalbaar? Dat bespreken ze in de evaluatie."),
                    ),
                    meetings=(
                        _("Intervisie: eens per kwartaal met de werkplekopleiders."),
                        _("Zij delen wat werkt en waar ze tegenaan lopen."),
                    ),
                    pitfalls=(
                        _("Neem het werk van de werkplekopleider niet over. Jij denkt mee."),
                        _("Het werk gaat door. Maar WPO mag niet stil komen te staan."),
                    ),
                ),
                _phase(
                    Phase.EVALUATION,
                    do=(
                        _("Fase 3 begint vanzelf als de laatste skill wordt beoordeeld, of met de eindevaluatie."),
                        _("Spreek met de werkplekopleider af of jij de tweede beoordelaar bent."),
                        _("Kijk bij Tweede beoordelaar welke gesprekken op jou wachten."),
                        _("Vraag de deelnemer: wat heb je geleerd? Hoe liet je dat zien?"),
                        _("Geef je eigen oordeel in de app. Het eerste oordeel zie je pas daarna."),
                        _("Verschillen jullie oordelen? Plan een kort gesprek met z'n drieën. Leg de uitkomst vast."),
                    ),
                    look_for=(
                        _("Liet de deelnemer de skill een week lang zelf zien? Kijk naar de afgevinkte dagen."),
                        _("Past het niveau bij wat deze deelnemer kan halen: A, B of C?"),
                        _("Heeft de werkplekopleider voorbeelden van wat hij zag?"),
                        _("Kijk soms bij Kalibratie: oordeelt iemand veel strenger of milder dan de rest?"),
                    ),
                    meetings=(
                        _("Het gesprek om te beoordelen: de werkplekopleider leidt, jij stelt vragen."),
                        _("De eindevaluatie: samen terugkijken op het hele traject. Ga mee als het kan."),
                    ),
                    pitfalls=(
                        _("Maak er geen examen van. De deelnemer moet zien wat hij heeft bereikt."),
                        _("Nog niet gehaald? Dan weer aan de slag. Dat is geen falen."),
                    ),
                ),
                _phase(
                    Phase.CLOSING,
                    do=(
                        _("Kijk of elke skill klaar is, op het hoogste niveau dat haalbaar is."),
                        _("Zorg dat elke deelnemer een certificaat krijgt."),
                        _("Regel samen met de werkplekopleiders de afsluiting en viering."),
                        _("Vertel de projectmanager wat er is bereikt."),
                        _("Sluit je een traject af? Je ziet dan wie de volgende is op de wachtlijst."),
                    ),
                    look_for=(
                        _("Is de afgesproken einddatum voorbij? Of duurt het traject langer dan een jaar?"),
                        _("Staan er nog opdrachten open? Rond ze af, of stop ze met een reden."),
                    ),
                    meetings=(
                        _("Afsluiting en viering: nodig deelnemers, werkplekopleiders en projectmanager uit."),
                        _("Geef daar de certificaten."),
                    ),
                    pitfalls=(
                        _("Sla het vieren niet over. Deelnemers zijn trots op hun certificaat."),
                        _("Denk aan de volgende groep. Na een tijd mogen anderen meedoen."),
                    ),
                ),
            ),
        ),
        Section(
            _("Elke dag"),
            (
                # The order of ``look_for`` is the severity of wpo/coaching/early_signals.py (SEVERITY).
                Topic(
                    anchor="signalen",
                    title=_("Signalen: één reden per traject"),
                    do=(
                        _("Op het Overzicht zie je per traject één reden: de belangrijkste."),
                        _("Klik op ‘+2 andere’. Dan zie je alle signalen van dat traject."),
                        _("Heb je het al opgepakt? Zet het signaal stil tot een datum. Schrijf erbij waarom."),
                        _("Na die datum telt het signaal weer mee. Wat je deed, blijft bewaard."),
                        _("Heb je het met de werkplekopleider besproken? Leg dat vast, met een korte notitie."),
                    ),
                    look_for=(
                        _("Welke reden gaat voor? Deze volgorde:"),
                        _("1. Wacht op tweede beoordelaar. De deelnemer wacht op ons."),
                        _("2. Lang niets gebeurd. Het traject staat misschien stil."),
                        _("3. Geen begeleidingsgesprek. De deelnemer werkt zonder hulp."),
                        _("4. Aan de slag zonder terugkijken. Hij leert minder van zijn werk."),
                        _("5. Traject over de tijd. Kies: verlengen of afsluiten."),
                        _("6. Geen tussentijdse evaluatie. Kijk samen naar het hele traject."),
                        _("7. Opdracht duurt lang. Vaak komt dat door een reden hierboven."),
                    ),
                    pitfalls=(
                        _("Zet een signaal niet stil om er vanaf te zijn. Het kan hooguit drie maanden."),
                        _("Een probleem, een volle afdeling of de intervisie los je op. Die zet je niet stil."),
                    ),
                ),
            ),
        ),
    ),
)


TRAINER = Guide(
    role=Role.TRAINER,
    slug="werkplekopleider",
    name=_("Hulp voor de werkplekopleider"),
    title=_("Hulp voor de werkplekopleider"),
    question=_("Wat doe je nu?"),
    about=_("Je leert de deelnemer een skill op de werkvloer. Per stap wat je doet en zegt."),
    intro=_("Jij bent de leermeester op de werkvloer. Het werk is de oefening. Dit doe je bij elke stap."),
    sections=(
        Section(
            _("Het begin"),
            (
                Topic(
                    anchor="aanmelden",
                    title=_("Iemand aanmelden"),
                    do=(
                        _("Wil iemand van je afdeling meedoen met WPO? Meld hem of haar aan bij Aanmeldingen."),
                        _("Vraagt de medewerker het zelf? Kies dan ‘de medewerker zelf’."),
                        _("De medewerker komt op de wachtlijst van je afdeling."),
                        _("De coach kijkt wanneer er een plek vrij is. Dan start het traject."),
                    ),
                    say=(_("Wil jij iets leren op je werk? Dan zet ik je op de lijst voor WPO."),),
                    look_for=(_("Hoeveel plekken heeft je afdeling? Op de wachtlijst zie je wie er voor gaat."),),
                    pitfalls=(_("Beloof geen datum. De coach kijkt samen met de afdeling wie de volgende is."),),
                ),
                Topic(
                    anchor="startgesprek",
                    title=_("Het startgesprek"),
                    do=(
                        _("Zoek een rustige plek en neem de tijd."),
                        _("Staat iemand op ‘wacht op het startgesprek’? Die staat bovenaan de lijst."),
                        _("Leg uit wat WPO is: leren op je eigen werkplek, terwijl je werkt."),
                        _("Vraag eerst naar de wensen van de deelnemer. Schrijf ze op in de app."),
                        _("Kies samen één of twee skills met de skill-keuzekaart."),
                        _("Spreek de periode af en zet de eerste opdracht klaar."),
                        _("Maak de inlogkaart met pincode en geef die mee."),
                    ),
                    say=(
                        _("Waar wil jij beter in worden? Wat vind je moeilijk?"),
                        _("Ik zie dat je het lastig vindt om hulp te vragen. Herken je dat?"),
                    ),
                    look_for=(
                        _("Laat de deelnemer eerst zelf kiezen. Geef daarna pas je eigen idee."),
                        _("Zeg wat je verwacht: je best doen, vragen stellen, de opdracht doen."),
                    ),
                    pitfalls=(_("Kies niet te veel skills tegelijk. Eén of twee is genoeg."),),
                ),
            ),
        ),
        Section(
            _("De stappen van een WPO-opdracht"),
            (
                _step(
                    Step.INTRODUCED,
                    do=(
                        _("Leg de opdracht uit: wat gaat de deelnemer leren, en hoe?"),
                        _("Lees de tips voor jou bij ‘Uitleg en aanpassing werk’."),
                        _("Bedenk hoe je het werk aanpast, zodat de deelnemer kan oefenen. Leg dat vast."),
                        _("Laat zien waar de opdracht staat op de telefoon of tablet."),
                    ),
                    say=(_("Deze opdracht gaat over hulp vragen. Eerst oefen je op de telefoon, dan op het werk."),),
                    look_for=(_("Snapt de deelnemer wat de bedoeling is? Laat het in eigen woorden zeggen."),),
                    pitfalls=(_("Geef niet meer dan één nieuwe opdracht tegelijk."),),
                ),
                _step(
                    Step.PRACTISING,
                    do=(
                        _("De deelnemer doet het oefendeel: een filmpje en een paar vragen."),
                        _("Geef tijd en een rustige plek om te oefenen."),
                        _("Help bij het lezen, of laat de app voorlezen met de knop ‘Lees voor’."),
                    ),
                    say=(_("Neem er rustig de tijd voor. Vraag het mij als iets niet duidelijk is."),),
                    look_for=(_("Loopt de deelnemer vast? Doe dan de eerste vraag samen."),),
                    pitfalls=(_("Het oefendeel is geen toets. Fouten mogen: de app legt uit hoe het wel moet."),),
                ),
                _step(
                    Step.WORKING,
                    do=(
                        _("De deelnemer doet deze week de opdracht op het werk."),
                        _("Pas het werk aan zoals je hebt afgesproken."),
                        _("Vraag af en toe hoe het gaat. Geef een kleine tip."),
                        _("Schrijf op wat je ziet, met de knop ‘Observatie’."),
                        _("Plan het gesprek om terug te kijken, over 1 tot 2 weken."),
                    ),
                    say=(_("Ik zag net dat je om hulp vroeg. Dat ging goed!"),),
                    look_for=(
                        _("Kijk naar wat de deelnemer doet en zegt. Niet naar hoe je denkt dat hij is."),
                        _("Zie je dat het beter gaat? Zeg het meteen."),
                    ),
                    pitfalls=(_("Wacht niet tot het gesprek. Geef je feedback direct, tijdens het werk."),),
                ),
                _step(
                    Step.LOOKING_BACK,
                    do=(
                        _("Voer het gesprek op de afgesproken tijd, in een rustige ruimte."),
                        _("Kijk samen naar de antwoorden van de deelnemer op de terugkijkvragen."),
                        _("Vraag eerst: wat deed je, en wat heb je geleerd?"),
                        _("Vertel daarna wat jij zag. Geef voorbeelden."),
                        _("Besluit samen: is het doel gehaald? Zo niet, dan nog een keer aan de slag."),
                    ),
                    say=(_("Wat ging er goed? Wat doe je de volgende keer anders?"),),
                    look_for=(_("Kan de deelnemer zelf zeggen wat hij anders deed?"),),
                    pitfalls=(_("Nog niet gehaald is normaal. Herhalen hoort bij leren."),),
                ),
                _step(
                    Step.INDEPENDENT,
                    do=(
                        _("De deelnemer laat een week lang zien dat hij de skill zelf kan."),
                        _("Help nu niet. Kijk alleen, en schrijf op wat je ziet."),
                        _("Vink elke dag af: liet de deelnemer het zelf zien? Ja of nee, met een korte notitie."),
                        _("Wil je de coach als tweede beoordelaar? Vraag het op tijd."),
                        _("Plan het gesprek om te beoordelen, aan het eind van de week."),
                    ),
                    say=(_("Deze week help ik je niet. Laat maar zien dat je het zelf kunt."),),
                    look_for=(_("Doet de deelnemer het ook zonder dat je het zegt? Ook als het druk is?"),),
                    pitfalls=(_("Geef geen hints. Anders zie je niet of het zelf lukt."),),
                ),
                _step(
                    Step.ASSESSING,
                    do=(
                        _("Begin het gesprek met de knop ‘Beoordelingsgesprek beginnen’."),
                        _("Kijk samen naar de afgevinkte dagen en naar wat ‘gehaald’ betekent."),
                        _("Laat de deelnemer eerst vertellen wat hij heeft geleerd."),
                        _("Geef je oordeel: behaald, of nog niet."),
                        _("Nog niet? Schrijf op wat hij nog gaat oefenen. Dan gaat hij weer aan de slag."),
                    ),
                    say=(_("Vertel eens: wat kun je nu, wat je eerst nog niet kon?"),),
                    look_for=(
                        _("Kijk naar wat je de hele week zag, niet naar één dag."),
                        _("Is de coach tweede beoordelaar? Jullie oordelen apart. Daarna zie je elkaars oordeel."),
                    ),
                    pitfalls=(
                        _("Maak het geen examen. Het gaat om wat de deelnemer op het werk laat zien."),
                        _("Verschillen jullie oordelen? Dan wint niemand. Praat kort met z'n drieën."),
                    ),
                ),
                _step(
                    Step.ACHIEVED,
                    do=(
                        _("Vier het succes. Zeg wat de deelnemer goed deed."),
                        _("Kies de volgende opdracht. Vaak is dat hetzelfde deel op een hoger niveau."),
                        _("Is dit het hoogste niveau dat haalbaar is? Rond de skill dan af."),
                        _("Zijn alle skills af? Sluit dan het WPO-traject af."),
                    ),
                    say=(_("Goed gedaan! Je vraagt nu zelf om hulp als je iets niet weet."),),
                    look_for=(_("Kan de deelnemer een hoger niveau aan? Of is dit zijn top?"),),
                    pitfalls=(_("Niet iedereen hoeft niveau C te halen. Het doel is het hoogste niveau dat past."),),
                ),
                _step(
                    Step.STOPPED,
                    do=(
                        _("Je stopt een opdracht alleen met een reden. Schrijf die kort op."),
                        _("Praat met de deelnemer over waarom jullie stoppen."),
                        _("Kies samen wat nu past: een andere opdracht, een lager niveau of even rust."),
                        _("Vertel het aan de coach."),
                    ),
                    say=(_("Deze opdracht past nu niet goed. Zullen we samen iets anders kiezen?"),),
                    look_for=(_("Komt het door het werk, door de planning of door de deelnemer zelf?"),),
                    pitfalls=(_("Stoppen is geen straf. Noem ook wat wel goed ging."),),
                ),
            ),
        ),
        Section(
            _("Tijdens het werk"),
            (
                Topic(
                    anchor="elke-dag",
                    title=_("Elke dag op de werkvloer"),
                    do=(
                        _("Kijk bij Mijn deelnemers wat nu van jou gevraagd wordt."),
                        _("Vraag tijdens het werk hoe het gaat met de opdracht."),
                        _("Schrijf kort op wat je ziet, met de knop ‘Observatie’."),
                        _("Plan de gesprekken op tijd. Zo staan ze in je agenda."),
                    ),
                    say=(_("Hoe gaat het met je opdracht?"),),
                    look_for=(_("Zoek de balans tussen het werk en het leren."),),
                    pitfalls=(_("Loop je ergens tegenaan? Vraag het de coach."),),
                ),
                Topic(
                    anchor="observeren",
                    title=_("Kijken en positieve feedback geven"),
                    do=(
                        _("Kijk naar gedrag dat je kunt zien en horen."),
                        _("Schrijf het meteen op: wat deed de deelnemer, waar en wanneer?"),
                        _("Begin je feedback met wat goed ging. Zeg precies wat je zag."),
                        _("Geef één tip voor de volgende keer, niet meer."),
                        _("Deel een observatie met de deelnemer als dat helpt."),
                    ),
                    say=(_("Je liet het meteen weten toen de machine stuk was. Goed gedaan!"),),
                    look_for=(_("Wat gaat nu beter dan vorige week?"),),
                    pitfalls=(_("Zeg niets over de persoon, zoals ‘je bent lui’. Zeg wat je zag."),),
                ),
                Topic(
                    anchor="tussentijdse-evaluatie",
                    title=_("De tussentijdse evaluatie"),
                    do=(
                        _("Kijk eens per kwartaal samen terug op het hele traject. Plan het bij het traject."),
                        _("De app vult al in wat de deelnemer heeft gehaald. Vul het aan."),
                        _("Vraag hoe de deelnemer zich erover voelt. Kies samen een gezicht."),
                        _("Schrijf zijn eigen woorden op, of laat hem het inspreken."),
                        _("Passen de skills nog? Zet er een bij, haal er een af of ruil. Schrijf op waarom."),
                        _("Meer tijd nodig? Verleng het traject: kies een nieuwe einddatum en schrijf op waarom."),
                        _("Is het traject bijna klaar? Kies ‘Eindevaluatie starten’. Dan begint fase 3."),
                    ),
                    say=(_("Wat heb je tot nu toe geleerd? Hoe voel je je daarover?"),),
                    look_for=(_("Past de skill nog bij het werk? En bij wat de deelnemer zelf wil?"),),
                    pitfalls=(
                        _("Gaat er een skill af met een lopende opdracht? Stop die opdracht eerst, met een reden."),
                    ),
                ),
                Topic(
                    anchor="werk-aanpassen",
                    title=_("Het werk aanpassen"),
                    do=(
                        _("Kies werk waarin de deelnemer de skill kan oefenen."),
                        _("Niveau A: bekend werk, met hulp. B: gewoon werk, wat meer zelf. C: nieuw of lastig werk."),
                        _("Geef bijvoorbeeld ander werk, een andere collega, meer haast of wat kritiek."),
                        _("Leg de aanpassing vast bij ‘Uitleg en aanpassing werk’."),
                    ),
                    say=(_("Deze week werk je samen met Kees. Zo oefen je met overleggen."),),
                    look_for=(_("Is het niet te zwaar, en ook niet te makkelijk?"),),
                    pitfalls=(_("Maak het stap voor stap moeilijker. Niet alles tegelijk."),),
                ),
                Topic(
                    anchor="tweede-beoordelaar",
                    title=_("De coach vragen als tweede beoordelaar"),
                    do=(
                        _("Vraag de coach als je twijfelt, of als je een tweede blik wilt."),
                        _("Doe dat voor het gesprek, met ‘Vraag de coach als tweede beoordelaar’."),
                        _("Spreek af wie wat vraagt in het gesprek."),
                        _("De coach geeft een eigen oordeel, zonder het jouwe te zien."),
                        _("Zijn jullie het eens? Dan zet de app de stap."),
                        _("Verschillen jullie? Plan een kort gesprek met de deelnemer erbij. Leg de uitkomst vast."),
                    ),
                    say=(_("Ik vraag de coach erbij. Zij wil graag horen wat je hebt geleerd."),),
                    pitfalls=(_("Geen van beide oordelen wint. Samen met de deelnemer kom je tot één uitkomst."),),
                ),
            ),
        ),
    ),
)


PROJECT_MANAGER = Guide(
    role=Role.PROJECT_MANAGER,
    by_phase=True,
    slug="projectmanager",
    name=_("Hulp voor de projectmanager"),
    title=_("Hulp voor de projectmanager"),
    question=_("Wat doe je nu als projectmanager?"),
    about=_("Je geeft WPO een vaste plek in de organisatie en laat zien wat het oplevert."),
    intro=_("Jij geeft WPO een vaste plek in de organisatie. Je maakt ruimte naast de productie."),
    sections=(
        Section(
            _("Jouw taken"),
            (
                Topic(
                    anchor="inbedden",
                    title=_("WPO een vaste plek geven"),
                    do=(
                        _("Zeg het hardop: leren is net zo belangrijk als productie."),
                        _("Spreek per afdeling af hoeveel deelnemers er tegelijk in WPO mogen."),
                        _("Zorg dat werkplekopleiders tijd vrij krijgen voor WPO."),
                        _("Maak afspraken met de bedrijfsleiders en de afdelingen."),
                        _("Laat WPO aansluiten bij andere opleidingen in jullie organisatie."),
                    ),
                    look_for=(
                        _("Zijn er afdelingen met meer deelnemers dan afgesproken?"),
                        _("Kunnen werkplekopleiders hun gesprekken in werktijd voeren?"),
                    ),
                    meetings=(_("Kom naar de startbijeenkomst en de afsluiting. Zo laat je zien dat WPO telt."),),
                    pitfalls=(_("Zonder tijd voor werkplekopleiders stopt WPO snel."),),
                ),
                Topic(
                    anchor="rapporteren",
                    title=_("Rapporteren aan opdrachtgevers"),
                    do=(
                        _("Kijk bij Rapportage hoeveel trajecten lopen, klaar zijn of gestopt."),
                        _("Kijk ook hoeveel mensen zich aanmelden, en hoeveel er op de wachtlijst staan."),
                        _("Bekijk per skill welke opdrachten zijn behaald."),
                        _("Kijk hoeveel tussentijdse evaluaties er waren, en hoe vaak een traject langer duurde."),
                        _("Vraag de bedrijfsleiders hoe het gaat en wat het oplevert."),
                        _("Deel de resultaten met opdrachtgevers, zoals de gemeente."),
                    ),
                    look_for=(_("Waarom stoppen trajecten? Dat zegt iets over de aanpak."),),
                    pitfalls=(_("Zet geen namen van deelnemers in een rapport voor buiten."),),
                ),
                Topic(
                    anchor="escalaties",
                    title=_("Als de coach een probleem meldt"),
                    do=(
                        _("Jij bent het aanspreekpunt van de coach."),
                        _("Luister, en vraag wat de coach al heeft geprobeerd."),
                        _("Los op wat de coach niet kan: tijd, mensen of afspraken met afdelingen."),
                        _("Spreek af wie wat doet, en wanneer. Laat de coach weten hoe het afliep."),
                    ),
                    look_for=(
                        _("Komen de problemen vaak van dezelfde afdeling?"),
                        _("Gaat het werk steeds voor het leren?"),
                    ),
                    pitfalls=(_("Wacht niet tot het traject voorbij is. Los het snel op."),),
                ),
            ),
        ),
    ),
)


PARTICIPANT = Guide(
    role=Role.PARTICIPANT,
    slug="deelnemer",
    name=_("Hulp voor de deelnemer"),
    title=_("Hulp"),
    question=_("Wat doe je nu?"),
    about=_("Wat de deelnemer bij elke stap doet, in heel eenvoudige woorden."),
    intro=_("Zo werk je aan een opdracht. Stap voor stap."),
    sections=(
        Section(
            _("Zo werk je aan een opdracht"),
            (
                Topic(
                    anchor="begin",
                    title=_("Het begin"),
                    do=(_("Je praat met je werkplekopleider. Samen kies je wat je wilt leren."),),
                ),
                Topic(
                    anchor="samen-terugkijken",
                    title=_("Samen terugkijken"),
                    do=(
                        _("Soms kijk je samen terug op je hele traject."),
                        _("Hoe gaat het? Kies een gezicht. Zeg het, of spreek het in."),
                        _("Op je pagina zie je wat jullie afspraken."),
                    ),
                ),
                Topic(
                    anchor=STEP_ANCHORS[Step.INTRODUCED],
                    title=_("1. Een nieuwe opdracht"),
                    step=Step.INTRODUCED,
                    do=(_("Je hebt een nieuwe opdracht."), _("Tik op Begin.")),
                ),
                Topic(
                    anchor=STEP_ANCHORS[Step.PRACTISING],
                    title=_("2. Oefenen"),
                    step=Step.PRACTISING,
                    do=(_("Kijk het filmpje. Maak de vragen."), _("Fout? Dat is niet erg. Je leert ervan.")),
                ),
                Topic(
                    anchor=STEP_ANCHORS[Step.WORKING],
                    title=_("3. Aan de slag"),
                    step=Step.WORKING,
                    do=(
                        _("Doe de opdracht op je werk. Snap je iets niet? Vraag het."),
                        _("Na een week kijk je terug."),
                    ),
                ),
                Topic(
                    anchor=STEP_ANCHORS[Step.LOOKING_BACK],
                    title=_("4. Terugkijken"),
                    step=Step.LOOKING_BACK,
                    do=(_("Hoe ging het? Geef antwoord op de vragen."), _("Dan praat je er samen over.")),
                ),
                Topic(
                    anchor=STEP_ANCHORS[Step.INDEPENDENT],
                    title=_("5. Zelf doen"),
                    step=Step.INDEPENDENT,
                    do=(_("Laat deze week zien dat je het zelf kunt."), _("Je doet het nu alleen.")),
                ),
                Topic(
                    anchor=STEP_ANCHORS[Step.ASSESSING],
                    title=_("6. Kun je het al?"),
                    step=Step.ASSESSING,
                    do=(_("Je hebt een gesprek."), _("Vertel wat je hebt geleerd.")),
                ),
                Topic(
                    anchor=STEP_ANCHORS[Step.ACHIEVED],
                    title=_("Gehaald!"),
                    step=Step.ACHIEVED,
                    do=(_("Goed gedaan! Je hebt de opdracht gehaald."), _("Straks krijg je een nieuwe.")),
                ),
                Topic(
                    anchor=STEP_ANCHORS[Step.STOPPED],
                    title=_("Gestopt"),
                    step=Step.STOPPED,
                    do=(_("Deze opdracht is gestopt."), _("Je praat samen over wat nu komt.")),
                ),
            ),
        ),
    ),
)

# In the order of the index page when the reader's own roles do not decide it.
GUIDES: tuple[Guide, ...] = (TRAINER, COACH, PROJECT_MANAGER, PARTICIPANT)

ROLE_ALIASES: dict[str, Role] = {
    **{role.value: role for role in Role},
    "werkplekopleider": Role.TRAINER,
    "deelnemer": Role.PARTICIPANT,
    "projectmanager": Role.PROJECT_MANAGER,
}


def guide_for(role: Role | str) -> Guide | None:
    """The help of a role, by ``Role`` or by its name in code or in Dutch ("trainer", "werkplekopleider")."""
    wanted = ROLE_ALIASES.get(str(role.value if isinstance(role, Role) else role).lower())
    return next((guide for guide in GUIDES if guide.role == wanted), None)
