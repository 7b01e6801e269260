// The teen's chat: join a group, write, see why a message was held back or the chat ended, leave.
// The group is remembered for the tab, so a reload goes straight back in. The list keeps to the
// newest message (stick.js), the message box grows with the text (grow.js), others' typing shows
// above the box (typing.js), a hidden tab counts what came in its title (unread.js), and a closed
// session says when the group meets next (closed.js).
import { t, formatTime, formatWhen, translatedOr, currentLang } from '../i18n.js';
import { ChatConnection } from '../socket.js';
import { ChatView, enterSends, sendErrorText } from '../chatview.js';
import { h, $ } from '../dom.js';
import { StickyList } from './stick.js';
import { growWithText } from './grow.js';
import { createTyping } from './typing.js';
import { createUnread } from './unread.js';
import { createClosed } from './closed.js';

const GROUP_KEY = 'gruppechat.teen.group';
// Refusals the page already shows elsewhere (ended, muted, the failed message) and needs no notice for.
const SHOWN_ELSEWHERE = new Set([
  'muted', 'repeated', 'message_too_long', 'empty_message', 'session_closed', 'banned', 'kicked',
  'not_connected', 'not_joined', 'session_full', 'group_not_found', 'forbidden',
  'waiting_for_mentor', 'waiting_for_admission', 'members_only', 'session_locked', 'admission_declined',
]);

/** The group this tab was chatting in before a reload, if any. */
export function savedGroup() {
  return sessionStorage.getItem(GROUP_KEY);
}

