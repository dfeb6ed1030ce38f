// Casting with retries. Casting is idempotent (the board answers a ballot it already holds
// with the same receipt, 200 instead of 201), so when the answer is lost (no answer at all, or
// a 5xx: the board's fault) the booth sends the same ballot again by itself, a few times with
// a growing pause; if every attempt fails it asks the board, by tracker, whether it has the
// ballot after all (GET .../ballots/{tracker}, whose answer is a receipt too).

import { api } from './api.js';
import { retryable } from './problems.js';

/** Pauses before the 2nd, 3rd and 4th attempts (ms); each gets up to 25% more at random, so
 * that many voters cut off together do not come back together. */
export const RETRY_DELAYS = Object.freeze([500, 1500, 3000]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Cast `ballot` (an EncryptedBallot) in election `electionId`. Returns {data, recovered}: the
 * board's answer (a receipt, still to verify) and whether it came only after a lost answer
 * (a retry, or the look-up by tracker). Throws the last error when the ballot is refused (a
 * 4xx: sending it again would not help) or when the board could not be reached at all.
 * `onRetry(attempt, max)` and `onAsk()` report progress; `request`, `lookUp` and `delays` are
 * for tests.
 */
export async function castWithRetries(
  electionId,
  ballot,
  { onRetry = () => {}, onAsk = () => {}, delays = RETRY_DELAYS, request = api.cast, lookUp = api.ballot, wait = sleep } = {},
) {
  const body = ballot.toJSON();
  const attempts = delays.length + 1;
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      onRetry(attempt, attempts);
      const pause = delays[attempt - 2];
      await wait(pause + Math.floor(Math.random() * pause * 0.25));
    }
    try {
      const { data } = await request(electionId, body);
      return { data, recovered: attempt > 1 };
    } catch (err) {
      if (!retryable(err)) throw err;
      last = err;
    }
  }
  onAsk();
  try {
    const { data } = await lookUp(electionId, ballot.trackerHex());
    return { data, recovered: true };
  } catch {
    // Not on the board (404), or the board still out of reach: the cast failed as it did.
    throw last;
  }
}
