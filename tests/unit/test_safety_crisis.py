"""Crisis signals: what a teen writes, as they write it, reaches the mentors at the right level."""

from __future__ import annotations

import pytest

from chalicelib.safety import (
    SEVERITIES,
    CrisisDetector,
    help_lines,
    screen_message,
)
from chalicelib.safety.crisis import clauses
from chalicelib.safety.ngrams import default_scorer


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector.default()


def level(detector: CrisisDetector, text: str) -> str | None:
    verdict = screen_message(text, detector)
    return "danger" if verdict.kind == "danger" else verdict.severity


class TestWordOrderAndSpelling:
    @pytest.mark.parametrize(
        "text",
        [
            "i aften vil jeg ikke leve mere",  # verb second after an adverbial
            "nogle gange vil jeg bare ikke leve",
            "så gider jeg ikke leve",
            "jeg vil egentlig bare dø",  # inserted adverbs
            "jeg har virkelig ikke lyst til at leve mere",
            "efter skole i dag tænkte jeg igen på at slå mig selv ihjel",
        ],
    )
    def test_danish_word_order_and_inserted_words_are_understood(self, detector, text: str) -> None:
        assert screen_message(text, detector).crisis

    @pytest.mark.parametrize(
        "text",
        [
            "jeg vil ikk leeve mere",  # doubled letter, dropped letter
            "jeg har skaaret mig igen",  # aa for å
            "jeg onsker jeg var doed",  # oe for ø
            "selvmrod er alt jeg tænker på",  # one typo in a long word
            "i dont want to live anymore",  # English without apostrophes
            "jeg har lyst til at dø,ingen forstår mig",  # no space after a comma
            "i wanna diiie",
            "s3lvm0rd",
            "k m s",
            "im going to kill my self",
        ],
    )
    def test_spelling_as_teens_type_is_understood(self, detector, text: str) -> None:
        assert screen_message(text, detector).crisis

    def test_a_negation_keeps_a_wish_to_live_from_being_read_as_a_wish_to_die(self, detector) -> None:
        assert not screen_message("jeg vil ikke dø", detector).crisis
        assert screen_message("jeg vil dø", detector).crisis


class TestIdiomsStayHarmless:
    @pytest.mark.parametrize(
        "text",
        [
            "jeg døde af grin da han faldt",
            "jeg er død træt efter træning",
            "min mor slår mig ihjel hvis jeg kommer for sent hjem",
            "min lillebror slår mig altid i fifa",
            "jeg slår mig selv op på google haha",
            "jeg skar mig på en kniv da jeg lavede mad i går",
            "jeg cutter videoer til min youtube kanal",
            "jeg hænger ud med mine venner i weekenden",
            "jeg kan ikke leve uden chokolade",
            "that test killed me lol",
            "my mom is gonna kill me if i fail",
            "i'd rather die than go to gym class",
            "she is so cute omg",
            "i cut myself while cooking",
            "he beat me at chess again",
            "kys og kram til jer alle",
        ],
    )
    def test_everyday_idioms_are_not_flagged(self, detector, text: str) -> None:
        assert not screen_message(text, detector).crisis

    def test_an_idiom_does_not_hide_a_real_signal_in_the_same_message(self, detector) -> None:
        assert screen_message("jeg døde af grin i går men i dag vil jeg bare dø", detector).crisis

    def test_a_threat_to_kill_stays_danger_even_with_if(self, detector) -> None:
        assert level(detector, "han sagde han ville slå mig ihjel hvis jeg sagde det til nogen") == "danger"


class TestSeverity:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("jeg vil bare forsvinde", "concern"),
            ("i hope i dont wake up tomorrow", "concern"),
            ("jeg har skåret mig før men jeg er stoppet nu", "concern"),
            ("jeg vil ikke leve mere", "ideation"),
            ("jeg har cuttet mig igen", "ideation"),
            ("i want to kill myself", "ideation"),
            ("jeg har skrevet et afskedsbrev", "plan"),
            ("jeg har 40 panodil gemt på mit værelse", "plan"),
            ("i have worked out how", "plan"),
            ("jeg har taget 20 panodil", "acute"),
            ("i just took all my pills", "acute"),
            ("jeg står på broen og vil ikke leve mere", "acute"),
            ("jeg har allerede taget dem, farvel alle sammen", "acute"),
        ],
    )
    def test_each_message_gets_the_level_a_mentor_would_give_it(self, detector, text: str, expected: str) -> None:
        assert level(detector, text) == expected

    def test_levels_are_ordered_from_concern_to_acute(self) -> None:
        assert SEVERITIES == ("concern", "ideation", "plan", "acute")

    def test_taking_medicine_as_prescribed_is_no_overdose(self, detector) -> None:
        assert not screen_message("jeg tog en panodil for min hovedpine", detector).crisis
        assert not screen_message("jeg skal huske at tage mine piller hver morgen", detector).crisis

    def test_standing_on_a_platform_is_acute_only_next_to_a_crisis_signal(self, detector) -> None:
        assert not screen_message("jeg står på perronen og venter på toget", detector).crisis


