"""Anonymity guard: what could lead to a real teen is held back; ordinary chat is not."""

from __future__ import annotations

import pytest

from chalicelib.safety import (
    check_pseudonym,
    check_text,
    screen_message,
)


class TestAnonymityGuard:
    @pytest.mark.parametrize(
        "text",
        [
            "12345678",
            "12 34 56 78",
            "1234 5678",
            "12-34-56-78",
            "12.34.56.78",
            "+45 12 34 56 78",
            "0045 12345678",
            "+4512345678",
            "9 1 8 2 7 3 6 4",
            "2 2 3 3 4 4 5 5",
            "2o 3o 4o 5o",
            "２２３３４４５５",  # full-width digits
            "22\u200b33\u200b44\u200b55",  # zero-width spaces between the pairs
            "+44 7911 123456",
            "+1 (415) 555-2671",
        ],
    )
    def test_phone_numbers_in_every_common_spelling_are_held_back(self, text: str) -> None:
        assert check_text(f"ring til mig {text}") == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "kl. 19.30",
            "19:30",
            "kl 19.30-21.00",
            "d. 12/3",
            "12.03.2025",
            "2025-03-12",
            "i 2019",
            "fra 2019-2023",
            "jeg er 15",
            "200 kr",
            "10.000.000 kr",
            "8. klasse",
            "10 gange",
            "1 2 3 4 5 6 7 8 9 10",
            "10 9 8 7 6 5 4 3 2 1",
        ],
    )
    def test_times_dates_years_ages_and_prices_pass(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize("text", ["ring til Livslinien på 70 201 201", "Børnetelefonen 116 111", "ring 112"])
    def test_public_help_line_numbers_may_be_shared(self, text: str) -> None:
        assert check_text(text) is None

    def test_mentioning_someone_in_the_group_with_at_passes(self) -> None:
        assert check_text("@Luna hvordan gik det?") is None
        assert check_text("ses @ 19") is None

    @pytest.mark.parametrize("handle", ["@maja.k", "@sofie.h2009", "@.luna"])
    def test_at_handles_shaped_like_usernames_are_held_back(self, handle: str) -> None:
        assert check_text(f"skriv til {handle}") == "handle"

    @pytest.mark.parametrize("handle", ["@sofie_h", "@luna2009", "@skater_boy_12"])
    def test_digits_and_underscores_after_at_are_a_mention_of_a_pseudonym(self, handle: str) -> None:
        # Pseudonyms may have digits and underscores (issue 14), so "@luna2009" names someone in the room.
        assert check_text(f"tak {handle}, det hjalp") is None

    @pytest.mark.parametrize(
        "text", ["snap er dumt", "min insta er privat", "mit snap er dødt", "my tiktok is blowing up"]
    )
    def test_talking_about_social_media_passes(self, text: str) -> None:
        assert check_text(text) is None

    def test_cpr_needs_a_plausible_birth_date(self) -> None:
        assert check_text("010203-1234") == "cpr"
        assert check_text("0102031234") == "cpr"
        assert check_text("ordrenr 9913991234") != "cpr"  # month 13 is no date

    def test_the_first_reason_in_order_wins(self) -> None:
        assert check_text("mail sofie@gmail.com eller ring 22334455") == "email"


class TestNumbersInAnyShape:
    @pytest.mark.parametrize(
        "text",
        [
            "mit nummer er to to tre tre fire fire fem fem",
            "ring på toogtyve treogtredive fireogfyrre femoghalvtreds",
            "nummer: to og tyve, tre og tredive, fire og fyrre, fem og halvtreds",
            "my number is two two three three four four five five",
            "text me on twenty two thirty three forty four fifty five",
            "mit nummer er 22 33 fireogfyrre 55",
        ],
    )
    def test_numbers_written_in_words_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "en to tre fire fem seks syv otte",
            "jeg har to katte og tre hunde og fem høns",
            "hun er fjorten og jeg er femten",
        ],
    )
    def test_counting_and_small_numbers_in_words_pass(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize(
        "text",
        ["22 og så 33 44 55", "ring til mig 22 33 øh 44 55", "mit nummer starter med 22 og slutter med 33 44 55"],
    )
    def test_a_number_split_by_words_is_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "vi var 25 og så 30 og så 40 og så 50",
            "kl 19 til 21 og 22 til 23",
            "det kostede 22 kr og så 33 kr for drikkevarer",
        ],
    )
    def test_times_and_amounts_with_words_between_pass(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize("text", ["call me at 555-867-5309", "(555) 867-5309", "text 415.555.2671", "555-8675309"])
    def test_north_american_numbers_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    def test_keycap_emoji_digits_are_digits(self) -> None:
        assert (
            check_text(
                "2\ufe0f\u20e32\ufe0f\u20e33\ufe0f\u20e33\ufe0f\u20e34\ufe0f\u20e34\ufe0f\u20e35\ufe0f\u20e35\ufe0f\u20e3"
            )
            == "phone"
        )


class TestHandlesAcrossMessages:
    @pytest.mark.parametrize(
        "text",
        [
            "på snap hedder jeg lunaxx",
            "på insta er jeg sofie.hh",
            "min snap? søg efter freja_k",
            "find mig på snap som lunaxx",
            "tilføj lunaxx på snap",
            "mit brugernavn er lunaxx",
        ],
    )
    def test_a_handle_after_the_platform_is_named_is_held_back(self, text: str) -> None:
        assert check_text(text) == "handle"

    @pytest.mark.parametrize(
        "text",
        [
            "på snap er der så meget drama",
            "på insta er jeg ikke særlig aktiv",
            "I deleted my snap, it's toxic",
            "på tiktok hedder det en fyp",
        ],
    )
    def test_talk_about_a_platform_passes(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize(
        "previous, text",
        [
            ("har du snap?", "ja det er luna_x09"),
            ("skriv til mig på snap", "lunaxx09"),
            ("har du insta?", "jeg hedder sofiehh"),
            ("whats ur snap", "sophie_h2010"),
        ],
    )
    def test_a_handle_given_in_the_next_message_is_held_back(self, previous: str, text: str) -> None:
        assert screen_message(text, previous_text=previous).held_back == "handle"
        assert screen_message(text).held_back is None or "_" in text or any(c.isdigit() for c in text)

    @pytest.mark.parametrize(
        "previous, text",
        [("har du snap?", "nej"), ("har du snap?", "ja det har jeg"), ("min insta er privat", "jeg har det fint")],
    )
    def test_an_ordinary_reply_after_a_platform_passes(self, previous: str, text: str) -> None:
        assert check_text(text, previous_text=previous) is None

    @pytest.mark.parametrize(
        "text", ["tak @mentor_sofie", "@mentor.jonas hvad synes du", "@mentor_sofie kan vi snakke"]
    )
    def test_mentioning_staff_passes(self, text: str) -> None:
        assert check_text(text) is None

    def test_an_outside_app_verb_before_an_at_name_is_held_back(self) -> None:
        assert check_text("dm @lunaxx") == "handle"
        assert check_text("@Luna du er sej") is None


class TestRealNames:
    @pytest.mark.parametrize(
        "text",
        [
            "jeg hedder Sofie Nielsen",
            "mit rigtige navn er emma hansen",
            "my name is Emily Smith",
            "mit navn er Frederik Holm",
            "Laura Jensen her, hvem er i andre",
        ],
    )
    def test_a_first_name_with_a_surname_is_held_back(self, text: str) -> None:
        assert check_text(text) == "name"

    @pytest.mark.parametrize(
        "text",
        [
            "det er Freja fra Viborg",
            "jeg hedder sofie og bor i viborg",
            "jeg er Mathias fra 9.b på Søndervangskolen",
            "jeg hedder Magnus og går på Aalborg Katedralskole",
            "jeg hedder sofie og går på vestre skole",
        ],
    )
    def test_a_name_with_a_school_or_town_is_held_back(self, text: str) -> None:
        assert check_text(text) == "name"

    @pytest.mark.parametrize(
        "text",
        [
            "jeg elsker Taylor Swift",
            "Christian Eriksen er den bedste",
            "Magnus Carlsen er god til skak",
            "min veninde Sofie er så sød",
            "Sofie og Emma er mine bedste venner",
            "Emma og jeg tog til Odense",
            "jeg bor i Viborg og det er kedeligt",
            "jeg går på efterskole næste år",
            "I cut my hair short and I regret it",
        ],
    )
    def test_public_figures_a_first_name_alone_and_places_alone_pass(self, text: str) -> None:
        assert check_text(text) is None

    def test_a_pseudonym_that_is_a_real_name_is_rejected(self) -> None:
        assert check_pseudonym("Sofie Nielsen") == "name"
        assert check_pseudonym("Sofie") is None


class TestMoreAddressForms:
    @pytest.mark.parametrize(
        "text",
        [
            "jeg bor på Vestergade nr. 5",
            "jeg bor på Solbakken",
            "jeg bor i 8200",
            "jeg bor lige ved Netto på Algade",
            "I live on Maple Street",
        ],
    )
    def test_streets_without_a_house_number_and_bare_postcodes_are_held_back(self, text: str) -> None:
        assert check_text(text) == "address"

    @pytest.mark.parametrize(
        "text", ["jeg bor i en lille by tæt på Aarhus", "hun bor på Nørrebro", "jeg bor på et kollegie"]
    )
    def test_saying_roughly_where_you_live_passes(self, text: str) -> None:
        assert check_text(text) is None

    def test_dotted_cpr_and_spoken_email_are_held_back(self) -> None:
        assert check_text("mit cpr er 01.02.03-1234") == "cpr"
        assert check_text("sofie snabel a gmail punktum com") == "email"


class TestPseudonyms:
    @pytest.mark.parametrize(
        "name", ["Luna", "Stjerne", "Maja", "Lille My", "Sommerfugl7", "Nordlys", "Kiki", "Luna07"]
    )
    def test_ordinary_pseudonyms_are_accepted(self, name: str) -> None:
        assert check_pseudonym(name) is None

    @pytest.mark.parametrize(
        "name, reason",
        [
            ("22334455", "phone"),
            ("22 33 44 55", "phone"),
            ("luna123456", "phone"),
            ("sofie@gmail.com", "email"),
            ("@sofie", "handle"),
            ("sofie.h", "handle"),
            ("snapqueen", "handle"),
            ("sc sofie", "handle"),
            ("Nørregade 12", "address"),
        ],
    )
    def test_pseudonyms_that_could_lead_to_a_real_person_are_rejected(self, name: str, reason: str) -> None:
        assert check_pseudonym(name) == reason

    @pytest.mark.parametrize(
        "name",
        ["Blå_Ræv", "Luna2009", "skater_boy_12", "x_maja_x", "Luna", "Lille My", "Sofie Emma", "Storm", "Noah2010"],
    )
    def test_digits_underscores_and_a_first_name_alone_are_fine(self, name: str) -> None:
        assert check_pseudonym(name) is None

    @pytest.mark.parametrize(
        "name",
        [
            "Sofie Nielsen Aarhus",
            "Sofie Aarhus",
            "emma_odense",
            "SofieAarhus",
            "Mads_Jensen",
            "Sofie Rosenlundskolen",
            "Ida Lund",
            "Anna Odense",
        ],
    )
    def test_a_first_name_with_a_surname_a_town_or_a_school_is_a_real_name(self, name: str) -> None:
        assert check_pseudonym(name) == "name"

    @pytest.mark.parametrize("name", ["Luna", "Luna07", "Kiki", "Nordlys", "Luna2009", "skater_boy_12", "Blå_Ræv"])
    def test_an_accepted_pseudonym_can_always_be_mentioned_with_at(self, name: str) -> None:
        assert check_text(f"@{name} tak for i dag") is None


class TestShapesTeensWrite:
    """Numbers and handles in the shapes no single pattern foresaw (issue 12, second round)."""

    @pytest.mark.parametrize(
        "text",
        [
            "mit nr: 28/19/46/73",
            "tlf: 28,19,46,73",
            "ring 28 I9 46 73",
            "nummeret er 2l 3l 4l 5l",
            "ring 3 0 ... 7 4 ... 1 9 ... 6 2",
            "ring på 24 41 og så til sidst 93 18",
            "my number is double two double three double four double five",
            "mit cpr nummer er 14 02 10 3328",
        ],
    )
    def test_a_number_in_an_unusual_shape_is_held_back(self, text: str) -> None:
        assert check_text(text) in ("phone", "cpr")

    def test_a_number_split_over_two_messages_is_held_back(self) -> None:
        assert check_text("og resten er 46 73", previous_text="mit nr starter med 28 19") == "phone"
        assert check_text("ja 12 af dem", previous_text="vi var 28 til festen") is None

    @pytest.mark.parametrize(
        "text",
        [
            "sc? noah.v",
            "ny snap!! ida_hh2",
            "mit psn er emil_dk2009",
            "xbox gamertag: frede_yo",
            "snap mig sofie_hh",
            "whatsapp mig lunagirl",
            "mit youtube er @emilgaming",
            "på sc er mit navn emmaxo",
            "jeg hedder majak på insta",
            "adder du mig? maja_k",
            "brugernavn: maja.k",
        ],
    )
    def test_a_handle_after_a_platform_or_an_app_verb_is_held_back(self, text: str) -> None:
        assert check_text(text) == "handle"

    @pytest.mark.parametrize(
        "text",
        [
            "mine karakterer 12 10 7 4 02 og 10",
            "har i set den nye video på tiktok f.eks den med hunden",
            "vi spiller fifa23 på playstation",
            "snap mig hvis du vil",
            "snap? nej tak",
            "user: hvad betyder det",
            "@Luna07 tak for i dag, insta er død",
            "i got a double cheeseburger and two fries",
        ],
    )
    def test_grades_abbreviations_and_chat_mentions_still_pass(self, text: str) -> None:
        assert check_text(text) is None

    def test_a_famous_name_given_as_ones_own_is_a_name(self) -> None:
        assert check_text("my real name is Emma Thompson") == "name"
        assert check_text("I love Emma Thompson in that film") is None


class TestRoundThreeShapes:
    """Issue 12, third round: phone shapes and handles that still got through."""

    @pytest.mark.parametrize(
        "text",
        [
            "five five five, eight six seven, five three oh nine",
            "fem fem fem otte seks syv fem tre nul ni",
            "five fifty five eight hundred sixty seven fifty three oh nine",
            "call me 5558675309",
            "text me 867-5309",
            "jenny 867-5309 lol",
            "555 867 53O9",
            "555 - 867 - 5309",
            "555/867/5309",
            "5 5 5 8 6 7 5 3 0 9",
            "call me 555, 867, 5309",
            "28 🙂 19 🙂 46 🙂 73",
            "2,8,1,9,4,6,7,3",
            "mit nr er 2819, 4673",
            "+4528/19/46/73",
            "+45 2819, 4673",
            "4 2 1 8 9 O 7 3",
            "tooogtyve tre og tredive fire og fyrre fem og halvtreds",
            "fiire to en otte ni nul syv tre",
            "twentyeight nineteen fortysix seventythree",
            "mit nr: 4two18ninezero73",
            "otteogtyve nitten seksogfyrre og treoghalvfjerds",
            "to otte én ni fire seks syv tre",
            "28 og 19 og 46 og 73",
            "28 og så 19 og så 46 og så 73",
            "22 og så treogtredive 44 55",
            "nummeret starter med 28 19 og slutter med 46 73",
        ],
    )
    def test_phone_numbers_in_more_shapes_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "20 og 30 og 40 og 50 grader",
            "vi var 25 og så 30 og så 40 og så 50",
            "resultaterne blev 21, 14, 30, 12 i de fire kampe",
            "mine tider var 28, 19, 46 og 73 sekunder",
            "28, 29, 30, 31 december er jeg væk",
            "the score was 21 to 14 and then 28 to 19",
            "ip 192.168.1.10",
            "fra 2019, 2020, 2021 og 2022",
            "mellem 200-1000 kr",
            "fra 2019-2023",
            "jeg har 2819 følgere og 4673 likes",
            "et to tre fire fem seks syv otte",
            "ring 70 20 12 01",
        ],
    )
    def test_lists_results_ranges_and_counting_pass(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "på snap er jeg lunakristensen",
            "på insta hedder jeg bare emilio",
            "snap? sofiehhh",
            "add mig sofiehh på snap",
            "on snap im jakeyboy",
            "im jakeyboy on tiktok",
            "jeg hedder lunaxo på alt",
            "se min pinterest sofiesboards",
        ],
    )
    def test_a_name_after_or_before_a_platform_is_held_back(self, text: str) -> None:
        assert check_text(text) == "handle"

    @pytest.mark.parametrize(
        "text",
        [
            "på discord er jeg gamer",
            "på snap er jeg mest aktiv",
            "on snap im always online",
            "jeg er altid på snap",
            "snap? nej",
            "insta? aldrig",
            "on insta im just a lurker",
            "min snap virker ikke",
        ],
    )
    def test_how_one_uses_a_platform_passes(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize(
        ("previous", "text"),
        [
            ("min snap er", "sofiehh"),
            ("på snap hedder jeg", "emmaa_k"),
            ("har du snap?", "ja sofiehh"),
            ("mit nr er to otte en ni", "fire seks syv tre"),
        ],
    )
    def test_an_offer_finished_in_the_next_message_is_held_back(self, previous: str, text: str) -> None:
        assert check_text(text, previous_text=previous) is not None
        assert check_text(text) is None

    @pytest.mark.parametrize(
        ("previous", "text"),
        [("min snap er", "okay"), ("har du snap", "nooo"), ("har du snap", "mathilde"), ("min snap er", "hej")],
    )
    def test_an_ordinary_reply_to_an_offer_passes(self, previous: str, text: str) -> None:
        assert check_text(text, previous_text=previous) is None

    def test_a_street_named_further_on_is_an_address(self) -> None:
        assert check_text("jeg bor i hus nummer 7 på strandvejen") == "address"
        assert check_text("jeg bor tæt på Fælledparken") is None

    def test_only_a_message_that_could_finish_another_needs_the_previous_one(self) -> None:
        from chalicelib.safety import may_finish_previous

        assert may_finish_previous("sofiehh") and may_finish_previous("og resten er 46 73")
        assert not may_finish_previous("hvordan har i det") and not may_finish_previous("okay")


class TestDisguisedNumbers:
    """Issue 12, fourth round: numbers disguised so that a filter reading digits misses them."""

    @pytest.mark.parametrize(
        "text",
        [
            "mit nr er ❷❽❶❾❹❻❼❸",  # dingbat digits NFKC leaves alone
            "nr ⓸⓶⓵⓼⓽⓪⓻⓷",
            "mit nr 5̶2̶ 9̶1̶ 3̶7̶ 0̶8̶",  # strike-through text generators
            "ring 31\u200e42\u200e87\u200e09",  # direction marks
            "ring på 28\u00ad19\u00ad46\u00ad73",
            "mit nr er 2B 1g 4b 7E",  # letters that look like digits
            "ring Z8 19 A6 73",
            "nr 5291370B",
            "mit nr er 2 8 I 9 4 6 7 3",
            "mit nr er 2a8b1c9d4e6f7g3",  # letters between the digits
            "2 x 6 x 4 x 8 x 9 x 1 x 0 x 7",
            "31 banan 42 banan 87 banan 09",
            "52 bindestreg 91 bindestreg 37 bindestreg 08",  # separators said in words
            "2648 streg 9107",
            "28+19+46+73",  # plus signs as separators
            "mit nr er 30+1 42 87 09",  # and as sums
            "ring 31428710-1",
            "mit nr: 20+6 40+8 90+1 0+7",
            "(31)(42)(87)(09)",
            "40#18#92#33",
            "26'48'91'07 text me",
            "28 hmm 19 øh 46 nå 73",  # a different filler in every gap
            "2 og 8 og 1 og 9 og 4 og 6 og 7 og 3",
            "mit nr er 2819 og de sidste 4 er 4673",
            "første to er 31, så 42, så 87, sidste to er 09",
            "0151/2345678 mein handy",
            "mit nr er\n28 19\n46 73",
        ],
    )
    def test_disguised_digits_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "too otte en ni fiire seks syw tre",  # misspelt number words
            "to ote en ni fir seks syv tre",
            "ring tyveotte nitten fyrreseks treoghalvfjers",
            "ottogtyve nitten seksogfyre treoghalvfjerds",
            "mit nr er tyveotte nitten fyrresex halvfjerdstre",
            "toogtyve halvtredsindstyve tresindstyve firsindstyve",  # the old long tens
            "twenny eight nineteen fourty six seventy three",
            "two ate one nine for six seven three",  # sound-alikes next to numbers
            "my number is sevn too fiv nien thre oh eigth for",
            "tw0 eight 0ne nine f0ur six seven three",  # digits for letters in the words
        ],
    )
    def test_number_words_as_teens_spell_them_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "jeg går i 8B og vi har 2 timer dansk i dag",
            "min far har en B8 Passat og min mor en E39",
            "lektier: 2a 8b 1c 9d",
            "koden er 2B4G8E1A",  # codes and rooms are letters and digits too
            "opgave 2B 3A 4E 5S til på fredag",
            "28? 19? 46? nej 73? jeg ved det ikke",
            "min skærm er 2560x1440 og 144hz",
            "3 x 3 x 3 x 3 x 3 x 3 x 3 x 3",
            "fik 28 likes 19 likes 46 likes 73 likes",
            "4 gange 4 gange 4 gange 4 er 256",
            "hvad er 22+33+44+55",
            "ring mig mellem 16-18 i morgen",
            "22+33+44+55=154",
            "jeg har 20+ timer på fortnite og 50+ i minecraft og 100+ i roblox",
            "❶ dårlig ❷ okay ❸ god",
            "two for one deal at the cinema",
            "I for one think two is too many",
            "jeg har sex med min kæreste er det normalt at være nervøs",
            "han er en tyv",
            "vi vandt to nul og så fire en og så tre to",
            "28 ja 29 nej 30 grader i dag",
            "vi tabte 28 til 19 og vandt 46 til 73",
            "de sidste 4 kampe vandt vi 3-1 og 2-0",
            "jeg glemmer altid de sidste 4 cifre i min kode",
            "gr8 job m8 see u l8r",
        ],
    )
    def test_look_alikes_sums_and_number_talk_pass(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "ring 52.913.708",  # grouped like an amount, with a word for calling
            "treble two nine oh seven seven four",
            "my number is double 4 1 8 9 0 7",
            "🅾️4️⃣1️⃣8️⃣9️⃣0️⃣7️⃣3️⃣ ring",
            "31=42=87=09",
            "52!91!37!08",
            "28 19 og så lige 46 73",
            "two and eight and one and nine and four and six and seven and three",
        ],
    )
    def test_more_disguises_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "omg 28!!! 19!!! 46!!! 73!!! likes på mine billeder",
            "28 × 19 = 532",
            "x=28 y=19 z=46 w=73",
            "det har 28.194.673 visninger på youtube",
            "videoen er nummer 1 med 28.194.673 views",
            "vi var 28 og 29 og 30 og 31 i klassen",
            "28, nej 29, 30, 31 december er jeg væk",
            "hvad to er 22+33+44+55",
            "jeg har to brødre og en søster og fire katte og to hunde og en hamster og otte fisk",
            "jeg løb 2 km og 8 km og 1 km og 9 km denne uge",
        ],
    )
    def test_shouted_lists_sums_and_counts_pass(self, text: str) -> None:
        assert check_text(text) is None

    def test_a_half_given_in_each_message_is_held_back(self) -> None:
        assert check_text("anden halvdel 3708", previous_text="første halvdel: 5291") == "phone"


