"""Abuse resistance: what makes a script's attack slow and a refusal cheap.

* :mod:`.sources` — where a request comes from, kept only as a salted hash whose salt changes daily;
* :mod:`.limiter` — rate limits counted atomically in DynamoDB, per account or name and per source,
  and the log-in guard that slows a guessed name down instead of locking its owner out;
* :mod:`.challenge` — the proof of work a sign-up costs (the ALTCHA protocol, no third party);
* :mod:`.revocation` — closing a revoked person's live sockets at once.

``docs/abuse.md`` gives every figure and why it was chosen.
"""
