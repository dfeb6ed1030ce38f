"""Key ceremony: Pedersen's joint-Feldman distributed key generation.

n trustees with indices 1..n and a threshold t (1 <= t <= n). Trustee i

1. draws a communication key sk_i (P_i = g^sk_i) and a polynomial
   f_i(x) = a_{i,0} + a_{i,1}·x + ... + a_{i,t-1}·x^{t-1}, and publishes P_i, the commitments
   A_{i,k} = g^{a_{i,k}} and a Schnorr proof of knowledge for each (`generate_trustee`);
2. sends every other trustee j the share s_{i,j} = f_i(j), encrypted to P_j (`encrypt_shares`);
3. on receiving its shares, checks each against the sender's commitments; it either keeps
   x_j = Σ_i s_{i,j} or publishes complaints (`receive_shares`). A complaint reveals the
   Diffie–Hellman value of one share with a Chaum–Pedersen proof, so that anyone can decrypt
   that share and decide who is lying (`Complaint.verify`).

The joint key is K = Π_i A_{i,0} = g^{Σ_i a_{i,0}}, and trustee j's public share is
X_j = Π_i Π_k A_{i,k}^(j^k) = g^{x_j}; any t of the x_j recover Σ_i a_{i,0} by Lagrange
interpolation (see `openballot.crypto.threshold`).

This module only decides whether a message is valid. x_j always sums the shares of all n
trustees, so a justified complaint cannot be absorbed by dropping the accused: the ceremony
has to be run again (without that trustee). That, and what to do about an unfounded
complaint, is the election layer's business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from openballot.crypto.encoding import Encodable, digest, encode
from openballot.crypto.group import IDENTITY, Element, Scalar, g_pow, random_scalar
from openballot.crypto.proofs import ChaumPedersenProof, SchnorrProof
from openballot.errors import DecodeError, ProofError, ProtocolError
from openballot.jsonfields import text

__all__ = [
    "TAG_COEFFICIENT",
    "TAG_COMMUNICATION_KEY",
    "TAG_SHARE_KEY",
    "TAG_COMPLAINT",
    "MAX_INDEX",
    "REASON_UNDECRYPTABLE",
    "REASON_MISMATCH",
    "TrusteeSecret",
    "TrusteePublicKey",
    "EncryptedShare",
    "Complaint",
    "TrusteeShare",
    "generate_trustee",
    "check_public_keys",
    "verify_public_keys",
    "encrypt_share",
    "encrypt_shares",
    "decrypt_share",
    "check_share",
    "make_complaint",
    "receive_shares",
    "joint_public_key",
    "public_share",
]

TAG_COEFFICIENT: Final = "ceremony/coefficient"
TAG_COMMUNICATION_KEY: Final = "ceremony/communication-key"
TAG_SHARE_KEY: Final = "ceremony/share-key"
TAG_COMPLAINT: Final = "ceremony/complaint"

#: Indices are hashed as u64 (see `encoding`); larger ones could not be encoded.
MAX_INDEX: Final = 2**64 - 1

# Every AEAD key is derived from a fresh ephemeral E and used for exactly one message,
# so a constant nonce never repeats under the same key.
_NONCE: Final = bytes(12)
_AEAD_TAG_BYTES: Final = 16
_SHARE_CIPHERTEXT_BYTES: Final = 32 + _AEAD_TAG_BYTES

#: What `Complaint.verify` returns for a justified complaint.
REASON_UNDECRYPTABLE: Final = "share does not decrypt"
REASON_MISMATCH: Final = "share does not match the commitments"


# --------------------------------------------------------------------------------------------
# Secrets and public keys


@dataclass(frozen=True, slots=True)
class TrusteeSecret:
    """What trustee `index` keeps private during the ceremony.

    `coefficients[0]` is the trustee's contribution to the joint secret. Secret fields are
    left out of `repr` so that a traceback or a log line never shows them.
    """

    index: int
    threshold: int
    communication_secret: Scalar = field(repr=False)
    coefficients: tuple[Scalar, ...] = field(repr=False)

    def __post_init__(self) -> None:
        _check_index(self.index, "index")
        _check_threshold(self.threshold)
        _check_type(self.communication_secret, Scalar, "communication_secret")
        _check_scalars(self.coefficients, "coefficients")
        if len(self.coefficients) != self.threshold:
            raise ValueError(
                f"expected {self.threshold} coefficients (the threshold), "
                f"got {len(self.coefficients)}"
            )
        # A zero would publish the identity as a key or commitment, which decoding refuses.
        if self.communication_secret.value == 0:
            raise ValueError("communication_secret is zero")
        for k, a in enumerate(self.coefficients):
            if a.value == 0:
                raise ValueError(f"coefficients[{k}] is zero")

    def share_for(self, recipient: int) -> Scalar:
        """s_{i,j} = f_i(j), the share for trustee `recipient`."""
        _check_index(recipient, "recipient")
        return _evaluate(self.coefficients, recipient)

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "threshold": self.threshold,
            "communication_secret": self.communication_secret.hex(),
            "coefficients": [a.hex() for a in self.coefficients],
        }

    @classmethod
    def from_json(cls, obj: object) -> TrusteeSecret:
        fields = ("index", "threshold", "communication_secret", "coefficients")
        d = _object(obj, fields, "trustee secret")
        index = _index(d["index"], "trustee secret: index")
        what = f"trustee secret {index}"
        threshold = _threshold(d["threshold"], f"{what}: threshold")
        secret = _scalar(d["communication_secret"], f"{what}: communication_secret")
        items = _list(d["coefficients"], f"{what}: coefficients")
        coefficients = tuple(_scalar(v, f"{what}: coefficients[{k}]") for k, v in enumerate(items))
        return _build(what, lambda: cls(index, threshold, secret, coefficients))


@dataclass(frozen=True, slots=True)
class TrusteePublicKey:
    """What trustee `index` publishes in step 1 of the ceremony.

    `communication_proof` proves knowledge of log_g `communication_key` and is bound to
    (context, index, name); `coefficient_proofs[k]` proves knowledge of log_g `commitments[k]`
    and is bound to (context, index, k), so no proof can be replayed for another trustee, another
    position or another election.
    """

    index: int
    name: str
    communication_key: Element
    communication_proof: SchnorrProof
    commitments: tuple[Element, ...]
    coefficient_proofs: tuple[SchnorrProof, ...]

    def __post_init__(self) -> None:
        _check_index(self.index, "index")
        if not isinstance(self.name, str):
            raise TypeError("name must be a string")
        if not self.name:
            raise ValueError("name is empty")
        _check_element(self.communication_key, "communication_key")
        _check_type(self.communication_proof, SchnorrProof, "communication_proof")
        if not isinstance(self.commitments, tuple) or not self.commitments:
            raise ValueError("commitments must be a non-empty tuple")
        for k, a in enumerate(self.commitments):
            _check_element(a, f"commitments[{k}]")
        if not isinstance(self.coefficient_proofs, tuple):
            raise TypeError("coefficient_proofs must be a tuple")
        for k, p in enumerate(self.coefficient_proofs):
            _check_type(p, SchnorrProof, f"coefficient_proofs[{k}]")
        if len(self.coefficient_proofs) != len(self.commitments):
            raise ValueError(
                f"{len(self.commitments)} commitments but "
                f"{len(self.coefficient_proofs)} coefficient proofs"
            )

    @property
    def threshold(self) -> int:
        """The threshold this trustee committed to: the number of its commitments."""
        return len(self.commitments)

    def verify(self, context: Encodable, threshold: int) -> None:
        """Raise ProtocolError unless there are `threshold` commitments, and ProofError
        unless every proof of knowledge verifies."""
        i = self.index
        if len(self.commitments) != threshold:
            raise ProtocolError(
                f"trustee {i}: expected {threshold} commitments (the threshold), "
                f"got {len(self.commitments)}"
            )
        try:
            self.communication_proof.verify(
                TAG_COMMUNICATION_KEY, (context, i, self.name), self.communication_key
            )
        except ProofError as exc:
            raise ProofError(
                f"trustee {i}: proof of knowledge of the communication key does not verify"
            ) from exc
        for k, (a, proof) in enumerate(zip(self.commitments, self.coefficient_proofs, strict=True)):
            try:
                proof.verify(TAG_COEFFICIENT, (context, i, k), a)
            except ProofError as exc:
                raise ProofError(
                    f"trustee {i}: proof of knowledge of coefficient {k} does not verify"
                ) from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "communication_key": self.communication_key.hex(),
            "communication_proof": self.communication_proof.to_json(),
            "commitments": [a.hex() for a in self.commitments],
            "coefficient_proofs": [p.to_json() for p in self.coefficient_proofs],
        }

    @classmethod
    def from_json(cls, obj: object) -> TrusteePublicKey:
        fields = (
            "index",
            "name",
            "communication_key",
            "communication_proof",
            "commitments",
            "coefficient_proofs",
        )
        d = _object(obj, fields, "trustee public key")
        index = _index(d["index"], "trustee public key: index")
        what = f"trustee {index}"
        name = _str(d["name"], f"{what}: name")
        key = _element(d["communication_key"], f"{what}: communication_key")
        key_proof = SchnorrProof.from_json(d["communication_proof"], f"{what}: communication_proof")
        items = _list(d["commitments"], f"{what}: commitments")
        commitments = tuple(_element(v, f"{what}: commitments[{k}]") for k, v in enumerate(items))
        items = _list(d["coefficient_proofs"], f"{what}: coefficient_proofs")
        proofs = tuple(
            SchnorrProof.from_json(v, f"{what}: coefficient_proofs[{k}]")
            for k, v in enumerate(items)
        )
        return _build(what, lambda: cls(index, name, key, key_proof, commitments, proofs))


def generate_trustee(
    index: int, name: str, threshold: int, context: Encodable
) -> tuple[TrusteeSecret, TrusteePublicKey]:
    """Step 1: a fresh communication key and polynomial of degree threshold - 1."""
    _check_index(index, "index")
    _check_threshold(threshold)
    sk = random_scalar()
    coefficients = tuple(random_scalar() for _ in range(threshold))
    secret = TrusteeSecret(index, threshold, sk, coefficients)
    public = TrusteePublicKey(
        index=index,
        name=name,
        communication_key=g_pow(sk),
        communication_proof=SchnorrProof.prove(TAG_COMMUNICATION_KEY, (context, index, name), sk),
        commitments=tuple(g_pow(a) for a in coefficients),
        coefficient_proofs=tuple(
            SchnorrProof.prove(TAG_COEFFICIENT, (context, index, k), a)
            for k, a in enumerate(coefficients)
        ),
    )
    return secret, public


def check_public_keys(public_keys: Sequence[TrusteePublicKey], threshold: int) -> None:
    """Raise ProtocolError unless the indices are exactly 1..n, 1 <= threshold <= n and every
    trustee has `threshold` commitments. Proofs are not checked: see `verify_public_keys`."""
    n = len(public_keys)
    if n == 0:
        raise ProtocolError("no trustee public keys")
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise TypeError("threshold must be an integer")
    if not 1 <= threshold <= n:
        raise ProtocolError(f"threshold {threshold} is not in [1, {n}] for {n} trustees")
    seen: set[int] = set()
    for pk in public_keys:
        if pk.index in seen:
            raise ProtocolError(f"trustee {pk.index} appears more than once")
        seen.add(pk.index)
    missing = sorted(set(range(1, n + 1)) - seen)
    if missing:
        raise ProtocolError(
            f"trustee indices must be exactly 1..{n}; missing {missing[0]}, "
            f"found {sorted(seen - set(range(1, n + 1)))[0]}"
        )
    for pk in public_keys:
        if len(pk.commitments) != threshold:
            raise ProtocolError(
                f"trustee {pk.index}: expected {threshold} commitments (the threshold), "
                f"got {len(pk.commitments)}"
            )


def verify_public_keys(
    public_keys: Sequence[TrusteePublicKey], threshold: int, context: Encodable
) -> None:
    """`check_public_keys`, then every trustee's proofs (ProofError naming the first bad one)."""
    check_public_keys(public_keys, threshold)
    for pk in public_keys:
        pk.verify(context, threshold)


