"""Participant accounts: passwords at OWASP's cost and rehashed when it changes, common passwords
refused, recovery codes under an HMAC, tokens that check every claim, and accounts nobody uses
deleted by the tick after their organisation's period."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import jwt
import pytest

from chalicelib import storage
from chalicelib.accounts import participants, passwords
from chalicelib.accounts.strength import is_common
from chalicelib.accounts.tokens import MAX_LIFETIME, PARTICIPANT_AUDIENCE, Identity, issue, verify
from chalicelib.config import checked_secret, settings, token_secret
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.sessions.keeper import SessionKeeper, plan_next
from tests.conftest import NOW, RecordingSender, logged_in, make_group, make_org, signed_up

PASSWORD = "tre-blå-elefanter"


def with_cost(monkeypatch: pytest.MonkeyPatch, log2_n: int) -> None:
    changed = dataclasses.replace(settings(), password_log2_n=log2_n)
    monkeypatch.setattr(passwords, "settings", lambda: changed)


class TestPasswords:
    def test_the_default_cost_is_owasps_scrypt_and_hashlib_is_given_the_memory_it_needs(self) -> None:
        assert type(settings()).from_env({}).password_log2_n == 17  # what a stage gets unless told otherwise
        assert passwords.scrypt_memory(2**17, 8, 1) > 128 * 1024 * 1024  # above hashlib's 32 MiB default

    def test_a_hash_names_its_parameters_and_checks(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with_cost(monkeypatch, 11)
        stored = passwords.hash_secret(PASSWORD)
        assert stored.startswith("scrypt$2048$8$1$")
        assert passwords.check_secret(PASSWORD, stored)
        assert not passwords.check_secret(PASSWORD + "x", stored)
        assert not passwords.check_secret(PASSWORD, "scrypt$abc") and not passwords.check_secret(PASSWORD, "")

    def test_log_in_rehashes_a_password_made_under_a_lower_cost(self, tables, monkeypatch) -> None:
        account = signed_up("Sol", PASSWORD)
        before = storage.find_participant("sol")
        assert before is not None and before.password_hash.startswith("scrypt$1024$")
        with_cost(monkeypatch, 11)

        logged_in("Sol", PASSWORD)

        after = storage.find_participant("sol")
        assert after is not None and after.password_hash.startswith("scrypt$2048$")
        assert logged_in("Sol", PASSWORD).participant_id == account.participant_id
        assert not passwords.needs_rehash(after.password_hash)

    @pytest.mark.parametrize(
        "password",
        [
            "hejmeddig",
            "Hejmeddig123",
            "kodeord1",
            "sommer2024!",
            "p4ssw0rd!",
            "Emma2010",
            "12345678",
            "qwertyuiop",
            "hejhejhej",
            "jegelskerdig",
            "kærlighed",
            "fodbold123",
        ],
    )
    def test_common_passwords_danish_ones_included_are_refused(self, password: str) -> None:
        assert is_common(password)
        with pytest.raises(ChatError) as refused:
            participants.check_password(password)
        assert refused.value.code == "common_password"

    @pytest.mark.parametrize(
        "password", ["regnbue-sky-42", "Blå hest på månen", "min kat hedder Fido!", "Trampolin-1983"]
    )
    def test_passwords_of_several_words_pass(self, password: str) -> None:
        assert participants.check_password(password) == password

    def test_a_password_made_from_the_pseudonym_is_refused(self) -> None:
        with pytest.raises(ChatError, match="attacker"):
            participants.check_password("luna2009!", "Luna2009")
        assert participants.check_password("luna og månen i nat", "Luna2009")


class TestRecoveryCodes:
    def test_the_code_is_stored_as_an_hmac_bound_to_the_account(self, tables) -> None:
        account = signed_up("Sol", PASSWORD)
        code = account.recovery_code
        assert code is not None
        stored = storage.find_participant("sol")
        assert stored is not None
        assert stored.recovery_hash.startswith("hmac-sha256$") and code.replace("-", "") not in stored.recovery_hash
        assert passwords.check_recovery_code(code, account.participant_id, stored.recovery_hash)
        assert not passwords.check_recovery_code(code, "another-account", stored.recovery_hash)

    def test_a_code_given_before_recovery_existed_still_works(self, tables) -> None:
        account = signed_up("Sol", PASSWORD)
        stored = storage.find_participant("sol")
        assert stored is not None
        stored.update(actions=[storage.Participant.recovery_hash.set(passwords.hash_secret("ABCD-EFGH-JKLM-NPQR"))])
        recovered = participants.recover("Sol", "abcd efgh jklm npqr", "fire-grønne-giraffer", "own-device", NOW)
        assert recovered.participant_id == account.participant_id

    def test_the_same_code_used_twice_at_once_works_once(self, tables) -> None:
        signed_up("Sol", PASSWORD)
        stale = storage.find_participant("sol")
        assert stale is not None
        participants.renew_recovery_code(Identity(stale.participant_id, "Sol", "participant"), PASSWORD, NOW)
        # A second request that read the account before the first one spent its code.
        assert not storage.replace_credentials(stale, stale.recovery_hash, recovery_hash="hmac-sha256$x")


class TestTokens:
    def identity(self) -> Identity:
        return Identity("01HX", "Sol", "participant")

    def test_a_token_lives_at_most_24_hours(self) -> None:
        with pytest.raises(ValueError):
            issue(self.identity(), token_secret(), NOW, MAX_LIFETIME + timedelta(seconds=1))
        token = issue(self.identity(), token_secret(), NOW, MAX_LIFETIME)
        assert verify(token, token_secret(), NOW, PARTICIPANT_AUDIENCE).user_id == "01HX"

    @pytest.mark.parametrize("token", [None, "", 42, ["a"], "x" * 5000, "not.a.jwt"])
    def test_what_is_not_a_token_is_unauthorized(self, token: object) -> None:
        with pytest.raises(ChatError) as refused:
            verify(token, token_secret(), NOW, PARTICIPANT_AUDIENCE)
        assert refused.value.code == "unauthorized"

    def test_an_expired_token_says_so(self) -> None:
        token = issue(self.identity(), token_secret(), NOW - timedelta(hours=13), timedelta(hours=12))
        with pytest.raises(ChatError) as refused:
            verify(token, token_secret(), NOW, PARTICIPANT_AUDIENCE)
        assert refused.value.code == "token_expired"

    def test_a_string_exp_is_a_401_not_a_crash(self) -> None:
        claims = {
            "iss": "gruppechat",
            "aud": PARTICIPANT_AUDIENCE,
            "sub": "01HX",
            "role": "participant",
            "iat": int(NOW.timestamp()),
            "exp": str(int(NOW.timestamp()) + 60),
        }
        with pytest.raises(ChatError) as refused:
            verify(jwt.encode(claims, token_secret(), algorithm="HS256"), token_secret(), NOW, PARTICIPANT_AUDIENCE)
        assert refused.value.status == 401

    def test_a_secret_shorter_than_32_bytes_is_refused_at_first_use(self) -> None:
        with pytest.raises(RuntimeError, match="32 bytes"):
            checked_secret("short-secret")
        assert checked_secret("æ" * 16) == "æ" * 16  # bytes, not characters


class TestPseudonymRules:
    @pytest.mark.parametrize("name", ["Blå_Ræv", "Luna2009", "skater_boy_12"])
    def test_digits_and_underscores_are_fine(self, tables, name: str) -> None:
        assert signed_up(name, PASSWORD).pseudonym == name

    @pytest.mark.parametrize(
        ("name", "reason"),
        [("Sofie Nielsen Aarhus", "name"), ("Sofie Aarhus", "name"), ("luna.k", "handle"), ("Luna 22334455", "phone")],
    )
    def test_a_refusal_names_the_rule(self, name: str, reason: str) -> None:
        with pytest.raises(ChatError) as refused:
            participants.check_pseudonym(name)
        assert refused.value.code == "pseudonym_not_anonymous" and refused.value.params == {"reason": reason}


class TestUnusedAccounts:
    def keeper(self) -> SessionKeeper:
        return SessionKeeper(Delivery(RecordingSender()))

    def test_an_account_nobody_logs_in_to_for_12_months_is_deleted_by_the_tick(self, tables) -> None:
        signed_up("Sol", PASSWORD)
        signed_up("Måne", PASSWORD)
        logged_in("Måne", PASSWORD, NOW + timedelta(days=200))
        keeper = self.keeper()

        assert keeper.tick(NOW + timedelta(days=364)).accounts_deleted == []
        report = keeper.tick(NOW + timedelta(days=367))

        assert len(report.accounts_deleted) == 1
        assert storage.find_participant("sol") is None
        assert storage.find_participant("måne") is not None  # logged in since: a year from then

    def test_an_organisation_keeps_unused_accounts_for_a_shorter_period(self, tables) -> None:
        organisation = make_org()
        organisation.update(actions=[storage.Organisation.inactive_account_months.set(3)])
        make_group()
        account = signed_up("Sol", PASSWORD)
        participants.follow(Identity(account.participant_id, "Sol", "participant"), "g1", NOW)
        stored = storage.find_participant("sol")
        assert stored is not None and stored.delete_after is not None
        assert stored.delete_after < NOW + timedelta(days=93)
        assert stored.expires_at is not None and stored.expires_at > stored.delete_after  # the TTL is a backstop

        assert len(self.keeper().tick(NOW + timedelta(days=95)).accounts_deleted) == 1

    def test_the_tick_deletes_a_few_at_a_time(self, tables) -> None:
        for number in range(12):
            signed_up(f"Stjerne{number}", PASSWORD)
        keeper = self.keeper()
        later = NOW + timedelta(days=400)
        first, second = keeper.tick(later), keeper.tick(later)
        assert len(first.accounts_deleted) == 10 and len(second.accounts_deleted) == 2


class TestWhatExpires:
    def test_a_planned_session_expires_a_year_and_a_bit_after_it_ends(self, tables) -> None:
        make_org()
        group = make_group()
        session = plan_next(group, NOW)
        assert session is not None and session.expires_at == session.ends_at + storage.SESSION_LIFETIME
        assert timedelta(weeks=52) < storage.SESSION_LIFETIME  # the figures look back a year

    def test_the_pinned_copy_of_a_message_goes_when_the_session_closes(self, room) -> None:
        message = storage.Message(
            room.session_id,
            "01JAAAAAAAAAAAAAAAAAAAAAAA",
            author_id="u1",
            pseudonym="Sol",
            role="participant",
            text="Husk at drikke vand",
        )
        message.save()
        entry = storage.AuditEntry(
            "org-a", "01JAAAAAAAAAAAAAAAAAAAAAAB", at=NOW, mentor_id="m", mentor_name="M", action="pin"
        )
        storage.set_pin(room, message, entry)
        assert storage.reload_session(room).pinned_text == "Husk at drikke vand"

        assert SessionKeeper(Delivery(RecordingSender())).close(room, room.ends_at)

        closed = storage.reload_session(room)
        assert closed.status == storage.CLOSED and closed.pinned_text is None and closed.pinned_message_id is None
