"""The bulletin board: an append-only log per election in the style of Certificate
Transparency (RFC 9162 hashing), with Ed25519-signed tree heads, stored durably in SQLite
(the embedded default) or PostgreSQL (chosen by a database URL)."""