# --------------------------------------------------------------------------------------------
# Share distribution


@dataclass(frozen=True, slots=True)
class EncryptedShare:
    """The share s_{sender,recipient}, encrypted to the recipient's communication key.

    E = g^e for a fresh e, Z = P_recipient^e, and key = the first 32 bytes of
    digest(TAG_SHARE_KEY, context, sender, recipient, E, P_recipient, Z). `ciphertext` (48
    bytes) is the ChaCha20-Poly1305 encryption under that key of the share's 32-byte scalar
    encoding, with a 12-byte zero nonce and associated data encode((context, sender, recipient)).
    """

    sender: int
    recipient: int
    ephemeral: Element
    ciphertext: bytes

    def __post_init__(self) -> None:
        _check_index(self.sender, "sender")
        _check_index(self.recipient, "recipient")
        if self.sender == self.recipient:
            raise ValueError(f"trustee {self.sender} cannot send a share to itself")
        _check_element(self.ephemeral, "ephemeral")
        if not isinstance(self.ciphertext, bytes):
            raise TypeError("ciphertext must be bytes")
        if len(self.ciphertext) != _SHARE_CIPHERTEXT_BYTES:
            raise ValueError(
                f"ciphertext: expected {_SHARE_CIPHERTEXT_BYTES} bytes, got {len(self.ciphertext)}"
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "recipient": self.recipient,
            "ephemeral": self.ephemeral.hex(),
            "ciphertext": self.ciphertext.hex(),
        }

    @classmethod
    def from_json(cls, obj: object) -> EncryptedShare:
        d = _object(obj, ("sender", "recipient", "ephemeral", "ciphertext"), "encrypted share")
        sender = _index(d["sender"], "encrypted share: sender")
        recipient = _index(d["recipient"], "encrypted share: recipient")
        what = f"share from trustee {sender} to trustee {recipient}"
        ephemeral = _element(d["ephemeral"], f"{what}: ephemeral")
        ciphertext = _hex_bytes(d["ciphertext"], _SHARE_CIPHERTEXT_BYTES, f"{what}: ciphertext")
        return _build(what, lambda: cls(sender, recipient, ephemeral, ciphertext))


