// The proof of work a sign-up costs: fetch a challenge, solve it in a Web Worker, report progress.
// Started as soon as the sign-up form shows, so it is usually done before the teen presses »Create«.

const WORKER_URL = new URL('./challenge-worker.js', import.meta.url);

/** Solves one challenge; ``onProgress(fraction)`` while it works. Resolves to the payload the server checks. */
export function solveChallenge(challenge, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL);
    worker.onmessage = (event) => {
      const { progress, number } = event.data;
      if (progress !== undefined) { onProgress(progress); return; }
      worker.terminate();
      if (number === null) { reject(new Error('unsolvable challenge')); return; }
      onProgress(1);
      resolve({
        algorithm: challenge.algorithm, challenge: challenge.challenge, number,
        salt: challenge.salt, signature: challenge.signature,
      });
    };
    worker.onerror = (error) => { worker.terminate(); reject(error); };
    worker.postMessage({ challenge: challenge.challenge, salt: challenge.salt, maxNumber: challenge.maxNumber });
  });
}

/**
 * One solved challenge at a time, fetched and solved ahead of need. ``take()`` hands the solution over
 * (waiting for it, with progress) and starts the next one, because a challenge buys one sign-up attempt.
 */
export class ChallengeSupply {
  constructor(api, onProgress = () => {}) {
    this.api = api;
    this.onProgress = onProgress;
    this.pending = null;
    this.done = false;
  }

  prepare() {
    if (!this.pending) {
      this.done = false;
      this.pending = this.api.challenge()
        .then((challenge) => solveChallenge(challenge, (fraction) => { if (!this.done) this.onProgress(fraction); }))
        .finally(() => { this.done = true; });
      this.pending.catch(() => { this.pending = null; }); // a failed fetch is retried at the next take
    }
    return this.pending;
  }

  async take() {
    const solution = await this.prepare();
    this.pending = null;
    return solution;
  }
}
