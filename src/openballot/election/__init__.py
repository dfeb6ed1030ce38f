"""The election protocol: manifest, credentials, ballots, tally, decryption and results."""
