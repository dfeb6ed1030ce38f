// The three kinds of error the protocol raises on purpose, as in src/openballot/errors.py.

export class OpenBallotError extends Error {
  constructor(message) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bytes or JSON that are not a canonical encoding of the expected object. */
export class DecodeError extends OpenBallotError {}

/** A zero-knowledge proof or a signature that does not verify. */
export class ProofError extends OpenBallotError {}

/** A message that is well formed but breaks a rule of the protocol. */
export class ProtocolError extends OpenBallotError {}
