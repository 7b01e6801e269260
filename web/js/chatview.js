// Renders a ChatConnection's state: messages keyed by id in id order, the outbox, topic, pin,
// who is present and the connection status. Shared by the teen and the mentor view.
import { h, clear, announcer } from './dom.js';
import { t, formatTime, errorText, locale } from './i18n.js';

const STAFF = new Set(['mentor', 'admin']);
// A message kept until the room opens says what it waits for.
const WAITING_FOR = { waiting_for_mentor: 'chat.waitingForMentor', waiting_for_admission: 'chat.waitingForAdmission' };

export function isStaff(role) { return STAFF.has(role); }

/** Who is present, in the order both pages list them: staff first, then by name. */
export function presentInOrder(present) {
  return Array.from(present.values())
    .sort((a, b) => (isStaff(b.role) - isStaff(a.role)) || a.pseudonym.localeCompare(b.pseudonym));
}

export function badge(role) {
  return isStaff(role) ? h('span', { class: 'badge badge--mentor', text: t(`role.${role}`) }) : null;
}

export class ChatView {
  /**
   * @param {ChatConnection} connection
   * @param {object} parts  elements: list, topic, pinned, present, presentCount, status, live; and
   *   optionally ``scroller`` (a StickyList: keeps the list at the newest unless the reader scrolled up)
   * @param {object} options  messageActions(message, own) -> [elements]; daySeparators: a heading
   *   ("I dag", "I går", a weekday and date) where the day changes
   */
  constructor(connection, parts, { messageActions = () => [], daySeparators = false } = {}) {
    this.connection = connection;
    this.parts = parts;
    this.messageActions = messageActions;
    this.daySeparators = daySeparators;
    this.nodes = new Map(); // message id or "out:" + client_id -> <li>
    this.announce = announcer(parts.live);
    this.handlers = {
      change: () => this.render(),
      joined: () => this.renderHeader(),
      frame: (event) => this.onFrame(event.detail),
      message: (event) => this.onMessage(event.detail),
      status: (event) => this.renderStatus(event.detail),
    };
    for (const [type, handler] of Object.entries(this.handlers)) connection.addEventListener(type, handler);
    this.onLang = () => { this.nodes.clear(); clear(parts.list); this.render(); this.renderHeader(); this.renderStatus({ status: connection.status }); };
    document.addEventListener('langchange', this.onLang);
    this.renderStatus({ status: connection.status });
  }

  destroy() {
    for (const [type, handler] of Object.entries(this.handlers)) this.connection.removeEventListener(type, handler);
    document.removeEventListener('langchange', this.onLang);
    this.nodes.clear();
    clear(this.parts.list);
  }

  onFrame(frame) {
    if (['presence', 'topic', 'pinned'].includes(frame.type)) this.renderHeader();
    if (frame.type === 'message_removed') this.renderHeader();
  }

  onMessage({ message, own }) {
    if (own) return;
    const text = message.kind === 'announcement'
      ? t('live.announcement', { text: message.text })
      : t('live.message', { name: message.pseudonym, text: message.text });
    this.announce(text);
  }

  renderStatus({ status, retryIn, waitingTurn }) {
    const node = this.parts.status;
    if (!node) return;
    node.dataset.status = status;
    const waiting = waitingTurn ? 'status.waitingTurn' : 'status.reconnectingIn';
    node.textContent = retryIn && status === 'reconnecting'
      ? t(waiting, { seconds: Math.ceil(retryIn / 1000) })
      : t(`status.${status}`);
    this.render(); // pending messages say whether they wait for the network
  }

  renderHeader() {
    const { session, present } = this.connection;
    const { topic, pinned, presentList, presentCount } = this.parts;
    if (topic) {
      topic.hidden = !(session && session.topic);
      if (session && session.topic) topic.replaceChildren(h('span', { class: 'label', text: t('chat.topic') }), ' ', h('span', { text: session.topic }));
    }
    if (pinned) {
      const pin = session && session.pinned;
      pinned.hidden = !pin;
      if (pin) pinned.replaceChildren(h('span', { class: 'label', text: t('chat.pinned') }), ' ', h('span', { text: pin.text }));
    }
    if (presentList) {
      const members = presentInOrder(present);
      presentList.replaceChildren(...members.map((member) => h('li', {}, h('span', { text: member.pseudonym }), ' ', badge(member.role))));
      if (presentCount) presentCount.textContent = t('chat.presentCount', { count: members.length });
    }
  }

