// The live chats a mentor is in, one tab each: a mentor on duty for two groups at once switches
// between them and neither loses its messages, its waiting room or its connection. The mentor's
// tools sit beside the open one: a "⋯" menu at every message and every name (remove, pin, mute,
// kick, ban, resolve its report), and the session's slow mode, extend, lock, close, topic and
// announcement. Reported and crisis messages carry their mark in words, not only in colour.
import { t, formatTime, errorText, translatedOr, currentLang } from '../i18n.js';
import { ChatConnection } from '../socket.js';
import { ChatView, enterSends, isStaff, badge, presentInOrder } from '../chatview.js';
import { h, $, clear } from '../dom.js';
import { actionMenu } from './menu.js';

const EXTEND_MINUTES = 15;
// A mentor's ping is the heartbeat that says they are still in the room (the server forgets a
// mentor not heard from for 90 s): much more often than a teen's keep-alive.
const HEARTBEAT_MS = 30 * 1000;
// The parts of a chat that exist once per chat; the open chat's parts carry these ids.
const PART_IDS = { status: 'chat-status', topic: 'chat-topic', pinned: 'chat-pinned', notices: 'chat-notices', list: 'messages', empty: 'messages-empty' };
const FLAGGED = new Set(['crisis', 'danger']);

export function createChat({
  wsUrl, account, api, calls, announce, moderate, onReport, onShow, reportFor, resolveReport, handover, features = [], morePersonItems = () => [],
}) {
  const chats = new Map(); // group id -> {session, group, connection, view, parts, room, queue, ended, unread, ...}
  let active = null; // the group id of the chat on screen, or null (the list of groups is)

  /** Enter a group's open session, or go back to its tab; ``messageId``: scroll to that message. */
  function open(session, group, { messageId = null } = {}) {
    const existing = chats.get(group.id);
    if (existing && existing.session.id === session.id && !existing.ended) {
      existing.focusMessage = messageId;
      show(group.id);
      scrollToFocus(existing);
      return;
    }
    if (existing) drop(existing);
    const chat = { session, group, queue: [], ended: false, unread: 0, slow: 0, focusMessage: messageId };
    chat.parts = {
      status: h('p', { class: 'status', role: 'status' }),
      topic: h('p', { class: 'topic', hidden: true }),
      pinned: h('p', { class: 'pinned', hidden: true }),
      notices: h('div', { class: 'notices' }),
      list: h('ol', { class: 'messages', 'aria-labelledby': 'messages-label', tabindex: '0' }),
      empty: h('p', { class: 'hint messages__empty', hidden: true, text: t('chat.empty') }),
    };
    const { status, topic, pinned, notices, list, empty } = chat.parts;
    chat.room = h('div', { class: 'chat-room', hidden: true },
      h('div', { class: 'chat-room__head' }, status, topic, pinned), notices, list, empty);
    $('#chat-rooms').append(chat.room);
    keepNewestInView(chat);
    const { token, expires_at: expiresAt, mentor } = account.current;
    const connection = new ChatConnection({
      wsUrl, token, groupId: group.id, expiresAt: Date.parse(expiresAt),
      storageKey: `gruppechat.outbox.mentor.${mentor.id}.${group.id}`,
      params: () => ({ lang: currentLang() }),
      pingEveryMs: HEARTBEAT_MS,
      check: () => api.connectCheck(group.id), // why a connection was refused: the socket cannot say
    });
    chat.connection = connection;
    for (const feature of features) feature.attach(connection); // the check-in spread, rounds: per chat
    chat.view = new ChatView(connection, {
      list, topic, pinned, presentList: null, status, live: $('#live'), empty,
    }, { messageActions: (message) => [messageMenu(chat, message)] });
    connection.addEventListener('joined', (event) => {
      chat.session = event.detail.session;
      chat.group = { ...chat.group, ...event.detail.group };
      chat.queue = event.detail.queue || [];
      chat.slow = event.detail.slow_mode_s || 0;
      if (isActive(chat)) renderTools();
    });
    connection.addEventListener('change', () => { mark(chat); scrollToFocus(chat); });
    connection.addEventListener('message', (event) => {
      if (!isActive(chat) && !event.detail.own) { chat.unread += 1; renderTabs(); }
    });
    connection.addEventListener('frame', (event) => onFrame(chat, event.detail));
    connection.addEventListener('ended', (event) => {
      chat.ended = true;
      chat.endedText = translatedOr(`ended.${event.detail.reason}`, t('ended.generic'));
      if (isActive(chat)) showEnded(chat);
      renderTabs();
    });
    chats.set(group.id, chat);
    show(group.id);
    $('#chat-title').tabIndex = -1;
    $('#chat-title').focus();
    connection.start();
  }

  /** A chat read at its newest message stays there when the list gets shorter (a notice above it,
   *  the window resized) or the chat comes back from another tab; one scrolled up stays put. */
  function keepNewestInView(chat) {
    const list = chat.parts.list;
    chat.atNewest = true;
    list.addEventListener('scroll', () => {
      if (list.clientHeight === 0) return; // hidden in its tab: where it was still counts
      chat.savedScroll = list.scrollTop;
      chat.atNewest = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    });
    chat.resized = new ResizeObserver(() => {
      if (list.clientHeight === 0 || chat.focusMessage) return;
      list.scrollTop = chat.atNewest ? list.scrollHeight : chat.savedScroll || 0;
    });
    chat.resized.observe(list);
  }

  function isActive(chat) {
    return active !== null && chats.get(active) === chat;
  }

  /** Put a chat on screen: its parts take the page's ids, the tools show its state. */
  function show(groupId) {
    active = groupId;
    for (const [id, chat] of chats) {
      const on = id === groupId;
      chat.room.hidden = !on;
      for (const [part, node] of Object.entries(chat.parts)) {
        if (on) node.id = PART_IDS[part];
        else node.removeAttribute('id');
      }
    }
    const chat = chats.get(groupId);
    if (chat) {
      chat.unread = 0;
      $('#chat-title').textContent = chat.group.name;
      renderEnds(chat);
      $('#topic-text').value = chat.session.topic || '';
      showEnded(chat);
      renderTools();
      for (const feature of features) feature.show(chat.connection);
      handover?.enter(chat.group); // last week's summary and the group's notes (mentor/handover.js)
    }
    renderTabs();
    onShow();
  }

  /** Back to the list of groups; every chat stays connected in its tab. */
  function showList() {
    active = null;
    for (const chat of chats.values()) chat.room.hidden = true;
    for (const feature of features) feature.show(null);
    handover?.leave();
    renderTabs();
    onShow();
  }

  /** Leave one chat: its connection ends and its tab goes. */
  function drop(chat) {
    for (const feature of features) feature.detach(chat.connection);
    if (isActive(chat)) handover?.leave();
    chat.view?.destroy();
    chat.connection?.stop();
    chat.resized?.disconnect();
    chat.room.remove();
    for (const [id, each] of chats) if (each === chat) chats.delete(id);
    if (isActive(chat) || !chats.has(active)) active = null;
  }

  function leave(groupId) {
    const chat = chats.get(groupId);
    if (!chat) return;
    const wasActive = active === groupId;
    drop(chat);
    if (wasActive) {
      const next = chats.keys().next().value;
      if (next !== undefined) show(next); else showList();
    } else {
      renderTabs();
    }
    $('#chat-tabs button')?.focus();
  }

  /** Leave every chat (on log-out). */
  function close() {
    for (const chat of Array.from(chats.values())) drop(chat);
    active = null;
    renderTabs();
  }

  function showEnded(chat) {
    $('#chat-ended').hidden = !chat.ended;
    $('#composer').hidden = chat.ended;
    $('#chat-ended-text').textContent = chat.ended ? chat.endedText : '';
  }

  function renderEnds(chat) {
    $('#chat-ends').textContent = chat.ended ? '' : t('groups.openUntil', { time: formatTime(chat.session.ends_at) });
  }

  /** The tab strip of open chats: each names its group and how many messages came while away. */
  function renderTabs() {
    const strip = $('#chat-tabs');
    $('#chat-tabs-nav').hidden = chats.size === 0;
    strip.replaceChildren(...Array.from(chats.values()).map((chat) => {
      const flagged = Array.from(chat.connection.messages.keys()).some((id) => FLAGGED.has(reportFor(id)?.kind));
      return h('li', { class: `chat-tab${isActive(chat) ? ' chat-tab--active' : ''}` },
        h('button', {
          type: 'button', class: 'chat-tab__open', 'aria-current': isActive(chat) ? 'page' : null,
          dataset: { group: chat.group.id }, onclick: () => show(chat.group.id),
        },
        h('span', { text: chat.group.name }),
        flagged ? h('span', { class: 'badge badge--crisis', text: t('mentor.chat.flag.crisis') }) : null,
        chat.ended ? h('span', { class: 'badge', text: t('mentor.chats.ended') }) : null,
        chat.unread ? h('span', { class: 'count', text: t('mentor.chats.unread', { count: chat.unread }) }) : null),
        h('button', {
          type: 'button', class: 'chat-tab__leave', onclick: () => leave(chat.group.id),
        }, h('span', { 'aria-hidden': 'true', text: '×' }), h('span', { class: 'visually-hidden', text: t('mentor.chats.leave', { name: chat.group.name }) })));
    }));
  }

  function onFrame(chat, frame) {
    const here = isActive(chat);
    switch (frame.type) {
      case 'presence': case 'topic': case 'pinned': case 'message_removed': if (here) renderTools(); break;
      case 'report': onReport(frame.report); break;
      case 'session_closing': notice(chat, 'closing', t('notice.closing', { time: formatTime(frame.ends_at) })); break;
      case 'session_extended':
        chat.parts.notices.querySelector('[data-kind="closing"]')?.remove();
        chat.session = { ...chat.session, ends_at: frame.ends_at };
        if (here) renderEnds(chat);
        break;
      case 'slow_mode':
        chat.slow = frame.seconds || 0;
        if (here) $('#slow-mode').value = String(chat.slow);
        break;
      case 'queue':
        if (frame.waiting.length > chat.queue.length) announce(t('mentor.queue.arrived', { count: frame.waiting.length }));
        chat.queue = frame.waiting;
        if (here) renderQueue();
        break;
      case 'locked':
        chat.session = { ...chat.session, locked: frame.locked };
        if (here) renderLock();
        break;
      case 'error': notice(chat, 'error', errorText(frame.code, frame.message, frame)); break;
      default: break;
    }
    if (frame.type === 'topic') {
      chat.session = { ...chat.session, topic: frame.topic || '' };
      if (here) $('#topic-text').value = frame.topic || '';
    }
  }

  /** A notice above the chat's messages; a newer one of the same kind takes the old one's place. */
  function notice(chat, kind, text, role = 'status') {
    const box = chat.parts.notices;
    box.querySelector(`[data-kind="${kind}"]`)?.remove();
    box.append(h('div', { class: `notice notice--${kind}`, role, dataset: { kind } }, h('p', { text }),
      h('button', {
        type: 'button', class: 'btn btn--small btn--quiet notice__close', text: t('nav.dismiss'),
        onclick: (event) => event.currentTarget.closest('.notice').remove(),
      })));
  }

  /** The "⋯" menu of a message: what can be done with it and its author, asked when it opens. */
  function messageMenu(chat, message) {
    return actionMenu({
      label: t('mentor.menu.message', { name: message.pseudonym, time: formatTime(message.created_at) }),
      items: () => {
        const report = reportFor(message.id);
        return [
          { action: 'remove', text: t('mentor.menu.remove'), onSelect: (button) => moderate('remove', { message }, button) },
          { action: 'pin', text: t('mentor.menu.pin'), onSelect: () => tool(chat, (sid) => api.pin(sid, message.id)) },
          ...(isStaff(message.role) ? [] : personItems(message.pseudonym)),
          report ? { action: 'resolve', text: t('mentor.menu.resolve'), onSelect: () => resolveReport(report) } : null,
        ].filter(Boolean);
      },
    });
  }

  function personItems(pseudonym) {
    // The ban stays last, where ↑ opens the menu, behind its confirmation.
    return morePersonItems(pseudonym).concat(['mute', 'kick', 'ban'].map((action) => ({
      action, danger: action === 'ban', text: t(`mentor.mod.${action}Who`, { name: pseudonym }),
      onSelect: (button) => moderate(action, { pseudonym }, button),
    })));
  }

  /** Reported and crisis messages carry a mark in words; it goes when the report is handled. */
  function mark(chat) {
    for (const node of chat.parts.list.querySelectorAll('li.msg[data-id]')) {
      const report = reportFor(node.dataset.id);
      const kind = report ? (FLAGGED.has(report.kind) ? 'crisis' : 'reported') : null;
      if (node.dataset.flag === (kind || '')) continue;
      node.dataset.flag = kind || '';
      node.classList.toggle('msg--crisis', kind === 'crisis');
      node.classList.toggle('msg--reported', kind === 'reported');
      node.querySelector('.msg__flag')?.remove();
      if (kind) {
        node.querySelector('.msg__meta').prepend(h('span', {
          class: `badge msg__flag badge--${kind === 'crisis' ? 'crisis' : 'held_back'}`,
          text: t(`mentor.chat.flag.${kind}`),
        }));
      }
    }
  }

  /** Reports changed: the marks follow in every chat, and the tabs show which chat has a crisis. */
  function refreshMarks() {
    for (const chat of chats.values()) mark(chat);
    renderTabs();
  }

  function scrollToFocus(chat) {
    if (!chat.focusMessage || !isActive(chat)) return;
    const node = chat.parts.list.querySelector(`li[data-id="${CSS.escape(chat.focusMessage)}"]`);
    if (!node) return;
    chat.focusMessage = null;
    for (const old of chat.parts.list.querySelectorAll('.msg--focus')) old.classList.remove('msg--focus');
    node.classList.add('msg--focus');
    node.tabIndex = -1;
    node.scrollIntoView({ block: 'center' });
    node.focus({ preventScroll: true });
  }

  /** The open chat's tools: who is present (each teen with a "⋯" menu), waiting room, lock. */
  function renderTools() {
    const chat = chats.get(active);
    if (!chat || !chat.connection) return;
    const members = presentInOrder(chat.connection.present);
    $('#present-count').textContent = t('chat.presentCount', { count: members.length });
    $('#present-list').replaceChildren(...members.map((member) => h('li', {},
      h('span', { class: 'present__name', text: member.pseudonym }), ' ', badge(member.role),
      isStaff(member.role) ? null : actionMenu({
        label: t('mentor.menu.person', { name: member.pseudonym }), items: () => personItems(member.pseudonym),
      }),
      isStaff(member.role) ? null : handover?.noteButton(member.pseudonym))));
    const pinned = chat.connection.session && chat.connection.session.pinned;
    $('#unpin').hidden = !pinned;
    $('#slow-mode').value = String(chat.slow || 0);
    renderQueue();
    renderLock();
    $('#enrol-form').hidden = chat.group.entry_mode !== 'members_only';
  }

  /** The waiting room, live: who waits to be let in, the longest waiting first. */
  function renderQueue() {
    const chat = chats.get(active);
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
        type: 'button', class: 'btn btn--small btn--primary', text: t('mentor.queue.admitWho', { name: item.pseudonym }),
        onclick: () => tool(chat, (sid) => api.admit(sid, item.pseudonym), async () => announce(t('mentor.queue.admitted', { name: item.pseudonym }))),
      }),
      h('button', {
        type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.queue.declineWho', { name: item.pseudonym }),
        onclick: () => tool(chat, (sid) => api.decline(sid, item.pseudonym)),
      }))));
  }

  function renderLock() {
    const chat = chats.get(active);
    if (!chat || !chat.session) return;
    const locked = Boolean(chat.session.locked);
    const button = $('#lock-session');
    button.textContent = t(locked ? 'mentor.chat.unlock' : 'mentor.chat.lock');
    button.setAttribute('aria-pressed', String(locked));
  }

  /** One of a session's tools, called with the session id; a refusal shows under the tools. */
  function tool(chat, call, after) {
    return chat ? calls.act($('#side-error'), () => call(chat.session.id), after) : false;
  }

  const current = () => chats.get(active) || null;
  const onCurrent = (call, after) => tool(current(), call, after);

  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('#composer-text').value.trim();
    const chat = current();
    if (!text || !chat) return;
    chat.connection.send(text);
    $('#composer-text').value = '';
  });
  enterSends($('#composer-text'), $('#composer'));
  $('#topic-form').addEventListener('submit', (event) => {
    event.preventDefault();
    onCurrent((sid) => api.topic(sid, $('#topic-text').value.trim()));
  });
  $('#announce-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('#announce-text').value.trim();
    if (text && await onCurrent((sid) => api.announce(sid, text))) $('#announce-text').value = '';
  });
  $('#slow-mode').addEventListener('change', (event) => onCurrent((sid) => api.slowMode(sid, Number(event.target.value))));
  $('#unpin').addEventListener('click', () => onCurrent((sid) => api.pin(sid, null)));
  $('#extend').addEventListener('click', () => onCurrent((sid) => api.extend(sid, EXTEND_MINUTES), async () => {
    announce(t('mentor.chat.extended'));
  }));
  $('#close-session').addEventListener('click', (event) => moderate('close', {}, event.currentTarget));
  $('#admit-all').addEventListener('click', () => onCurrent((sid) => api.admit(sid, null)));
  $('#lock-session').addEventListener('click', () => {
    const chat = current();
    if (!chat || !chat.session) return;
    const locking = !chat.session.locked;
    onCurrent((sid) => api.lock(sid, locking), async () => announce(t(locking ? 'mentor.chat.lockedNow' : 'mentor.chat.unlockedNow')));
  });
  $('#enrol-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = $('#enrol-name').value.trim();
    const chat = current();
    if (!name || !chat) return;
    if (await calls.act($('#side-error'), () => api.enrol(chat.group.id, name))) {
      $('#enrol-name').value = '';
      announce(t('mentor.enrol.done', { name }));
    }
  });
  $('#rejoin').addEventListener('click', () => {
    const chat = current();
    if (!chat) return;
    chat.ended = false;
    showEnded(chat);
    renderTabs();
    chat.connection.rejoin();
  });
  $('#chat-back').addEventListener('click', showList);
  document.addEventListener('langchange', () => {
    const chat = current();
    if (chat) { renderEnds(chat); renderTools(); }
    for (const each of chats.values()) { each.parts.empty.textContent = t('chat.empty'); mark(each); }
    renderTabs();
  });

  return {
    open, close, showList, refreshMarks, renderSide: renderTools,
    notice: (kind, text, role) => { const chat = current(); if (chat) notice(chat, kind, text, role); },
    /** The chat on screen, {session, group, connection, view}, or null. */
    get current() { return current(); },
    /** Is the group's session open in a tab? */
    has: (groupId) => chats.has(groupId),
  };
}
