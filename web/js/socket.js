// The live chat connection: join, keep-alive, reconnect with back-off, catch up, and the outbox
// (outbox.js) re-sent after every reconnect until the server confirms each message.
import { Outbox } from './outbox.js';

const PING_EVERY_MS = 4 * 60 * 1000; // API Gateway drops a connection idle for 10 minutes
const PONG_TIMEOUT_MS = 10 * 1000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30 * 1000;
const CATCH_UP_LIMIT = 100;

// Frames after which reconnecting would only loop: the UI offers a button instead.
const ENDING_FRAMES = new Set(['kicked', 'banned', 'session_closed']);
// Refusals of a join: nothing to retry by itself.
const JOIN_REFUSALS = new Set([
  'banned', 'session_closed', 'session_full', 'group_not_found', 'forbidden', 'kicked',
  'members_only', 'session_locked', 'admission_declined',
]);
// Refusals of a send; they answer the oldest send still waiting on this socket.
const SEND_REFUSALS = new Set([
  'muted', 'repeated', 'rate_limited', 'slow_mode', 'message_too_long', 'empty_message',
  'bad_client_id', 'session_closed', 'not_joined', 'banned', 'kicked',
  'waiting_for_mentor', 'waiting_for_admission',
]);
const RETRY_LATER = new Set(['rate_limited', 'slow_mode']);
// Sends that wait for the room: no mentor yet, or not let in yet. They go by themselves when the
// room opens (a mentor arrives) or the mentor lets this teen in.
const WAIT_FOR_ROOM = new Set(['waiting_for_mentor', 'waiting_for_admission']);
// Why a connection was refused (asked through ``check`` after a socket closed before opening, since the
// browser only sees close code 1006), or why an open one was closed: reconnecting would not help.
const CONNECT_REFUSALS = new Set(['banned', 'unauthorized', 'token_expired', 'account_revoked']);

export class ChatConnection extends EventTarget {
  /**
   * @param {object} options
   * @param {string} options.wsUrl     the WebSocket endpoint from config.json
   * @param {string} options.token     the participant's or mentor's token
   * @param {string} options.groupId   the group to join
   * @param {number} [options.expiresAt] token expiry (ms since epoch); past it we stop retrying
   * @param {string} [options.storageKey] where the outbox survives a reload (sessionStorage)
   * @param {function} [options.params] extra query parameters, read at each connect (e.g. the language)
   * @param {number} [options.pingEveryMs] keep-alive interval; a mentor's ping is also their heartbeat
   * @param {function} [options.check] async; asked why after a refused connect (throws the refusal, or not)
   */
  constructor({ wsUrl, token, groupId, expiresAt = null, storageKey = null, params = () => ({}), pingEveryMs = PING_EVERY_MS, check = null }) {
    super();
    this.params = params;
    this.pingEveryMs = pingEveryMs;
    this.room = null; // {state: 'open'|'waiting'|'paused', since, locked}: is a mentor here?
    this.admission = null; // null, or the waiting room's {state: 'rules'|'waiting', group, mentor_present}
    this.agreed = false; // agreed to the group's rules at its waiting room: said again on every join
    this.check = check;
    this.wsUrl = wsUrl;
    this.token = token;
    this.groupId = groupId;
    this.expiresAt = expiresAt;
    this.messages = new Map(); // message id -> message; ids are ULIDs, so sorting by id is by time
    this.outbox = new Outbox(storageKey);
    this.present = new Map(); // pseudonym -> member
    this.session = null;
    this.group = null;
    this.you = null;
    this.lastId = null;
    this.status = 'idle';
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.ended = null;
    this.catchingUp = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.retrySendTimer = null;
    this._onOffline = () => {
      // Chromium does not always close an open WebSocket when the network goes away; we do.
      this._drop();
      clearTimeout(this.retryTimer);
      if (!this.stopped && !this.ended) this._setStatus('offline');
    };
    this._onOnline = () => {
      if (this.stopped || this.ended) return;
      if (this.ws) this.checkAlive();
      else { this.attempt = 0; this._connect(); }
    };
    this._onVisible = () => { if (document.visibilityState === 'visible' && this.ws) this.checkAlive(); };
  }