class TestPlatformsWrittenOtherwise:
    @pytest.mark.parametrize(
        "text",
        [
            "s n a p : luna_k",
            "sn4p: emmaxo",
            "1nsta: maja.k",
            "👻 sofiehh09",
            "📸 sofie.h",
            "snappen er idaahh",
            "mit brugernavn på tiktok er lunax",
            "hvis i vil snakke mere er jeg sofieh på snap",
            "add mig lunadance",
        ],
    )
    def test_a_handle_after_a_platform_written_otherwise_is_held_back(self, text: str) -> None:
        assert check_text(text) == "handle"

    @pytest.mark.parametrize(
        "text",
        [
            "👻 spøgelser er creepy",
            "📸 billeder fra turen",
            "snappen er nede i dag",
            "t1kt0k er cringe",
            "jeg er sofie på snap",
            "jeg er lunas ven på snap",
            "add mig tilbage",
        ],
    )
    def test_talk_about_a_platform_written_otherwise_passes(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize(
        "text", ["mit hus er nr 12 på egevej", "i live on baker street number 12", "egevej12 kom forbi"]
    )
    def test_a_house_number_before_or_glued_to_its_street_is_an_address(self, text: str) -> None:
        assert check_text(text) == "address"

    @pytest.mark.parametrize("text", ["jeg er nr 1 på ranglisten", "jeg var nr 2 på vejen hjem", "level12 er svært"])
    def test_places_in_a_ranking_pass(self, text: str) -> None:
        assert check_text(text) is None


class TestGeneratedShapes:
    """Shapes found by combining groupings, separators and ways of writing digits over many numbers."""

    @pytest.mark.parametrize(
        "text",
        [
            "seksnulnulsyvnifiretosyv",
            "fourninetwotwoeighteightsevenfour",
            "40 og 83 og 5879",
            "mit nr er 8/5/o/2/5/8/9/7",
            "2_2_6_4_8_l_2_5",
            "69 55 ll 74",
            "2 | 5 | 3 | 4 | 9 | 8 | l | 6",
            "7967 og 585l",
        ],
    )
    def test_glued_words_uneven_groups_and_lone_letters_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "den kostede 250 og så 300 og 45 i fragt",
            "haha ok lol 28 lol 19",
            "I 2 uger har jeg været syg",
            "o2 er mit mobilselskab og jeg har 5g",
        ],
    )
    def test_prices_and_words_of_those_letters_pass(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "insta sofie punktum h",
            "jeg hedder sofiehh på det gule app",
            "sofiehh er mit snap",
            "s.c emmaxo",
            "roblox brugernavn lunablx",
        ],
    )
    def test_handles_given_in_other_words_are_held_back(self, text: str) -> None:
        assert check_text(text) == "handle"

    @pytest.mark.parametrize(
        "text",
        [
            "emma er min snap streak",
            "roblox brugernavn glemt",
            "på snap skriver jeg altid punktum til sidst",
            "den gule app er nede",
        ],
    )
    def test_talk_around_those_words_passes(self, text: str) -> None:
        assert check_text(text) is None


