"""The guard's second reading (identity.py): the shapes teens reach for when the plain one is refused.

Each family is tested on wordings of its own, with the ordinary chat next to it that must still pass.
"""

from __future__ import annotations

import pytest

from chalicelib.safety import check_pseudonym, check_text


class TestNames:
    @pytest.mark.parametrize(
        "text",
        [
            "min storebror hedder jonas moeller",  # oe for ø
            "hun hedder freja soerensen tror jeg",
            "jeg hedder Clara Bech Madsen",  # a middle name
            "mit fulde navn: emil j. kjærgaard",  # an initial
            "hende der Ida K. Thomsen fra parallelklassen",
            "min far hedder Torben Klitgaard",  # a surname no list holds, after a parent's "hedder"
            "mit navn er Vilma Strandby",
            "vores træner Flemming Rask råber altid",  # a parent's generation name and a listed surname
            "det er Sigurd fra 7.c på Hellerup Skole",  # a first name, a class and a school
            "jeg er Alma i 9.b på Kildegård",
            "Bastian fra 1.x på Vestre Gymnasium",
            "lucas m. fra Odense Katedralskole",  # an initial, then the school
            "kender nogen Liam Kirk fra Vejle",
            "Mrs Holm at Hellerup Gymnasium never listens",  # a teacher with the school
            "hun hedder Maja, efternavnet er Dalgaard",  # the surname given on its own
            "vores pædagog Tina Skjold siger det er min skyld",  # named by a role
            "min klasselærer Jannik Brøndum hører ikke efter",  # by a role, neither name on a list
            "hun hedder Freja Fjeldsø på facebook",  # a surname no list holds, as the name on a platform
            "his name is noah james cooper",  # a middle name that is also a word
        ],
    )
    def test_a_real_name_in_more_shapes_is_held_back(self, text: str) -> None:
        assert check_text(text) == "name"

    @pytest.mark.parametrize(
        "text",
        [
            "min kat hedder Luna Lovegood",  # pets and characters are named with "hedder" too
            "han hedder Oliver Twist i bogen",
            "hun hedder Emma og hun er sød",
            "Emma fra 8.b er min bedste ven",  # a class without a school names no one outside it
            "jeg går i 2.g på Aurehøj og det er hårdt",  # a school without a name
            "mette frederiksen holdt tale igen",  # public figures
            "jeg læste om Peter Parker",
            "mit efternavn er pinligt",
            "Mr Bean er sjov",
            "soeren og jeg er venner",
            "min lærer Mette Frederiksen lol",
            "vores rektor Hans er sej",
            "Min Far Elsker Fodbold Og Pizza",  # every word capitalised: capitals say nothing
            "my teacher Mrs Smith is nice",
        ],
    )
    def test_pets_characters_classes_and_public_names_pass(self, text: str) -> None:
        assert check_text(text) is None

    def test_a_name_finishing_the_previous_message_is_held_back(self) -> None:
        assert check_text("oskar lindqvist", previous_text="mit rigtige navn er") == "name"
        assert check_text("ej det siger jeg ikke", previous_text="mit rigtige navn er") is None


class TestHandles:
    @pytest.mark.parametrize(
        "text",
        [
            "5n4pchat: m4gnus",  # leet platform names
            "1n5ta: frida.lys",
            "s-n-a-p: oskar underscore b",  # spelled with dashes
            "find mig på tg @ravneklo",  # telegram as "tg"
            "wickr: stjerneskud7",
            "ps4 navn: lasseL77",
            "mit x brugernavn er @viggo_x",
            "min twitch kanal hedder BlueFoxTV",  # one's own channel named
            "my yt channel is called FrogKing",
            "xbox gamertag: NightOwl DK",
            "skriv stormfuglen i søgefeltet på insta",  # typed into the search field
            "type frodo_b into the search bar on tiktok",
            'skriv "ravnemor" i søgefeltet',
            "min kick kanal hedder PixelPelle",  # a streaming site by name
            "x: @mille_k",
            "mit insta starter med mal og slutter med _x",  # described by its ends
            "karla punktum b på den gule app",  # a spelled dot, the platform later
            "min tiktok er den samme som mit navn herinde",  # built on the chat's own name
            "på insta hedder jeg det samme som her",
            "snap: mit navn her + 2009",
        ],
    )
    def test_a_handle_written_otherwise_is_held_back(self, text: str) -> None:
        assert check_text(text) == "handle"

    @pytest.mark.parametrize(
        "text",
        [
            "i don't have anyone to add on snap",
            "min youtube kanal hedder ikke noget endnu",
            "jeg ser twitch hver dag, min yndlingsstreamer hedder xQc",
            "spillet på steam hedder Valheim",
            "skriv dit navn i søgefeltet",
            "på snap skriver jeg altid punktum til sidst",
            "ordet starter med s og slutter med p",
            "ps5 er bedre end xbox",
            "vi havde tg i dag",
            "mit x er min ex",
            "x: 5 og y: 3",
            "min kick er for svag",
            "på snap er det ligesom her, bare med filtre",
            "mit navn herinde er Luna, på snap er jeg noget andet",
        ],
    )
    def test_talk_about_platforms_and_words_passes(self, text: str) -> None:
        assert check_text(text) is None

    def test_a_handle_built_on_the_pseudonym_over_two_messages_is_held_back(self) -> None:
        previous = "mit brugernavn er det samme som mit navn herinde"
        assert check_text("bare med 2010 bagefter på insta", previous_text=previous) == "handle"
        assert check_text("haha ja", previous_text=previous) is None