  // --- public ---------------------------------------------------------------------------------

  start() {
    window.addEventListener('offline', this._onOffline);
    window.addEventListener('online', this._onOnline);
    document.addEventListener('visibilitychange', this._onVisible);
    this._connect();
  }

  stop() {
    this.stopped = true;
    this._drop();
    clearTimeout(this.retryTimer);
    clearTimeout(this.retrySendTimer);
    window.removeEventListener('offline', this._onOffline);
    window.removeEventListener('online', this._onOnline);
    document.removeEventListener('visibilitychange', this._onVisible);
    this._setStatus('stopped');
  }

  /** After kicked / session closed: the person chose to try again. */
  rejoin() {
    this.ended = null;
    this.stopped = false;
    this.attempt = 0;
    this._connect();
  }

  /** Messages in id order (which is time order). */
  sortedMessages() {
    return Array.from(this.messages.values()).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  pending() { return this.outbox.list(); }

  /** A feature's own frame (a check-in, a round's pass); false when the socket is not open. */
  sendAction(frame) { return this._sendRaw(frame); }

  /** Fields a feature adds to the next message (a round's ``round_id`` while it is your turn). */
  extras() { return {}; }

  send(text) {
    const item = this.outbox.add(text, this.extras());
    this._changed();
    if (this._canTransmit()) this._transmit(item);
    return item.client_id;
  }

  retry(clientId) {
    const item = this.outbox.retry(clientId);
    if (!item) return;
    this._changed();
    if (this._canTransmit()) this._transmit(item);
  }

  /** In the room, or in its waiting room: there the server keeps the message back but still hears a crisis. */
  _canTransmit() { return this.status === 'online' || this.status === 'admission'; }

  discard(clientId) {
    this.outbox.remove(clientId);
    this._changed();
  }

  /** At a waiting room's door: the teen agreed to the rules and asks to be let in. */
  agree() {
    this.agreed = true;
    this._sendRaw(this._joinFrame());
  }

  /** "I am typing", for the others' indicator; only in the room itself. True when it went out. */
  typing() {
    return this.status === 'online' && this._sendRaw({ action: 'typing' });
  }

  /** A frame of a feature riding on this socket (a private talk, …): false when it cannot go now. */
  sendFrame(frame) {
    return this._sendRaw(frame);
  }

  report(messageId, reason) {
    return this._sendRaw({ action: 'report', message_id: messageId, reason });
  }

  leave() {
    if (!this._sendRaw({ action: 'leave' })) {
      this.stop();
      this._emit('left', {});
      return;
    }
    // If the answer never comes, leave anyway.
    this.leaveTimer = setTimeout(() => { this.stop(); this._emit('left', {}); }, 3000);
  }

  /** Ask the server for a pong now; no answer within the timeout means the socket is dead. */
  checkAlive() {
    if (!this._sendRaw({ action: 'ping' })) return;
    clearTimeout(this.pongTimer);
    this.pongTimer = setTimeout(() => this._lost(), PONG_TIMEOUT_MS);
  }

  // --- the socket -----------------------------------------------------------------------------

  _connect() {
    if (this.stopped || this.ended) return;
    clearTimeout(this.retryTimer);
    if (navigator.onLine === false) { this._setStatus('offline'); return; }
    if (this.expiresAt && Date.now() >= this.expiresAt) { this._end('expired', {}); return; }
    this._setStatus(this.attempt === 0 && !this.lastId ? 'connecting' : 'reconnecting');
    let ws;
    try {
      const query = new URLSearchParams({ token: this.token, ...this.params() });
      ws = new WebSocket(`${this.wsUrl}?${query}`);
    } catch {
      this._scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.outbox.newSocket();
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this._setStatus('joining');
      this._sendRaw(this._joinFrame());
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.checkAlive(), this.pingEveryMs);
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      clearTimeout(this.pongTimer); // any frame proves the connection is alive
      this._onFrame(frame);
    };
    ws.onclose = () => (opened ? this._lost() : this._refused());
    ws.onerror = () => { /* a close event follows */ };
  }

