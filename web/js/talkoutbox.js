// The outbox of private talks (outbox.js, each item tagged with its talk): a message written in a
// talk is kept until the server's own ``private_message`` (or a ``talk_history`` after a reconnect)
// with the same client_id confirms it, and is sent again each time the line is back. The server
// stores a talk message once per client_id, so a re-send never makes a second copy. Kept in
// sessionStorage, so a reload sends it too. Used by the teen's talk panel and the mentor's console.
import { Outbox } from './outbox.js';

// Refusals that change by waiting: sent again by themselves (``not_stored``: nothing was saved).
const RETRY_LATER = new Set(['rate_limited', 'slow_mode', 'not_stored']);

export class TalkOutbox {
  /**
   * @param {object} options
   * @param {string|null} options.storageKey where it survives a reload (sessionStorage)
   * @param {function} options.transmit sends a frame; true when it went on an open line
   * @param {function} options.onChange after anything changed that the page shows
   */
  constructor({ storageKey = null, transmit, onChange = () => {} }) {
    this.outbox = new Outbox(storageKey);
    this.transmit = transmit;
    this.onChange = onChange;
    this.retryTimers = new Map(); // client_id -> timer of a send that waits its turn
  }

  /** What is still on its way (or refused) in a talk, in the order it was written. */
  forTalk(talkId) { return this.outbox.list().filter((item) => item.extra && item.extra.talk_id === talkId); }

  has(clientId) { return Boolean(clientId) && this.outbox.has(clientId); }

  /** The words go into the outbox (never lost from here), and onto the line if it is open. */
  write(talkId, text) {
    const item = this.outbox.add(text, { talk_id: talkId });
    this._send(item);
    this.onChange();
    return item;
  }

  /** The line is (back) open: everything waiting goes, with the client_id it had. */
  flush() {
    for (const item of this.outbox.waiting()) this._send(item);
  }

  /** "Send again" on a refused message. */
  retry(clientId) {
    const item = this.outbox.retry(clientId);
    if (item) this._send(item);
    this.onChange();
  }

  discard(clientId) {
    this._forget(clientId);
    this.onChange();
  }

  /** Everything gone (a mentor logs out: their words are not for the next one at this screen). */
  clear() {
    for (const item of this.outbox.list()) this._forget(item.client_id);
    this.onChange();
  }

  /**
   * A frame of the line. Confirms what it names, or marks a refused send failed. Returns the item a
   * ``held_back`` notice answered (no longer in the outbox: the page hands its words back), else null.
   */
  onFrame(frame) {
    switch (frame.type) {
      case 'private_message':
      case 'talk_history': {
        let confirmed = false;
        for (const message of frame.messages || [frame.message]) {
          if (message && message.client_id && this.outbox.has(message.client_id)) {
            this._forget(message.client_id);
            confirmed = true;
          }
        }
        if (confirmed) this.onChange();
        return null;
      }
      case 'notice': {
        const item = frame.kind === 'held_back' && frame.client_id ? this.outbox.items.get(frame.client_id) : null;
        if (!item) return null;
        this._forget(item.client_id); // re-sending would only be held back again
        this.onChange();
        return item;
      }
      case 'error': {
        const item = frame.client_id ? this.outbox.items.get(frame.client_id) : null;
        if (!item) return null;
        const later = RETRY_LATER.has(frame.code);
        this.outbox.refused(item, frame, { retryLater: later });
        if (later) {
          clearTimeout(this.retryTimers.get(item.client_id));
          const seconds = Number(frame.retry_after) || 2;
          this.retryTimers.set(item.client_id, setTimeout(() => {
            this.retryTimers.delete(item.client_id);
            if (this.outbox.has(item.client_id)) this._send(item);
          }, seconds * 1000));
        }
        this.onChange();
        return null;
      }
      default: return null;
    }
  }

  _forget(clientId) {
    clearTimeout(this.retryTimers.get(clientId));
    this.retryTimers.delete(clientId);
    this.outbox.remove(clientId);
  }

  _send(item) {
    if (item.state !== 'pending') return;
    this.transmit({ action: 'talk_send', talk_id: item.extra.talk_id, text: item.text, client_id: item.client_id });
  }
}
