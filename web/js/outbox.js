// The outbox: what the person wrote, kept until the server's message frame with the same
// client_id confirms it; saved in sessionStorage so a reload re-sends it. Never dropped, never doubled.

export function newClientId() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; getRandomValues does not (e.g. a phone on the LAN).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class Outbox {
  /** @param {string|null} storageKey where the outbox survives a reload (sessionStorage) */
  constructor(storageKey = null) {
    this.storageKey = storageKey;
    this.items = new Map(); // client_id -> {client_id, text, state: 'pending'|'failed', error}
    this.inflight = []; // client_ids sent on the current socket and not yet answered, oldest first
    this._load();
  }

  /** Everything not yet confirmed, in the order it was written. */
  list() { return Array.from(this.items.values()); }

  /** What is still to be sent (not failed). */
  waiting() { return this.list().filter((item) => item.state === 'pending'); }

  has(clientId) { return this.items.has(clientId); }

  add(text, extra = {}) {
    const item = { client_id: newClientId(), text, state: 'pending', error: null, extra };
    this.items.set(item.client_id, item);
    this._save();
    return item;
  }

  /** A failed message the person wants to send again; null when it is no longer here. */
  retry(clientId) {
    const item = this.items.get(clientId);
    if (!item) return null;
    item.state = 'pending';
    item.error = null;
    this._save();
    return item;
  }

  /** Gone for good: confirmed by the server, discarded by the person, or held back by the guard. */
  remove(clientId) {
    if (this.items.delete(clientId)) this._save();
  }

  /** The server refused it: it goes again by itself (``retryLater``), or waits for the person. */
  refused(item, frame, { retryLater = false } = {}) {
    if (!retryLater) item.state = 'failed';
    item.error = frame;
    this._save();
  }

  // --- which send a refusal answers: the server answers the sends of one socket in order ---------

  sent(item) { this.inflight.push(item.client_id); }

  /** A new (or no) socket: nothing is waiting for an answer on it. */
  newSocket() { this.inflight = []; }

  settled(clientId) { this.inflight = this.inflight.filter((id) => id !== clientId); }

  /** The oldest send waiting on this socket, or the one the frame names. */
  answered(frame) {
    let clientId = frame.client_id;
    if (clientId) this.settled(clientId);
    else clientId = this.inflight.shift();
    return clientId ? this.items.get(clientId) : null;
  }

  _load() {
    if (!this.storageKey) return;
    try {
      const saved = JSON.parse(sessionStorage.getItem(this.storageKey) || '[]');
      for (const item of saved) if (item && item.client_id && item.text) this.items.set(item.client_id, item);
    } catch { /* nothing saved */ }
  }

  _save() {
    if (!this.storageKey) return;
    try {
      if (this.items.size) sessionStorage.setItem(this.storageKey, JSON.stringify(this.list()));
      else sessionStorage.removeItem(this.storageKey);
    } catch { /* storage full or disabled: the outbox still lives in memory */ }
  }
}
