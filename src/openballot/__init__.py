"""OpenBallot: end-to-end verifiable elections.

Layers, each importing only those below it (`lint-imports` checks the contracts in
pyproject.toml):

    cli, server             the command line; the HTTP API and the booth (server extra)
    verify | board          the independent verifier; the board's storage, log and key
    record                  the record files, the ballot log, Merkle trees, tree heads, receipts
    election                manifest, credentials, ballots, tally, decryption, result
    crypto                  ristretto255 (libsodium, through crypto._sodium only), hashing,
                            ElGamal, proofs, key ceremony, threshold decryption
    jsonfields, errors      strict JSON decoding; the one error hierarchy

The verifier and everything below it need neither the server extra nor the network.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