class TestAddresses:
    @pytest.mark.parametrize(
        "text",
        [
            "kom til Kæret 12 3 tv",  # the floor and the door
            "Strandlysten 4 st th",
            "vi bor i blok 3 opgang 12",  # the parts of an estate
            "bor i Tingbjergparken blok 9",  # one part and the estate's name
            "nr 9 på engparken",  # a number before a street of any ending
            "nummer 3 på kirsebærhaven",
            "rosenvej nummer elleve",  # the house number in words
            "Torvet 8 i Viborg",  # a bare street word, a number and a town
            "adressen er lindholms plads 6",  # the word "adresse" before it
            "jeg bor på Kæret 7",  # any name after "bor på", then a number
        ],
    )
    def test_an_address_in_more_shapes_is_held_back(self, text: str) -> None:
        assert check_text(text) == "address"

    @pytest.mark.parametrize(
        "text",
        [
            "vi har 2 2 tv",
            "vores opgang lugter",
            "vi bor i lejlighed nr 4 hos min far",
            "jeg blev nr 3 i løbet",
            "adressen er 5 minutter herfra",
            "min adresse er hemmelig",
            "gaden fem minutter væk",
            "jeg bor på 2. sal",
        ],
    )
    def test_floors_flats_and_places_in_a_race_pass(self, text: str) -> None:
        assert check_text(text) is None


class TestEmailLinksAndCpr:
    @pytest.mark.parametrize(
        "text",
        [
            "skriv til sofie_k ætt gmail.com",
            "karl.b (snabel a) outlook.dk",
            "maja2009 hos hotmail dk",
            "hotmail: ravn.k11",
            "hendes er bo.lind og så gmail.com",
            "skriv på hotmail, den er ella.v.2009",
        ],
    )
    def test_an_email_with_the_at_in_words_or_apart_is_held_back(self, text: str) -> None:
        assert check_text(text) == "email"

    @pytest.mark.parametrize(
        "text",
        [
            "jeg har en konto hos gmail.com",
            "min mail virker ikke",
            "gmail: ingen har skrevet",
            "hun arbejder hos google",
            "skriv på gmail, ikke her",
            "jeg skrev til ham på gmail i går kl 12.30",
        ],
    )
    def test_talk_about_mail_passes(self, text: str) -> None:
        assert check_text(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "discord . gg / natugler",
            "tiktok punktum com skråstreg @ellaxo",
            "instagram.com/ luna.k",
            "www . tik tok . com / @frejaxo",  # the site's name typed in two
        ],
    )
    def test_a_link_with_spaced_or_spoken_dots_is_held_back(self, text: str) -> None:
        assert check_text(text) == "profile_link"

    def test_a_link_finished_in_the_next_message_is_held_back(self) -> None:
        assert check_text("natugler", previous_text="discord.gg/") == "profile_link"
        assert check_text("discord punktum gg er en side") is None

    def test_a_cpr_number_with_the_dash_in_words_is_held_back(self) -> None:
        assert check_text("cpr 120307 streg 4421") == "cpr"
        assert check_text("hun vandt 12 03 07 minus 2 point") is None

    def test_a_cpr_number_typed_digit_by_digit_is_a_cpr_number(self) -> None:
        assert check_text("1 2 0 3 0 7 - 4 4 2 1") == "cpr"
        # Grouped three, three, four: a North American phone number, not a birth date.
        assert check_text("my cell is 3 1 0 - 5 5 8 - 2 0 4 7") == "phone"


def test_pseudonyms_refuse_the_new_names_too() -> None:
    assert check_pseudonym("Asger Brandt") == "name"
    assert check_pseudonym("Asger") is None