  render() {
    const { list } = this.parts;
    const connection = this.connection;
    const me = connection.you && connection.you.pseudonym;
    const wanted = [];
    let day = null;
    const dayBreak = (iso) => {
      if (!this.daySeparators) return;
      const key = dayKey(iso);
      if (key === day) return;
      day = key;
      const label = dayLabel(iso);
      let node = this.nodes.get(`day:${key}`);
      if (!node || node.textContent !== label) {
        const fresh = h('li', { class: 'day', dataset: { day: key } }, h('span', { class: 'day__label', text: label }));
        if (node) node.replaceWith(fresh);
        node = fresh;
        this.nodes.set(`day:${key}`, node);
      }
      wanted.push(node);
    };
    for (const message of connection.sortedMessages()) {
      dayBreak(message.created_at);
      let node = this.nodes.get(message.id);
      if (!node || node.dataset.text !== message.text) {
        const fresh = this.messageNode(message, message.pseudonym === me);
        if (node) node.replaceWith(fresh);
        node = fresh;
        this.nodes.set(message.id, node);
      }
      wanted.push(node);
    }
    const waiting = connection.status === 'online' ? 'sending' : 'waiting';
    for (const item of connection.pending()) {
      dayBreak(new Date().toISOString()); // what waits to go out is written today
      const key = `out:${item.client_id}`;
      const signature = `${item.state}|${waiting}|${item.error ? item.error.code : ''}`;
      let node = this.nodes.get(key);
      if (!node || node.dataset.signature !== signature) {
        const fresh = this.pendingNode(item);
        fresh.dataset.signature = signature;
        if (node) node.replaceWith(fresh);
        node = fresh;
        this.nodes.set(key, node);
      }
      wanted.push(node);
    }
    // Drop nodes of removed messages and confirmed sends.
    const keep = new Set(wanted);
    for (const [key, node] of this.nodes) {
      if (!keep.has(node)) { node.remove(); this.nodes.delete(key); }
    }
    // Put nodes in order, moving only those out of place (a moved node would lose focus).
    const { scroller } = this.parts;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    let cursor = list.firstChild;
    for (const node of wanted) {
      if (node === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(node, cursor);
    }
    if (scroller) scroller.afterRender();
    else if (atBottom) list.scrollTop = list.scrollHeight;
    this.parts.empty && (this.parts.empty.hidden = wanted.length > 0);
  }

  messageNode(message, own) {
    const announcement = message.kind === 'announcement';
    const classes = ['msg'];
    if (own) classes.push('msg--own');
    if (isStaff(message.role)) classes.push('msg--mentor');
    if (announcement) classes.push('msg--announcement');
    const node = h('li', { class: classes.join(' '), dataset: { id: message.id, text: message.text } },
      h('div', { class: 'msg__meta' },
        announcement ? h('span', { class: 'msg__kind', text: t('chat.announcement') }) : null,
        h('span', { class: 'msg__author', text: message.pseudonym }),
        badge(message.role),
        own ? h('span', { class: 'visually-hidden', text: t('chat.you') }) : null,
        h('time', { class: 'msg__time', datetime: message.created_at, text: formatTime(message.created_at) })),
      h('p', { class: 'msg__text', text: message.text }));
    const actions = this.messageActions(message, own).filter(Boolean);
    if (actions.length) node.append(h('div', { class: 'msg__actions' }, actions));
    return node;
  }

  pendingNode(item) {
    const waitsFor = item.error && WAITING_FOR[item.error.code];
    const waiting = waitsFor ? t(waitsFor) : this.connection.status === 'online' ? t('chat.sending') : t('chat.waitingForNetwork');
    const node = h('li', { class: `msg msg--own msg--pending${item.state === 'failed' ? ' msg--failed' : ''}`, dataset: { clientId: item.client_id } },
      h('div', { class: 'msg__meta' },
        h('span', { class: 'msg__author', text: (this.connection.you && this.connection.you.pseudonym) || t('chat.you') }),
        h('span', { class: 'msg__state', text: item.state === 'failed' ? t('chat.notSent') : waiting })),
      h('p', { class: 'msg__text', text: item.text }));
    if (item.state === 'failed') {
      const error = item.error || {};
      node.append(h('p', { class: 'msg__error', text: sendErrorText(error) }),
        h('div', { class: 'msg__actions' },
          h('button', { type: 'button', class: 'btn btn--small', text: t('chat.sendAgain'), onclick: () => this.connection.retry(item.client_id) }),
          h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: t('chat.discard'), onclick: () => this.connection.discard(item.client_id) })));
    }
    return node;
  }
}

/** The reader's own calendar day of an instant (their time zone), as YYYY-MM-DD. */
function dayKey(iso) {
  const date = new Date(iso);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** "I dag", "I går", or a weekday and date in the reader's language ("mandag 23. november"). */
export function dayLabel(iso, now = new Date()) {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return t('chat.today');
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return t('chat.yesterday');
  const date = new Date(iso);
  const options = { weekday: 'long', day: 'numeric', month: 'long' };
  if (date.getFullYear() !== now.getFullYear()) options.year = 'numeric';
  return new Intl.DateTimeFormat(locale(), options).format(date);
}

export function sendErrorText(error) {
  const vars = {};
  if (error.until) vars.until = formatTime(error.until);
  if (error.retry_after) { vars.seconds = error.retry_after; vars.retry_after = error.retry_after; }
  if (error.max_length) vars.max = error.max_length;
  if (error.minutes !== undefined) vars.minutes = error.minutes;
  return errorText(error.code, error.message, vars);
}

/** Enter sends, Shift+Enter makes a new line; the form's submit does the rest. */
export function enterSends(textarea, form) {
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}