def encrypt_share(
    value: Scalar, sender: int, recipient: TrusteePublicKey, context: Encodable
) -> EncryptedShare:
    """Encrypt one share value from trustee `sender` to `recipient` (see `EncryptedShare`)."""
    _check_type(value, Scalar, "value")
    j = recipient.index
    e = random_scalar()
    ephemeral = g_pow(e)
    z = recipient.communication_key**e
    key = _share_key(context, sender, j, ephemeral, recipient.communication_key, z)
    ciphertext = ChaCha20Poly1305(key).encrypt(
        _NONCE, value.encode(), _share_ad(context, sender, j)
    )
    return EncryptedShare(sender, j, ephemeral, ciphertext)


def encrypt_shares(
    secret: TrusteeSecret, public_keys: Sequence[TrusteePublicKey], context: Encodable
) -> tuple[EncryptedShare, ...]:
    """Step 2: trustee `secret.index`'s share for every other trustee, in index order.

    Verifies all public keys first (shares must only go to keys proven for this context),
    and that the trustee's own published key matches `secret`.
    """
    verify_public_keys(public_keys, secret.threshold, context)
    keys = _by_index(public_keys)
    _check_own_key(secret, keys)
    return tuple(
        encrypt_share(secret.share_for(j), secret.index, keys[j], context)
        for j in sorted(keys)
        if j != secret.index
    )