  /** The socket closed before it opened: ask why, then end, wait the time we are told, or back off. */
  async _refused() {
    this._drop();
    if (this.stopped || this.ended) return;
    let refusal = null;
    if (this.check) {
      try { await this.check(); } catch (failure) { refusal = failure; }
    }
    if (this.stopped || this.ended) return;
    if (refusal && CONNECT_REFUSALS.has(refusal.code)) {
      this._end(refusal.code, { code: refusal.code, ...refusal.details });
    } else if (refusal && refusal.code === 'too_many_attempts' && refusal.details.retry_after) {
      clearTimeout(this.retryTimer);
      const seconds = Number(refusal.details.retry_after);
      this._setStatus('reconnecting', { retryIn: seconds * 1000, waitingTurn: true });
      this.retryTimer = setTimeout(() => this._connect(), seconds * 1000);
    } else {
      this._scheduleReconnect();
    }
  }

  /** Forget the current socket at once: a dead network may never deliver its close event. */
  _drop() {
    const ws = this.ws;
    this.ws = null;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.outbox.newSocket();
    if (!ws) return;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    try { ws.close(); } catch { /* already closing */ }
  }

  _lost() {
    this._drop();
    if (this.stopped || this.ended) return;
    this._scheduleReconnect();
  }

  _scheduleReconnect() {
    clearTimeout(this.retryTimer);
    if (navigator.onLine === false) { this._setStatus('offline'); return; }
    // Exponential back-off with jitter, so a server restart is not met by every tab at once.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const wait = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt += 1;
    this._setStatus('reconnecting', { retryIn: wait });
    this.retryTimer = setTimeout(() => this._connect(), wait);
  }