export function createChat({
  wsUrl, api, account, notices, findGroup, refreshGroups, onReport, onShow, onLeft, onConnection = () => {}, features = [],
}) {
  let chat = null; // {connection, view, groupId}
  const scroller = new StickyList($('#messages'), $('#new-messages'));
  const fitBox = growWithText($('#composer-text'), $('#messages'));
  const typing = createTyping($('#typing'));
  const unread = createUnread();
  const closed = createClosed({ api, findGroup, refreshGroups });

  function open(groupId) {
    leave({ quiet: true });
    sessionStorage.setItem(GROUP_KEY, groupId);
    const group = findGroup(groupId);
    $('#chat-title').textContent = group ? group.name : '';
    notices.clear();
    typing.clear();
    scroller.reset();
    $('#chat-rules').replaceChildren();
    showEnded(false);
    showAdmission(null);
    const connection = new ChatConnection({
      wsUrl,
      token: account.current.token,
      groupId,
      expiresAt: Date.parse(account.current.expires_at),
      storageKey: `gruppechat.outbox.${account.current.pseudonym}.${groupId}`,
      params: () => ({ lang: currentLang() }), // the server's own notices and help lines in our language
      check: () => api.connectCheck(groupId), // why a connection was refused: the socket cannot say
    });
    const view = new ChatView(connection, {
      list: $('#messages'), topic: $('#chat-topic'), pinned: $('#chat-pinned'), presentList: $('#present-list'),
      presentCount: $('#present-count'), status: $('#chat-status'), live: $('#live'), empty: $('#messages-empty'), scroller,
    }, {
      messageActions: (message, own) => (own || message.kind === 'announcement' ? [] : [reportButton(message)]),
      daySeparators: true,
    });
    chat = { connection, view, groupId };
    onConnection(connection); // features that ride on the same socket (a private talk with a mentor)
    connection.addEventListener('joined', (event) => onJoined(event.detail));
    connection.addEventListener('admission', (event) => onAdmission(event.detail));
    connection.addEventListener('frame', (event) => onFrame(event.detail));
    connection.addEventListener('heldback', (event) => onHeldBack(event.detail));
    connection.addEventListener('message', (event) => onMessage(event.detail));
    connection.addEventListener('status', (event) => onStatus(event.detail));
    connection.addEventListener('ended', (event) => onEnded(event.detail));
    connection.addEventListener('left', () => { close(); onLeft(); });
    for (const feature of features) feature.attach(connection); // check-in, rounds
    onShow();
    $('#composer-text').focus();
    connection.start();
  }

  function close() {
    if (!chat) return;
    for (const feature of features) feature.detach();
    chat.view.destroy();
    chat.connection.stop();
    chat = null;
    typing.clear();
    unread.clear();
    sessionStorage.removeItem(GROUP_KEY);
  }

  /** Leave the group: told to the others, unless ``quiet`` (log-out, another group, a reload). */
  function leave({ quiet = false } = {}) {
    if (!chat) return;
    if (quiet) close();
    else chat.connection.leave();
  }

  /** On log-out: out of the chat, and the tab no longer goes back in on a reload. */
  function forget() {
    leave({ quiet: true });
    sessionStorage.removeItem(GROUP_KEY);
  }

  function showEnded(ended) {
    $('#chat-ended').hidden = !ended;
    $('#composer').hidden = ended;
    $('#typing').hidden = ended;
    if (ended) $('#admission').hidden = true;
    else closed.hide();
  }

  /** Someone's message came: they stopped typing; unless the teen reads back, it is in view. */
  function onMessage({ message, own }) {
    typing.stop(message.pseudonym);
    if (own) { scroller.toBottom(); return; }
    scroller.arrived();
    unread.arrived();
  }

  /** A dropped connection is said beside the box, where the teen is writing. */
  function onStatus({ status }) {
    if (status === 'reconnecting' || status === 'offline') {
      notices.show('connection', t(status === 'offline' ? 'status.offline' : 'status.reconnecting'), { persistent: true });
    } else {
      notices.remove('connection');
    }
  }

  function reportButton(message) {
    return h('button', {
      type: 'button', class: 'btn btn--small btn--quiet', text: t('chat.report'),
      'aria-label': t('chat.reportFrom', { name: message.pseudonym }),
      onclick: (event) => onReport(message, event.currentTarget),
    });
  }

  function onJoined({ group, muted_until: mutedUntil, slow_mode_s: slow, room }) {
    $('#chat-title').textContent = group.name;
    $('#chat-rules').replaceChildren(...(group.rules || []).map((rule) => h('li', { text: rule })));
    showEnded(false);
    showAdmission(null);
    showRoom(room);
    if (mutedUntil && Date.parse(mutedUntil) > Date.now()) notices.show('muted', t('notice.muted', { time: formatTime(mutedUntil) }));
    if (slow) notices.show('slow', t('notice.slowMode', { seconds: slow }));
  }

  /** Is a mentor here? Without one the teen may read, and what they write waits for the mentor. */
  function showRoom(room, { arrived = false } = {}) {
    if (!room || room.state === 'open') {
      notices.remove('room');
      if (arrived) notices.show('room-open', t('notice.roomOpen'));
      return;
    }
    notices.remove('room-open');
    notices.show('room', t(room.state === 'paused' ? 'notice.roomPaused' : 'notice.roomWaiting'), { persistent: true });
  }

  /** A waiting room's door: the group's rules to agree to, then waiting until a mentor lets them in. */
  function onAdmission(frame) {
    $('#chat-title').textContent = frame.group.name;
    showAdmission(frame);
  }

  function showAdmission(frame) {
    const box = $('#admission');
    box.hidden = !frame;
    $('#messages').hidden = Boolean(frame);
    $('#chat-details').hidden = Boolean(frame);
    if (!frame) return;
    const rules = frame.state === 'rules';
    $('#admission-rules-box').hidden = !rules;
    $('#composer').hidden = rules; // once waiting, a teen may still write: a crisis is heard there too
    if (rules) {
      $('#admission-rules').replaceChildren(...(frame.group.rules || []).map((rule) => h('li', { text: rule })));
      $('#admission-agree').checked = false;
      $('#admission-enter').disabled = true;
      $('#admission-text').textContent = t('admission.intro');
    } else {
      $('#admission-text').textContent = t(frame.mentor_present ? 'admission.waiting' : 'admission.waitingNoMentor');
    }
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'room':
        showRoom(frame, { arrived: frame.state === 'open' });
        break;
      case 'locked':
        notices.show('locked', t(frame.locked ? 'notice.locked' : 'notice.unlocked'));
        break;
      case 'session_closing':
        notices.show('closing', t('notice.closing', { time: formatTime(frame.ends_at) }), { persistent: true });
        break;
      case 'session_extended':
        notices.remove('closing');
        notices.show('extended', t('notice.extended', { time: formatTime(frame.ends_at) }));
        break;
      case 'slow_mode':
        notices.show('slow', frame.seconds ? t('notice.slowMode', { seconds: frame.seconds }) : t('notice.slowModeOff'));
        break;
      case 'help_lines': notices.helpLines(frame.lines || [], frame); break;
      case 'typing': typing.seen(frame.member); break;
      case 'muted': notices.show('muted', t('notice.muted', { time: formatTime(frame.until) })); break;
      case 'reported': notices.show('reported', t('notice.reported')); break;
      case 'error':
        if (frame.code === 'waiting_for_mentor') {
          notices.show('room', t('notice.waitingMinutes', { minutes: frame.minutes ?? 0 }), { persistent: true });
        } else if (!SHOWN_ELSEWHERE.has(frame.code)) {
          notices.show('error', sendErrorText(frame));
        }
        break;
      default: break;
    }
  }

  function onHeldBack({ frame, text }) {
    notices.show('held-back', translatedOr(`heldBack.${frame.reason}`, t('heldBack.generic')));
    // Hand the words back so nothing the teen wrote is lost; they can edit and send again.
    const box = $('#composer-text');
    if (text && !box.value) { box.value = text; fitBox(); }
  }

  function onEnded({ reason, frame }) {
    const vars = {};
    if (frame && frame.until) vars.until = formatWhen(frame.until);
    const key = reason === 'banned' && !(frame && frame.until) ? 'ended.bannedForGood' : `ended.${reason}`;
    $('#chat-ended-text').textContent = translatedOr(key, t('ended.generic'), vars);
    showEnded(true);
    typing.clear();
    // Coming back makes sense after a kick or a dropped connection; not after a ban, and not to a
    // session that has ended: that screen says when the group meets next instead.
    const over = reason === 'session_closed';
    $('#rejoin').hidden = reason === 'banned' || over;
    // What was true of the room (waiting for a mentor, slow mode, closing soon) is over with it.
    for (const kind of ['closing', 'connection', 'room', 'room-open', 'slow', 'locked', 'extended']) notices.remove(kind);
    $('#messages-empty').hidden = true;
    if (over && chat) {
      closed.show(chat.groupId);
      return;
    }
    ($('#rejoin').hidden ? $('#back-to-groups') : $('#rejoin')).focus();
  }

  function send(event) {
    event.preventDefault();
    const box = $('#composer-text');
    const text = box.value.trim();
    if (!text || !chat) return;
    chat.connection.send(text);
    box.value = '';
    fitBox(); // back to one line
    typing.sent();
    scroller.toBottom();
    box.focus();
  }

  $('#composer').addEventListener('submit', send);
  $('#composer-text').addEventListener('input', (event) => { if (chat) typing.typed(chat.connection, event.target.value); });
  $('#admission-agree').addEventListener('change', (event) => { $('#admission-enter').disabled = !event.target.checked; });
  $('#admission-enter').addEventListener('click', () => {
    if (!chat || !$('#admission-agree').checked) return;
    chat.connection.agree();
    $('#composer-text').focus();
  });
  enterSends($('#composer-text'), $('#composer'));
  $('#leave').addEventListener('click', () => leave());
  $('#rejoin').addEventListener('click', () => {
    if (!chat) return;
    showEnded(false);
    chat.connection.rejoin();
    $('#composer-text').focus();
  });
  $('#back-to-groups').addEventListener('click', () => { close(); onLeft(); });

  return {
    open, close, forget,
    /** The chat open now, {connection, view, groupId}, or null. */
    get current() { return chat; },
  };
}