class TestDangerFromOthers:
    @pytest.mark.parametrize(
        "text",
        [
            "min far slår mig",
            "i går slog min stedfar mig igen",
            "han truer med at dele mine billeder",
            "jeg tør ikke tage hjem i dag",
            "my stepdad beats me when hes drunk",
            "min onkel rører ved mig når ingen ser det",
        ],
    )
    def test_someone_hurting_or_threatening_the_teen_is_its_own_kind(self, detector, text: str) -> None:
        verdict = screen_message(text, detector)
        assert verdict.crisis and verdict.kind == "danger"

    def test_help_lines_for_danger_leave_out_the_suicide_line(self) -> None:
        names = [line["name"] for line in help_lines("concern", "danger")["lines"]]
        assert "Børnetelefonen" in names and "Livslinien" not in names


class TestHelpLines:
    def test_acute_help_lines_lead_with_112(self) -> None:
        lines = help_lines("acute")["lines"]
        assert [line["phone"] for line in lines] == ["112", "116 111", "70 201 201"]

    def test_other_levels_list_both_numbers_without_112_first(self) -> None:
        assert [line["phone"] for line in help_lines("ideation")["lines"]] == ["116 111", "70 201 201"]
        assert help_lines()["lines"][0]["phone"] == "116 111"

    def test_help_lines_are_data_the_client_words_by_id(self) -> None:
        """One home for visible text: the server names a line, web/i18n says what it is for."""
        for severity in (None, "acute"):
            for line in help_lines(severity)["lines"]:
                assert set(line) <= {"id", "name", "organisation", "phone", "url", "kinds"}


class TestSecondStage:
    @pytest.mark.parametrize(
        ("text", "severity"),
        [("jeg tænker på at gøre det af med mig selv", "ideation"), ("i wish i wasnt living", "ideation")],
    )
    def test_wording_no_rule_foresaw_still_reaches_the_mentors_at_its_level(self, text: str, severity: str) -> None:
        assert screen_message(text, CrisisDetector(use_scorer=False)).severity is None
        verdict = screen_message(text, CrisisDetector.default())
        assert verdict.severity == severity and verdict.kind == "crisis"
        assert verdict.crisis_terms == ("unforeseen_wording",)

    def test_the_level_model_tells_danger_from_others_apart_from_a_wish(self) -> None:
        """The second stage names a level, so a mentor sees danger as danger, not as a passive wish."""
        scorer = default_scorer()
        assert scorer is not None
        words = [w for c in clauses("han vil ha nøgenbilleder ellers fortæller han det til min mor") for w in c]
        probabilities = scorer.level_probabilities(words)
        assert max(probabilities, key=probabilities.__getitem__) == "danger"
        assert abs(sum(probabilities.values()) - 1) < 1e-9

    @pytest.mark.parametrize("text", ["jeg døde af grin", "i dont want to live with my dad anymore", "hej alle sammen"])
    def test_the_scorer_never_overrules_an_idiom_or_flags_small_talk(self, detector, text: str) -> None:
        assert not screen_message(text, detector).crisis


class TestOrganisationTerms:
    def test_organisation_terms_extend_without_changing_the_default(self, detector) -> None:
        extended = detector.with_extra(["vil væk for altid", "# a comment", "", "mørke* tanker", "plan: har købt reb"])
        assert screen_message("jeg vil bare væk for altid", extended).crisis_terms[0] == "vil væk for altid"
        assert screen_message("jeg har mørkere tanker i dag", extended).crisis
        assert screen_message("jeg har købt reb", extended).severity == "plan"
        assert not screen_message("jeg har mørkere tanker i dag", detector).crisis
        assert extended.extra_terms == ("vil væk for altid", "mørke* tanker", "plan: har købt reb")

    def test_a_detector_can_be_built_from_terms_directly(self) -> None:
        assert screen_message("jeg har mørke tanker", CrisisDetector(["mørke* tanker"])).severity == "concern"

    def test_default_detector_is_built_once(self) -> None:
        assert CrisisDetector.default() is CrisisDetector.default()


class TestSecondRoundConcepts:
    """Concepts added in the second round of issue 12, and the harmless readings kept harmless."""

    @pytest.mark.parametrize(
        "text",
        [
            "en voksen mand vil have billeder af mig",
            "han siger jeg ikke må fortælle mine forældre om ham, det er vores hemmelighed",
            "han deler billederne med hele skolen hvis jeg ikke gør som han siger",
        ],
    )
    def test_grooming_and_pictures_held_over_a_teen_are_danger(self, detector, text: str) -> None:
        verdict = screen_message(text, detector)
        assert verdict.crisis and verdict.kind == "danger"

    @pytest.mark.parametrize(
        "text",
        [
            "jeg har haft ondt i hovedet så jeg tog en panodil og nu er det bedre",
            "min kæreste truer med at slå op hvis jeg ikke kommer",
            "den joke slog mig ihjel",
            "jeg vil gerne forsvinde til en øde ø på ferie",
            "i saw a documentary about abuse",
            "im doing it tomorrow the homework i mean",
            "i took 40 photos at the party",
        ],
    )
    def test_everyday_readings_of_crisis_words_are_not_flagged(self, detector, text: str) -> None:
        assert not screen_message(text, detector).crisis


