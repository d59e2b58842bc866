"""Password hashing (argon2id) and temporary passwords."""
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, the library's current recommended parameters

# No 0/O, 1/l/I: a temporary password is read from an e-mail and typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hash_password(password):
    return _hasher.hash(password)


def verify_password(password_hash, password):
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when the account does not exist, so that a
# wrong login costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def burn_time(password):
    verify_password(_DUMMY_HASH, password)


def temporary_password(groups=4, size=4):
    """Like 'Kx7p-Qm3r-T9wz-Hb4n': 80 bits, easy to type from an e-mail."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))