class TestMendingNeverLosesAReading:
    """Misspelt and sound-alike words are read as extra readings; the words as written still count."""

    @pytest.mark.parametrize(
        "text",
        [
            "text me five five five eight six seven five three oh nine right now",  # "right" ~ "eight"
            "ring toogtredive og halvfems og nul en og nul seks 😘",  # pairs split by "og"
            "mit nr: tyveotte nittn fyrreseks halvfjerstre fine",  # "fine" ~ "five"
            "lol 📱 7️⃣ syv 1️⃣ syv6️⃣ tre5️⃣ fem",  # "tre5" is three and 5, not "tres"
        ],
    )
    def test_a_word_next_to_a_number_cannot_hide_it(self, text: str) -> None:
        assert check_text(text) == "phone"


class TestFifthRoundShapes:
    """Issue 12, fifth round: shapes found by writers who never saw the guard (safety_dev3.tsv),
    written here in other words so that dev3 stays a check."""

    @pytest.mark.parametrize(
        "text",
        [
            "tyve otte nitten fyrre seks halvfjerds tre",  # a Danish tens word before its unit, the English way
            "mit nr halvfems nul syv tres fem otte",  # ... or as digits of their own: 90 0 7 60 5 8
            "syvogtyvetreoghalvtredselleveseksogfirs",  # compounds glued together
            "thirtyonesixtytwoeighteenseventyfour",
            "fiiiiire ottttee nuuuul syyyyv tooo niiii treeee eeen",  # stretched and misspelt at once
            "ring fem fiire sex nuel syv too ni en",  # a misspelling vouches for the next one
            "sms 4Ø 71 9Ø 38",  # a Danish keyboard's Ø for zero
            "r i n g   t i l   m i g   f e m - n i - t o - o t t e - e n - t r e - s y v - n u l",
            "7 hund 2 kat 9 fugl 4 ko 1 gris 8 hest 3 and 5",  # a digit at a time between words
        ],
    )
    def test_numbers_in_new_shapes_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "call 415 then 555 then 2671",  # a North American number split by words
            "415 555 and then 2671",
            "31 (ikke spam) 42 87 09",  # an aside between the groups
            "mit nr er 31 42 og resten får du lige om lidt 87 09",  # a long gap, with a cue
        ],
    )
    def test_numbers_split_by_words_in_new_ways_are_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "hva er dit mobilnummer",
            "kan jeg ikke bare få dit nr",
            "gimme ur digits",
            "skal jeg sende dig mit nummer?",
            "i could text you my number later",
        ],
    )
    def test_asking_for_a_number_or_offering_ones_own_is_held_back(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize("text", ["må jeg få dit insta", "vil du have mit snap?", "i can send you my discord"])
    def test_asking_for_a_handle_or_offering_ones_own_is_held_back(self, text: str) -> None:
        assert check_text(text) == "handle"

    @pytest.mark.parametrize(
        "text",
        [
            "han tog mit nummer fra min vens telefon og nu skriver han hele tiden",  # what happened
            "min far vil have mit nummer ændret",
            "hvad er nummeret til livslinien?",
            "hvad er dit nummer på holdet i håndbold",
            "vil du have mit råd? sig det til en voksen",
            "i want my snap back, it got hacked",
            "må jeg låne din mobil",
        ],
    )
    def test_talk_about_numbers_and_apps_passes(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize("text", ["mit nr er 5291370", "sms 52 91 370", "ring 5291 370"])
    def test_a_number_a_digit_short_is_held_back_when_the_message_speaks_of_a_number(self, text: str) -> None:
        assert check_text(text) == "phone"

    @pytest.mark.parametrize("text", ["jeg har 5291370 point i spillet", "videoen har 5291370 visninger", "5291370"])
    def test_seven_digits_without_a_word_for_calling_pass(self, text: str) -> None:
        assert check_text(text) is None

    def test_the_rest_of_a_number_after_an_offer_is_still_read_with_it(self) -> None:
        """In the chat an offer is held back and never stored; scored as a pair, the digits still count."""
        assert check_text("46 73", previous_text="vil du have mit nummer? 28 19") == "phone"

    def test_a_handle_spaced_out_a_letter_at_a_time_is_held_back(self) -> None:
        assert check_text("f ø l g   m i g   p å   s n a p   l u n a _ x 0 9") == "handle"

    def test_a_british_mobile_over_two_messages_is_held_back(self) -> None:
        assert check_text("911 123 456", previous_text="text me on my uk number, starts 07") == "phone"

    @pytest.mark.parametrize(
        "text",
        [
            "vi spillede lotto: 2 9 14 18 23 27 35, ingen gevinst",  # a row of ten digits is not a number
            "opgaven var 3,5 + 4,2 = 7,7 og 6,1 x 3 = 18,3",  # worked sums
            "read pages 14.2 to 14.6 for monday",  # "for" after a digit is not a four
            "3 x 3 x 3 x 3 x 3 x 3 x 3 x 3",  # spaced-out characters that are no word
            "jeg har 1 bror 2 søstre 3 katte 4 hunde 5 fisk 6 høns 7 geder 8 får",  # counts things
            "tyve to gange om dagen tjekker jeg min telefon",
            "i n g e n   s k a l   v i d e   d e t",  # spaced out, but only words
            "jeg går i 8 b og hun går i 8 c",
        ],
    )
    def test_their_must_pass_neighbours_pass(self, text: str) -> None:
        assert check_text(text) is None