def decrypt_share(
    recipient_secret: TrusteeSecret,
    share: EncryptedShare,
    public_keys: Sequence[TrusteePublicKey],
    context: Encodable,
) -> Scalar:
    """The share value, or ProtocolError if it does not decrypt to a canonical scalar.

    The value is not checked against the sender's commitments: see `check_share`.
    """
    j = recipient_secret.index
    if share.recipient != j:
        raise ProtocolError(
            f"share from trustee {share.sender} is addressed to trustee {share.recipient}, "
            f"not to trustee {j}"
        )
    own_key = _key_of(_by_index(public_keys), j).communication_key
    if g_pow(recipient_secret.communication_secret) != own_key:
        raise ProtocolError(f"trustee {j}: published communication key does not match the secret")
    z = share.ephemeral**recipient_secret.communication_secret
    return _open_share(share, z, own_key, context)


def check_share(value: Scalar, sender_key: TrusteePublicKey, recipient: int) -> None:
    """Raise ProtocolError unless g^value = Π_k A_{i,k}^(j^k) for sender i and recipient j."""
    _check_index(recipient, "recipient")
    if g_pow(value) != _evaluate_commitments(sender_key.commitments, recipient):
        raise ProtocolError(
            f"share from trustee {sender_key.index} to trustee {recipient} does not match "
            f"trustee {sender_key.index}'s commitments"
        )


