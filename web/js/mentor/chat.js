// The live chat of one session, with the mentor's tools at hand: moderation at every message and
// every name, and the session's topic, announcement, slow mode, pin, extend and close.
import { t, formatTime, errorText, translatedOr, currentLang } from '../i18n.js';
import { ChatConnection } from '../socket.js';
import { ChatView, enterSends, isStaff, badge, presentInOrder } from '../chatview.js';
import { h, $, clear } from '../dom.js';

const EXTEND_MINUTES = 15;
// A mentor's ping is the heartbeat that says they are still in the room (the server forgets a
// mentor not heard from for 90 s): much more often than a teen's keep-alive.
const HEARTBEAT_MS = 30 * 1000;

export function createChat({ wsUrl, account, api, calls, announce, moderate, onReport, onShow, handover, features = [] }) {
  let chat = null; // {session, group, connection, view}

  function open(session, group) {
    close();
    chat = { session, group };
    $('#chat-title').textContent = group.name;
    $('#chat-ends').textContent = t('groups.openUntil', { time: formatTime(session.ends_at) });
    $('#topic-text').value = session.topic || '';
    clear($('#chat-notices'));
    showEnded(false);
    const { token, expires_at: expiresAt, mentor } = account.current;
    const connection = new ChatConnection({
      wsUrl, token, groupId: group.id, expiresAt: Date.parse(expiresAt),
      storageKey: `gruppechat.outbox.mentor.${mentor.id}.${group.id}`,
      params: () => ({ lang: currentLang() }),
      pingEveryMs: HEARTBEAT_MS,
      check: () => api.connectCheck(group.id), // why a connection was refused: the socket cannot say
    });
    chat.queue = [];
    chat.connection = connection;
    chat.view = new ChatView(connection, {
      list: $('#messages'), topic: $('#chat-topic'), pinned: $('#chat-pinned'), presentList: null,
      status: $('#chat-status'), live: $('#live'), empty: $('#messages-empty'),
    }, { messageActions });
    connection.addEventListener('joined', (event) => {
      chat.session = event.detail.session;
      chat.group = { ...chat.group, ...event.detail.group };
      chat.queue = event.detail.queue || [];
      $('#topic-text').value = chat.session.topic || '';
      $('#slow-mode').value = String(event.detail.slow_mode_s || 0);
      renderSide();
    });
    connection.addEventListener('frame', (event) => onFrame(event.detail));
    connection.addEventListener('ended', (event) => {
      $('#chat-ended-text').textContent = translatedOr(`ended.${event.detail.reason}`, t('ended.generic'));
      showEnded(true);
    });
    for (const feature of features) feature.attach(connection); // the check-in spread, rounds
    onShow();
    handover?.enter(group); // last week's summary and the group's notes (mentor/handover.js)
    $('#chat-title').tabIndex = -1;
    $('#chat-title').focus();
    connection.start();
  }

  function close() {
    if (!chat) return;
    handover?.leave();
    for (const feature of features) feature.detach();
    chat.view?.destroy();
    chat.connection?.stop();
    chat = null;
  }

  function showEnded(ended) {
    $('#chat-ended').hidden = !ended;
    $('#composer').hidden = ended;
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'presence': case 'topic': case 'pinned': case 'message_removed': renderSide(); break;
      case 'report': onReport(frame.report); break;
      case 'session_closing': notice('closing', t('notice.closing', { time: formatTime(frame.ends_at) })); break;
      case 'session_extended':
        $('#chat-notices').querySelector('[data-kind="closing"]')?.remove();
        $('#chat-ends').textContent = t('groups.openUntil', { time: formatTime(frame.ends_at) });
        break;
      case 'slow_mode': $('#slow-mode').value = String(frame.seconds || 0); break;
      case 'queue':
        if (frame.waiting.length > chat.queue.length) announce(t('mentor.queue.arrived', { count: frame.waiting.length }));
        chat.queue = frame.waiting;
        renderQueue();
        break;
      case 'locked':
        chat.session.locked = frame.locked;
        renderLock();
        break;
      case 'error': notice('error', errorText(frame.code, frame.message, frame)); break;
      default: break;
    }
    if (frame.type === 'topic') $('#topic-text').value = frame.topic || '';
  }

  /** A notice above the messages; a newer one of the same kind takes the old one's place. */
  function notice(kind, text, role = 'status') {
    const box = $('#chat-notices');
    box.querySelector(`[data-kind="${kind}"]`)?.remove();
    box.append(h('div', { class: `notice notice--${kind}`, role, dataset: { kind } }, h('p', { text }),
      h('button', {
        type: 'button', class: 'btn btn--small btn--quiet notice__close', text: t('nav.dismiss'),
        onclick: (event) => event.currentTarget.closest('.notice').remove(),
      })));
  }

  /** Moderation right at each message: remove and pin; mute, kick and ban its author. */
  function messageActions(message) {
    const actions = [
      h('button', {
        type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.mod.remove'), dataset: { action: 'remove' },
        'aria-label': t('mentor.mod.removeFrom', { name: message.pseudonym }),
        onclick: (event) => moderate('remove', { message }, event.currentTarget),
      }),
      h('button', {
        type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.mod.pin'), dataset: { action: 'pin' },
        onclick: () => tool((sid) => api.pin(sid, message.id)),
      }),
    ];
    if (!isStaff(message.role)) actions.push(...personActions(message.pseudonym));
    return actions;
  }

  function personActions(pseudonym) {
    return ['mute', 'kick', 'ban'].map((action) => h('button', {
      type: 'button', class: 'btn btn--small btn--quiet', text: t(`mentor.mod.${action}`), dataset: { action },
      'aria-label': t(`mentor.mod.${action}Who`, { name: pseudonym }),
      onclick: (event) => moderate(action, { pseudonym }, event.currentTarget),
    })).concat(handover?.noteButton(pseudonym) || []);
  }

  /** Who is present, staff first, each teen with mute, kick and ban. */
  function renderSide() {
    if (!chat || !chat.connection) return;
    const members = presentInOrder(chat.connection.present);
    $('#present-count').textContent = t('chat.presentCount', { count: members.length });
    $('#present-list').replaceChildren(...members.map((member) => h('li', {},
      h('span', { class: 'present__name', text: member.pseudonym }), ' ', badge(member.role),
      isStaff(member.role) ? null : h('span', { class: 'present__actions' }, personActions(member.pseudonym)))));
    const pinned = chat.connection.session && chat.connection.session.pinned;
    $('#unpin').hidden = !pinned;
    renderQueue();
    renderLock();
    $('#enrol-form').hidden = chat.group.entry_mode !== 'members_only';
  }

  /** The waiting room, live: who waits to be let in, the longest waiting first. */
  function renderQueue() {
    if (!chat) return;
    const waiting = chat.queue || [];
    $('#queue').hidden = chat.group.entry_mode !== 'waiting_room' && waiting.length === 0;
    $('#queue-title').textContent = t('mentor.queue.title', { count: waiting.length });
    $('#queue-empty').hidden = waiting.length > 0;
    $('#admit-all').hidden = waiting.length < 2;
    $('#queue-list').replaceChildren(...waiting.map((item) => h('li', {},
      h('span', { class: 'queue__name', text: item.pseudonym }),
      h('time', { class: 'hint', datetime: item.since, text: t('mentor.queue.since', { time: formatTime(item.since) }) }),
      h('button', {
        type: 'button', class: 'btn btn--small btn--primary', text: t('mentor.queue.admit'),
        'aria-label': t('mentor.queue.admitWho', { name: item.pseudonym }),
        onclick: () => tool((sid) => api.admit(sid, item.pseudonym), async () => announce(t('mentor.queue.admitted', { name: item.pseudonym }))),
      }),
      h('button', {
        type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.queue.decline'),
        'aria-label': t('mentor.queue.declineWho', { name: item.pseudonym }),
        onclick: () => tool((sid) => api.decline(sid, item.pseudonym)),
      }))));
  }

  function renderLock() {
    if (!chat || !chat.session) return;
    const locked = Boolean(chat.session.locked);
    const button = $('#lock-session');
    button.textContent = t(locked ? 'mentor.chat.unlock' : 'mentor.chat.lock');
    button.setAttribute('aria-pressed', String(locked));
  }

  /** One of the session's tools, called with the session id; a refusal shows under the tools. */
  function tool(call, after) {
    return chat ? calls.act($('#side-error'), () => call(chat.session.id), after) : false;
  }

  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('#composer-text').value.trim();
    if (!text || !chat) return;
    chat.connection.send(text);
    $('#composer-text').value = '';
  });
  enterSends($('#composer-text'), $('#composer'));
  $('#topic-form').addEventListener('submit', (event) => {
    event.preventDefault();
    tool((sid) => api.topic(sid, $('#topic-text').value.trim()));
  });
  $('#announce-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('#announce-text').value.trim();
    if (text && await tool((sid) => api.announce(sid, text))) $('#announce-text').value = '';
  });
  $('#slow-mode').addEventListener('change', (event) => tool((sid) => api.slowMode(sid, Number(event.target.value))));
  $('#unpin').addEventListener('click', () => tool((sid) => api.pin(sid, null)));
  $('#extend').addEventListener('click', () => tool((sid) => api.extend(sid, EXTEND_MINUTES), async () => {
    announce(t('mentor.chat.extended'));
  }));
  $('#close-session').addEventListener('click', (event) => moderate('close', {}, event.currentTarget));
  $('#admit-all').addEventListener('click', () => tool((sid) => api.admit(sid, null)));
  $('#lock-session').addEventListener('click', () => {
    if (!chat || !chat.session) return;
    const locking = !chat.session.locked;
    tool((sid) => api.lock(sid, locking), async () => announce(t(locking ? 'mentor.chat.lockedNow' : 'mentor.chat.unlockedNow')));
  });
  $('#enrol-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = $('#enrol-name').value.trim();
    if (!name || !chat) return;
    if (await calls.act($('#side-error'), () => api.enrol(chat.group.id, name))) {
      $('#enrol-name').value = '';
      announce(t('mentor.enrol.done', { name }));
    }
  });
  $('#rejoin').addEventListener('click', () => {
    if (!chat) return;
    showEnded(false);
    chat.connection.rejoin();
  });
  $('#chat-back').addEventListener('click', () => { close(); onShow(); });

  return {
    open, close, notice, renderSide,
    /** The chat open now, {session, group, connection, view}, or null. */
    get current() { return chat; },
  };
}