class TestRoundThree:
    """Issue 12, third round: kinds the tuning lines still missed, and the idioms that must stay harmless."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("jeg drømmer om at forsvinde", "concern"),
            ("idc if i live or die", "concern"),
            ("hvorfor blev jeg overhovedet født", "concern"),
            ("jeg har ikke lyst til at være til", "concern"),
            ("jeg er ikke værd at redde", "concern"),
            ("i havent eaten in days on purpose", "concern"),
            ("hvordan tager man sit eget liv", "ideation"),
            ("thinking of ending it", "ideation"),
            ("ive got a razor blade in my drawer for later", "plan"),
            ("this is the last time youll hear from me", "plan"),
            ("jeg ved hvor min far har sin jagtriffel", "plan"),
            ("jeg har et reb under min seng", "plan"),
            ("har tænkt på at hænge mig i skoven", "ideation"),
            ("har taget 2 plader pamol", "acute"),
            ("i drank bleach", "acute"),
            ("jeg ligger i badekarret med kniven", "acute"),
            ("jeg får tæv af min far", "danger"),
            ("min far siger at hvis jeg fortæller det til nogen så bliver det værre", "danger"),
            ("some kids at school said theyll beat me up tomorrow", "danger"),
            ("min ekskæreste står udenfor mit hus hver aften", "danger"),
        ],
    )
    def test_each_kind_reaches_the_mentors_at_its_level(
        self, detector: CrisisDetector, text: str, expected: str
    ) -> None:
        assert level(detector, text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "min far har taget sine barberblade med på ferie",
            "jeg har købt nye barberblade til min skraber",
            "vi stod ved skinnerne og ventede på toget",
            "i scratched my arm on a branch",
            "min kat kradser mig hele tiden",
            "han skubbede til mig i køen",
            "det var sidste gang i hører fra mig i dag jeg skal sove",
            "jeg er ingenting værd til fodbold",
            "du ved hvor jeg bor kom bare forbi",
            "vi fik tæsk i fodbold i går 8-0",
            "min mor slår mig ihjel hvis jeg kommer for sent",
            "jeg døde af grin over den video",
            "that killed me haha",
        ],
    )
    def test_everyday_lines_like_them_stay_harmless(self, detector: CrisisDetector, text: str) -> None:
        assert screen_message(text, detector).severity is None


def test_numerals_that_are_not_decimal_digits_never_crash_the_screen():
    """ "❶ dårlig ❷ okay" once raised ValueError: isdigit() is true for ❶, ², ½-like signs; int() is not."""
    from chalicelib.safety import screen_message

    odd = [chr(c) for c in range(0x110000) if chr(c).isnumeric() and not chr(c).isdecimal()]
    assert len(odd) > 1000
    for numeral in odd:
        for line in (f"{numeral} dårlig {numeral} okay", f"jeg har taget {numeral}{numeral} piller", numeral * 8):
            screen_message(line)  # a verdict, whatever it is; never an exception


class TestDanishMan:
    """Danish "man" is "one", the generic pronoun ("man skal møde op kl 8"): it is not a man asking a
    teen for pictures, and a mentor alerted to every such sentence learns to ignore alerts."""

    @pytest.mark.parametrize(
        "text",
        [
            "man skal møde op kl 8 i morgen",
            "man kan se billeder af det på nettet",
            "sex og samfund har både en chat og en telefon man kan ringe til",
            "man bør tage kroppen med i idræt haha",
        ],
    )
    def test_the_generic_pronoun_raises_no_alert(self, text: str) -> None:
        assert screen_message(text, CrisisDetector()).crisis_terms == ()

    @pytest.mark.parametrize(
        "text",
        [
            "a man keeps asking me for pics",
            "this man online wants to meet me",
            "an old man keeps texting me",
            "en voksen mand vil have billeder af mig",
        ],
    )
    def test_a_man_asking_for_pictures_or_a_meeting_still_does(self, text: str) -> None:
        assert "grooming" in screen_message(text, CrisisDetector()).crisis_terms


class TestPicturesSpread:
    """Pictures or videos of the teen spread by others reach the mentors (image-based abuse)."""

    @pytest.mark.parametrize(
        "text",
        [
            "nogen har lagt billeder af mig ud på snap",
            "de har spredt en video af mig i klassen",
            "someone posted pics of me without asking",
        ],
    )
    def test_pictures_spread_by_others_are_flagged_as_danger(self, text: str) -> None:
        verdict = screen_message(text, CrisisDetector())
        assert "abuse" in verdict.crisis_terms and verdict.kind == "danger"

    @pytest.mark.parametrize(
        "text",
        [
            "min mormor har delt billeder af mig fra ferien",
            "jeg har lagt billeder af mig selv op på insta",
            "can you share pictures of your dog",
        ],
    )
    def test_pictures_shared_in_ordinary_ways_are_not(self, text: str) -> None:
        assert screen_message(text, CrisisDetector()).crisis_terms == ()
