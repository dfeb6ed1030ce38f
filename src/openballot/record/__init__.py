"""The election record: its files, the ballot log and its Merkle tree (RFC 9162 hashing)."""