# --------------------------------------------------------------------------------------------
# Complaints


@dataclass(frozen=True, slots=True)
class Complaint:
    """Trustee `accuser` (j) says the share sent by `accused` (i) is bad.

    It reveals Z = E^{sk_j} for that share's ephemeral E, with a Chaum–Pedersen proof that
    log_g P_j = log_E Z, bound to (context, j, i, the share's ciphertext). Anyone can then
    derive that one share's AEAD key and check it; sk_j and every other share stay secret.
    """

    accuser: int
    accused: int
    shared_secret: Element
    proof: ChaumPedersenProof

    def __post_init__(self) -> None:
        _check_index(self.accuser, "accuser")
        _check_index(self.accused, "accused")
        if self.accuser == self.accused:
            raise ValueError(f"trustee {self.accuser} cannot complain about itself")
        _check_element(self.shared_secret, "shared_secret")
        _check_type(self.proof, ChaumPedersenProof, "proof")

    def _what(self) -> str:
        return f"complaint by trustee {self.accuser} against trustee {self.accused}"

    def verify(
        self,
        share: EncryptedShare,
        public_keys: Sequence[TrusteePublicKey],
        context: Encodable,
    ) -> str:
        """Why the complaint is justified: `"share does not decrypt"` or
        `"share does not match the commitments"`.

        Raises ProtocolError if `share` is not the one complained about or the complaint is
        unfounded (the share decrypts and matches), and ProofError if the revealed Z is not
        proven (the complaint itself is then invalid).
        """
        what = self._what()
        if (share.sender, share.recipient) != (self.accused, self.accuser):
            raise ProtocolError(
                f"{what}: the share given is from trustee {share.sender} "
                f"to trustee {share.recipient}"
            )
        keys = _by_index(public_keys)
        accuser_key = _key_of(keys, self.accuser).communication_key
        accused_key = _key_of(keys, self.accused)
        try:
            self.proof.verify(
                TAG_COMPLAINT,
                _complaint_context(context, self.accuser, self.accused, share),
                accuser_key,
                share.ephemeral,
                self.shared_secret,
            )
        except ProofError as exc:
            raise ProofError(f"{what}: the revealed shared secret is not proven") from exc
        try:
            value = _open_share(share, self.shared_secret, accuser_key, context)
        except ProtocolError:
            return REASON_UNDECRYPTABLE
        try:
            check_share(value, accused_key, self.accuser)
        except ProtocolError:
            return REASON_MISMATCH
        raise ProtocolError(f"{what} is unfounded: the share decrypts and matches the commitments")

    def to_json(self) -> dict[str, Any]:
        return {
            "accuser": self.accuser,
            "accused": self.accused,
            "shared_secret": self.shared_secret.hex(),
            "proof": self.proof.to_json(),
        }

    @classmethod
    def from_json(cls, obj: object) -> Complaint:
        d = _object(obj, ("accuser", "accused", "shared_secret", "proof"), "complaint")
        accuser = _index(d["accuser"], "complaint: accuser")
        accused = _index(d["accused"], "complaint: accused")
        what = f"complaint by trustee {accuser} against trustee {accused}"
        z = _element(d["shared_secret"], f"{what}: shared_secret")
        proof = ChaumPedersenProof.from_json(d["proof"], f"{what}: proof")
        return _build(what, lambda: cls(accuser, accused, z, proof))


