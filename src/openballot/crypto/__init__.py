"""Cryptography: the ristretto255 group, canonical hashing, ElGamal, proofs, threshold keys.

Imports nothing above it. Only `_sodium` talks to libsodium.
"""
