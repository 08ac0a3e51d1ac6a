"""Settings that must hold outside the tests, whatever the tests themselves run with."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from compliance.services import users
from config import CONFIGS, Config, TestingConfig


@pytest.mark.parametrize("name", sorted(set(CONFIGS) - {"testing"}))
def test_every_configuration_but_the_tests_hashes_passwords_at_the_full_work_factor(name):
    assert CONFIGS[name].PASSWORD_HASH_METHOD == Config.PASSWORD_HASH_METHOD == "scrypt:32768:8:1"


def test_outside_an_app_a_password_is_hashed_at_the_full_work_factor():
    hashed = users.hash_password("correct horse battery staple")
    assert hashed.startswith("scrypt:32768:8:1$")
    assert check_password_hash(hashed, "correct horse battery staple")


def test_the_tests_cheaper_hash_is_still_scrypt_and_verifies_like_the_real_one():
    hashed = generate_password_hash("correct horse battery staple", method=TestingConfig.PASSWORD_HASH_METHOD)
    assert hashed.startswith("scrypt:")
    assert check_password_hash(hashed, "correct horse battery staple")
    assert not check_password_hash(hashed, "correct horse battery stapler")