def make_complaint(
    accuser_secret: TrusteeSecret,
    share: EncryptedShare,
    public_keys: Sequence[TrusteePublicKey],
    context: Encodable,
) -> Complaint:
    """A complaint by the recipient of `share` against its sender.

    Does not judge the share: an unfounded complaint can be made, and `Complaint.verify`
    rejects it.
    """
    j = accuser_secret.index
    if share.recipient != j:
        raise ProtocolError(
            f"trustee {j} cannot complain about a share addressed to trustee {share.recipient}"
        )
    own_key = _key_of(_by_index(public_keys), j).communication_key
    sk = accuser_secret.communication_secret
    if g_pow(sk) != own_key:
        raise ProtocolError(f"trustee {j}: published communication key does not match the secret")
    proof = ChaumPedersenProof.prove(
        TAG_COMPLAINT, _complaint_context(context, j, share.sender, share), sk, share.ephemeral
    )
    return Complaint(j, share.sender, share.ephemeral**sk, proof)


# --------------------------------------------------------------------------------------------
# Outcome


@dataclass(frozen=True, slots=True)
class TrusteeShare:
    """Trustee `index`'s share x_j of the joint secret: what it keeps for decryption."""

    index: int
    threshold: int
    secret_share: Scalar = field(repr=False)

    def __post_init__(self) -> None:
        _check_index(self.index, "index")
        _check_threshold(self.threshold)
        _check_type(self.secret_share, Scalar, "secret_share")

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "threshold": self.threshold,
            "secret_share": self.secret_share.hex(),
        }

    @classmethod
    def from_json(cls, obj: object) -> TrusteeShare:
        d = _object(obj, ("index", "threshold", "secret_share"), "trustee share")
        index = _index(d["index"], "trustee share: index")
        what = f"trustee share {index}"
        threshold = _threshold(d["threshold"], f"{what}: threshold")
        value = _scalar(d["secret_share"], f"{what}: secret_share")
        return _build(what, lambda: cls(index, threshold, value))


def receive_shares(
    secret: TrusteeSecret,
    public_keys: Sequence[TrusteePublicKey],
    shares_for_me: Sequence[EncryptedShare],
    context: Encodable,
) -> tuple[TrusteeShare | None, tuple[Complaint, ...]]:
    """Step 3 for trustee j = `secret.index`: ``(TrusteeShare, ())`` if every share decrypts
    and matches its sender's commitments, else ``(None, complaints)`` with one complaint per
    bad share, ordered by accused index.

    `shares_for_me` must hold exactly one share from every other trustee, addressed to j;
    otherwise, or if a public key does not verify or j's own published key does not match
    `secret`, this raises (ProtocolError / ProofError) instead: those are not faults a
    complaint can prove.
    """
    verify_public_keys(public_keys, secret.threshold, context)
    keys = _by_index(public_keys)
    _check_own_key(secret, keys)
    j = secret.index
    by_sender: dict[int, EncryptedShare] = {}
    for share in shares_for_me:
        if share.recipient != j:
            raise ProtocolError(
                f"share from trustee {share.sender} is addressed to trustee "
                f"{share.recipient}, not to trustee {j}"
            )
        if share.sender not in keys:
            raise ProtocolError(f"share from unknown trustee {share.sender}")
        if share.sender in by_sender:
            raise ProtocolError(f"two shares from trustee {share.sender} to trustee {j}")
        by_sender[share.sender] = share
    for i in sorted(keys):
        if i != j and i not in by_sender:
            raise ProtocolError(f"no share from trustee {i} to trustee {j}")

    total = secret.share_for(j)
    complaints: list[Complaint] = []
    for i in sorted(by_sender):
        share = by_sender[i]
        z = share.ephemeral**secret.communication_secret
        try:
            value = _open_share(share, z, keys[j].communication_key, context)
            check_share(value, keys[i], j)
        except ProtocolError:
            complaints.append(make_complaint(secret, share, public_keys, context))
            continue
        total = total + value
    if complaints:
        return None, tuple(complaints)
    return TrusteeShare(j, secret.threshold, total), ()