  _sendRaw(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  _transmit(item) {
    const sent = this._sendRaw({
      ...(item.extra || {}),
      action: 'send', text: item.text, client_id: item.client_id, session_id: this.session && this.session.id,
    });
    if (sent) this.outbox.sent(item);
  }

  _flushOutbox() {
    for (const item of this.outbox.waiting()) this._transmit(item);
  }

  _joinFrame() {
    return this.agreed ? { action: 'join', group_id: this.groupId, agree_rules: true } : { action: 'join', group_id: this.groupId };
  }

  // --- frames ---------------------------------------------------------------------------------

  _onFrame(frame) {
    switch (frame.type) {
      case 'joined': this._joined(frame); break;
      case 'history': this._history(frame); break;
      case 'message': this._message(frame.message); break;
      case 'message_removed':
        if (this.messages.delete(frame.message_id)) this._changed({ removed: frame.message_id });
        break;
      case 'presence': this._presence(frame); break;
      case 'topic':
        if (this.session) this.session.topic = frame.topic;
        break;
      case 'pinned':
        if (this.session) this.session.pinned = frame.pinned;
        break;
      case 'session_extended':
        if (this.session) this.session.ends_at = frame.ends_at;
        break;
      case 'room':
        this.room = { state: frame.state, since: frame.since, locked: frame.locked };
        if (frame.state === 'open' && this.status === 'online') this._flushOutbox(); // what waited goes now
        break;
      case 'locked':
        if (this.room) this.room.locked = frame.locked;
        if (this.session) this.session.locked = frame.locked;
        break;
      case 'admission': this._admission(frame); break;
      case 'left':
        clearTimeout(this.leaveTimer);
        this.stop();
        this._emit('left', frame);
        break;
      case 'notice':
        if (frame.kind === 'held_back') this._heldBack(frame);
        break;
      case 'error': this._error(frame); break;
      default: break;
    }
    this._emit('frame', frame);
    if (ENDING_FRAMES.has(frame.type)) this._end(frame.type, frame);
  }

  _admission(frame) {
    if (frame.state === 'declined') {
      this.admission = null;
      this._end('admission_declined', frame);
      return;
    }
    this.admission = frame;
    this.group = frame.group;
    this.attempt = 0;
    this._setStatus('admission');
    this._emit('admission', frame);
  }

  _joined(frame) {
    const resumeFrom = this.lastId;
    if (this.session && frame.session && this.session.id !== frame.session.id) {
      this.messages.clear(); // a new week's session: last week's messages belong to another page
      this.lastId = null;
    }
    this.session = frame.session;
    this.group = frame.group;
    this.you = frame.you;
    this.room = frame.room || null;
    this.admission = null;
    this.present = new Map((frame.present || []).map((member) => [member.pseudonym, member]));
    this._merge(frame.messages || []);
    this.attempt = 0;
    this._setStatus('online');
    // The last 50 may not reach back to what we saw before the drop: ask for everything after it.
    if (resumeFrom) this._catchUp(resumeFrom);
    this._flushOutbox();
    this._emit('joined', frame);
    this._changed();
  }

  _catchUp(after) {
    this.catchingUp = true;
    this._sendRaw({ action: 'catch_up', after, limit: CATCH_UP_LIMIT });
  }

  _history(frame) {
    const added = this._merge(frame.messages || []);
    const last = (frame.messages || []).at(-1);
    if (frame.more && last) this._catchUp(last.id);
    else this.catchingUp = false;
    this._changed({ caughtUp: added });
  }

  _message(message) {
    if (!message || (this.session && message.session_id && message.session_id !== this.session.id)) return;
    const isNew = !this.messages.has(message.id);
    this._merge([message]);
    const own = this.you && message.pseudonym === this.you.pseudonym;
    if (own && message.client_id) this.outbox.remove(message.client_id);
    if (message.client_id) this.outbox.settled(message.client_id);
    if (isNew) this._emit('message', { message, own });
    this._changed();
  }

  _merge(list) {
    let added = 0;
    for (const message of list) {
      if (!message || !message.id) continue;
      if (!this.messages.has(message.id)) added += 1;
      this.messages.set(message.id, message);
      if (!this.lastId || message.id > this.lastId) this.lastId = message.id;
      // A confirmation may arrive through catch-up instead of a live frame.
      if (this.you && message.pseudonym === this.you.pseudonym) this.outbox.remove(message.client_id);
    }
    return added;
  }

  _presence(frame) {
    const member = frame.member;
    if (!member) return;
    if (frame.event === 'joined') this.present.set(member.pseudonym, member);
    else if (frame.event === 'left') this.present.delete(member.pseudonym);
  }

  _heldBack(frame) {
    const item = this.outbox.answered(frame);
    // Not delivered, and re-sending would only be held back again: hand the text back instead.
    if (item) this.outbox.remove(item.client_id);
    this._emit('heldback', { frame, text: item ? item.text : null });
    this._changed();
  }

  _error(frame) {
    if (frame.code === 'account_revoked') { this._end(frame.code, frame); return; }
    if (this.status === 'joining') {
      if (JOIN_REFUSALS.has(frame.code)) this._end(frame.code, frame);
      else this._lost();
      return;
    }
    if (frame.code === 'not_connected' || frame.code === 'not_joined') {
      // The server forgot this connection (e.g. it expired): start afresh, the outbox is kept.
      this._lost();
      return;
    }
    if (!SEND_REFUSALS.has(frame.code)) return;
    const item = this.outbox.answered(frame);
    if (!item) return;
    if (WAIT_FOR_ROOM.has(frame.code)) {
      this.outbox.refused(item, frame, { retryLater: true }); // kept, and sent when the room opens
      this._changed();
      return;
    }
    const retryLater = RETRY_LATER.has(frame.code);
    if (retryLater) {
      const seconds = Number(frame.retry_after) || 2;
      clearTimeout(this.retrySendTimer);
      this.retrySendTimer = setTimeout(() => {
        if (this.status === 'online' && this.outbox.has(item.client_id)) this._transmit(item);
      }, seconds * 1000);
    }
    this.outbox.refused(item, frame, { retryLater });
    this._changed();
  }

  _end(reason, frame) {
    if (this.ended) return;
    this.ended = reason;
    this._drop();
    clearTimeout(this.retryTimer);
    this._setStatus('ended');
    this._emit('ended', { reason, frame });
  }

  // --- events ---------------------------------------------------------------------------------

  _setStatus(status, extra = {}) {
    this.status = status;
    this._emit('status', { status, ...extra });
  }

  _changed(detail = {}) { this._emit('change', detail); }

  _emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}