def joint_public_key(public_keys: Sequence[TrusteePublicKey]) -> Element:
    """K = Π_i A_{i,0}. The keys must have passed `verify_public_keys`."""
    check_public_keys(public_keys, _common_threshold(public_keys))
    key = IDENTITY
    for pk in public_keys:
        key = key * pk.commitments[0]
    # Only possible with keys chosen against each other; anything encrypted under it is public.
    if key.is_identity():
        raise ProtocolError("the joint public key is the identity element")
    return key


def public_share(public_keys: Sequence[TrusteePublicKey], index: int) -> Element:
    """X_j = Π_i Π_k A_{i,k}^(j^k) = g^{x_j} for j = `index`."""
    check_public_keys(public_keys, _common_threshold(public_keys))
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError("index must be an integer")
    if not 1 <= index <= len(public_keys):
        raise ProtocolError(f"no trustee {index} among {len(public_keys)} trustees")
    # Multiplying the commitments position by position first costs t exponentiations, not n·t.
    summed = [IDENTITY] * len(public_keys[0].commitments)
    for pk in public_keys:
        summed = [s * a for s, a in zip(summed, pk.commitments, strict=True)]
    return _evaluate_commitments(tuple(summed), index)


# --------------------------------------------------------------------------------------------
# Internals


def _evaluate(coefficients: Sequence[Scalar], x: int) -> Scalar:
    point = Scalar.of(x)
    acc = Scalar(0)
    for a in reversed(coefficients):
        acc = acc * point + a
    return acc


def _evaluate_commitments(commitments: Sequence[Element], x: int) -> Element:
    point = Scalar.of(x)
    acc = commitments[0]
    power = Scalar(1)
    for a in commitments[1:]:
        power = power * point
        acc = acc * a**power
    return acc


def _share_key(
    context: Encodable, sender: int, recipient: int, ephemeral: Element, key: Element, z: Element
) -> bytes:
    return digest(TAG_SHARE_KEY, context, sender, recipient, ephemeral, key, z)[:32]


def _share_ad(context: Encodable, sender: int, recipient: int) -> bytes:
    return encode((context, sender, recipient))


def _complaint_context(
    context: Encodable, accuser: int, accused: int, share: EncryptedShare
) -> Encodable:
    return (context, accuser, accused, share.ciphertext)


def _open_share(
    share: EncryptedShare, z: Element, recipient_key: Element, context: Encodable
) -> Scalar:
    key = _share_key(context, share.sender, share.recipient, share.ephemeral, recipient_key, z)
    try:
        plaintext = ChaCha20Poly1305(key).decrypt(
            _NONCE, share.ciphertext, _share_ad(context, share.sender, share.recipient)
        )
    except InvalidTag:
        raise ProtocolError(
            f"share from trustee {share.sender} to trustee {share.recipient} does not decrypt"
        ) from None
    try:
        return Scalar.decode(plaintext)
    except DecodeError:
        raise ProtocolError(
            f"share from trustee {share.sender} to trustee {share.recipient} "
            "does not decrypt to a canonical scalar"
        ) from None


def _by_index(public_keys: Sequence[TrusteePublicKey]) -> dict[int, TrusteePublicKey]:
    keys: dict[int, TrusteePublicKey] = {}
    for pk in public_keys:
        if pk.index in keys:
            raise ProtocolError(f"trustee {pk.index} appears more than once")
        keys[pk.index] = pk
    return keys


def _key_of(keys: Mapping[int, TrusteePublicKey], index: int) -> TrusteePublicKey:
    try:
        return keys[index]
    except KeyError:
        raise ProtocolError(f"no public key for trustee {index}") from None


def _check_own_key(secret: TrusteeSecret, keys: Mapping[int, TrusteePublicKey]) -> None:
    own = _key_of(keys, secret.index)
    commitments = tuple(g_pow(a) for a in secret.coefficients)
    if own.communication_key != g_pow(secret.communication_secret) or (
        own.commitments != commitments
    ):
        raise ProtocolError(
            f"trustee {secret.index}: published public key does not match the secret"
        )


def _common_threshold(public_keys: Sequence[TrusteePublicKey]) -> int:
    if not public_keys:
        raise ProtocolError("no trustee public keys")
    return len(public_keys[0].commitments)


def _check_index(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer")
    if not 1 <= value <= MAX_INDEX:
        raise ValueError(f"{what} {value} is not in [1, 2^64 - 1]")


def _check_threshold(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("threshold must be an integer")
    if not 1 <= value <= MAX_INDEX:
        raise ValueError(f"threshold {value} is not in [1, 2^64 - 1]")


def _check_type(value: object, kind: type, what: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{what} must be a {kind.__name__}, got {type(value).__name__}")


def _check_scalars(values: object, what: str) -> None:
    if not isinstance(values, tuple):
        raise TypeError(f"{what} must be a tuple")
    for k, v in enumerate(values):
        _check_type(v, Scalar, f"{what}[{k}]")


def _check_element(value: object, what: str) -> None:
    if not isinstance(value, Element):
        raise TypeError(f"{what} must be an Element, got {type(value).__name__}")
    if value.is_identity():
        raise ValueError(f"{what} is the identity element")


# JSON decoding. Each helper names the field in its DecodeError; `openballot.crypto.threshold`
# reuses them.


def _object(obj: object, fields: tuple[str, ...], what: str) -> dict[str, object]:
    if not isinstance(obj, dict):
        raise DecodeError(f"{what}: expected a JSON object, got {type(obj).__name__}")
    for name in fields:
        if name not in obj:
            raise DecodeError(f"{what}: {name}: missing")
    for name in obj:
        if name not in fields:
            raise DecodeError(f"{what}: unexpected field {name!r}")
    return obj


def _int(value: object, what: str) -> int:
    # JSON true/false arrive as bool, which Python counts as int.
    if isinstance(value, bool) or not isinstance(value, int):
        raise DecodeError(f"{what}: expected an integer, got {type(value).__name__}")
    return value


def _index(value: object, what: str) -> int:
    n = _int(value, what)
    if not 1 <= n <= MAX_INDEX:
        raise DecodeError(f"{what}: {n} is not in [1, 2^64 - 1]")
    return n


def _threshold(value: object, what: str) -> int:
    return _index(value, what)


def _str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise DecodeError(f"{what}: expected a string, got {type(value).__name__}")
    return text(value, what)


def _list(value: object, what: str) -> list[object]:
    if not isinstance(value, list):
        raise DecodeError(f"{what}: expected a list, got {type(value).__name__}")
    return value


def _element(value: object, what: str) -> Element:
    return Element.from_hex(value, what)


def _scalar(value: object, what: str) -> Scalar:
    return Scalar.from_hex(value, what)


_HEX_DIGITS: Final = frozenset("0123456789abcdef")


def _hex_bytes(value: object, length: int, what: str) -> bytes:
    text = _str(value, what)
    # bytes.fromhex alone would also accept upper case and skip whitespace.
    if len(text) != 2 * length or not set(text) <= _HEX_DIGITS:
        raise DecodeError(f"{what}: expected {2 * length} lowercase hex characters")
    return bytes.fromhex(text)


_T = TypeVar("_T")


def _build(what: str, make: Callable[[], _T]) -> _T:
    # Constructors check the invariants once; from JSON, a broken one is a decoding error.
    try:
        return make()
    except (TypeError, ValueError) as exc:
        raise DecodeError(f"{what}: {exc}") from None
