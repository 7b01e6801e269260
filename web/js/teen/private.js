// Talk to a mentor alone: "Jeg vil gerne tale med en voksen". The teen asks (or a mentor invites),
// and once a mentor accepts, a private conversation opens beside the group chat. Only this teen and
// the mentors see it. The panel builds its own elements, so the page's markup needs nothing for it.
// Its message box grows with the text and its list keeps to the newest, as the chat's own do
// (grow.js, stick.js). The box stands outside the list a talk frame redraws, so what the teen is
// writing stays as the mentor answers. What is sent goes through the talk outbox (talkoutbox.js):
// shown as on its way until the server confirms it, sent again when the line is back, never lost.
import { t, formatTime } from '../i18n.js';
import { h, $ } from '../dom.js';
import { enterSends, sendErrorText } from '../chatview.js';
import { TalkOutbox } from '../talkoutbox.js';
import { growWithText } from './grow.js';
import { StickyList } from './stick.js';

export function createPrivateTalk({ notices, account }) {
  let connection = null; // the group chat's ChatConnection: talks travel on the same socket
  let talk = null; // the talk as the server last described it
  const messages = new Map(); // id -> message of the talk, sorted by id when shown
  let outbox = null; // the talk's messages on their way (one per group connection)

  const ask = h('button', { type: 'button', id: 'talk-ask', class: 'btn btn--small talk__ask', text: t('talk.ask'), onclick: () => act('talk_request') });
  const title = h('h2', { id: 'talk-title', class: 'talk__title' });
  const status = h('p', { id: 'talk-status', class: 'hint', role: 'status' });
  const list = h('ol', { id: 'talk-messages', class: 'messages talk__messages', 'aria-labelledby': 'talk-title' });
  const text = h('textarea', { id: 'talk-text', rows: '1', maxlength: '1000', 'aria-labelledby': 'talk-title' });
  const composer = h('form', { id: 'talk-composer', class: 'composer', novalidate: true, onsubmit: send },
    text, h('button', { type: 'submit', class: 'btn btn--primary composer__send', id: 'talk-send', text: t('talk.send') }));
  const accept = h('button', { type: 'button', id: 'talk-accept', class: 'btn btn--primary btn--small', text: t('talk.acceptInvite'), onclick: () => act('talk_accept', { talk_id: talk.id }) });
  const decline = h('button', { type: 'button', id: 'talk-decline', class: 'btn btn--small', text: t('talk.declineInvite'), onclick: () => act('talk_decline', { talk_id: talk.id }) });
  const end = h('button', { type: 'button', id: 'talk-end', class: 'btn btn--quiet btn--small', onclick: () => act('talk_end', { talk_id: talk.id }) });
  const close = h('button', { type: 'button', id: 'talk-close', class: 'btn btn--quiet btn--small', text: t('nav.dismiss'), onclick: () => { talk = null; render(); } });
  const panel = h('section', { id: 'talk', class: 'talk card', 'aria-labelledby': 'talk-title', hidden: true },
    title, status, list, composer, h('div', { class: 'actions' }, accept, decline, end, close));
  $('#chat-notices').before(ask);
  $('#chat-notices').before(panel); // notices stay right above the message box
  enterSends(text, composer);
  const fitText = growWithText(text, [$('#messages'), list]); // the group's list and the talk's give up the room
  const sticky = new StickyList(list);

  /** A new group connection (each join of a group makes one). */
  function attach(next) {
    connection = next;
    talk = null;
    messages.clear();
    outbox = new TalkOutbox({
      // per teen and group, like the chat's outbox: another teen signing in on this tab never gets it
      storageKey: `gruppechat.talkoutbox.${account.current ? account.current.pseudonym : ''}.${next.groupId}`,
      transmit: (frame) => next.status === 'online' && next.sendFrame(frame),
      onChange: () => render(),
    });
    render();
    next.addEventListener('joined', () => { // after a reload or a drop: the talk, then what waited
      next.sendFrame({ action: 'talk_catch_up' });
      outbox.flush();
    });
    next.addEventListener('frame', (event) => onFrame(event.detail));
    next.addEventListener('ended', () => { talk = null; render(); });
    next.addEventListener('status', () => render());
  }

  /** Sends a frame; true when it went on the open socket (false: offline, said in the notices). */
  function act(action, fields = {}) {
    const went = Boolean(connection && connection.sendFrame({ action, ...fields }));
    if (!went) notices.show('error', t('talk.offline'));
    return went;
  }

  function onFrame(frame) {
    const own = frame.type === 'private_message' && outbox.has(frame.message.client_id);
    const heldBack = outbox.onFrame(frame); // confirmed, refused, or held back by the guard
    if (heldBack) handBack(heldBack);
    switch (frame.type) {
      case 'talk': {
        const fresh = !talk || talk.id !== frame.talk.id;
        if (fresh) { messages.clear(); sticky.reset(); }
        if (frame.talk.state === 'invited' && (fresh || talk.state !== 'invited')) notices.show('talk', t('talk.invitedNotice', { name: frame.talk.mentor }));
        if (frame.talk.state === 'open' && talk && talk.state !== 'open') notices.show('talk', t('talk.openedNotice', { name: frame.talk.mentor }));
        if (frame.talk.state !== 'invited' && frame.talk.state !== 'open') notices.remove('talk');
        talk = frame.talk;
        render();
        if (talk.state === 'open' && fresh) text.focus();
        break;
      }
      case 'private_message':
      case 'talk_history':
        if (!talk || frame.talk_id !== talk.id) return;
        for (const message of frame.messages || [frame.message]) messages.set(message.id, message);
        if (own) sticky.toBottom(); // your own message: back to the newest, as in the group chat
        render();
        break;
      case 'message_removed':
        // A mentor removed a message of the talk from the reports queue.
        if (talk && frame.talk_id === talk.id && messages.delete(frame.message_id)) render();
        break;
      default: break;
    }
  }

  /** Held back by the anonymity guard: the words back in the box, as the group chat does. */
  function handBack(item) {
    if (!text.value) { text.value = item.text; fitText(); }
  }

  function send(event) {
    event.preventDefault();
    const words = text.value.trim();
    if (!words || !talk || talk.state !== 'open') return;
    outbox.write(talk.id, words); // kept until the server confirms it, online or not
    text.value = '';
    fitText(); // back to one line
    sticky.toBottom();
    render();
    text.focus();
  }

  function render() {
    ask.hidden = !connection || connection.status !== 'online' || Boolean(talk && talk.state !== 'ended');
    panel.hidden = !talk;
    if (!talk) return;
    const state = talk.state;
    title.textContent = state === 'requested' ? t('talk.titleAsked') : t('talk.title', { name: talk.mentor || '' });
    status.textContent = {
      requested: t('talk.requested'),
      invited: t('talk.invited', { name: talk.mentor }),
      open: t('talk.open'),
      ended: t(`talk.ended.${talk.ended_by || 'mentor'}`),
    }[state] || '';
    composer.hidden = state !== 'open';
    const waiting = outbox.forTalk(talk.id);
    list.hidden = state !== 'open' && messages.size === 0 && waiting.length === 0;
    accept.hidden = state !== 'invited';
    decline.hidden = state !== 'invited';
    end.hidden = state === 'ended' || state === 'invited';
    end.textContent = t(state === 'requested' ? 'talk.withdraw' : 'talk.end');
    close.hidden = state !== 'ended';
    const sorted = [...messages.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    list.replaceChildren(...sorted.map((message) => {
      const own = message.role === 'participant';
      return h('li', { class: `message${own ? ' message--own' : ''}` },
        h('span', { class: 'message__who', text: own ? t('chat.you') : message.pseudonym }), ' ',
        h('time', { class: 'message__time', datetime: message.created_at, text: formatTime(message.created_at) }),
        h('p', { class: 'message__text', text: message.text }),
        own ? null : h('button', {
          type: 'button', class: 'btn btn--small btn--quiet', text: t('chat.report'),
          onclick: () => act('talk_report', { talk_id: talk.id, message_id: message.id, reason: 'other' }),
        }));
    }), ...waiting.map(pendingItem));
    sticky.afterRender();
  }

  /** A message on its way: "Sending …", waiting for the line, or refused with "Send again". */
  function pendingItem(item) {
    const failed = item.state === 'failed';
    const online = connection && connection.status === 'online';
    return h('li', { class: `message message--own message--pending${failed ? ' message--failed' : ''}`, dataset: { clientId: item.client_id } },
      h('span', { class: 'message__who', text: t('chat.you') }), ' ',
      h('span', { class: 'message__state', text: failed ? t('chat.notSent') : t(online ? 'chat.sending' : 'chat.waitingForNetwork') }),
      h('p', { class: 'message__text', text: item.text }),
      failed ? h('p', { class: 'message__error', text: sendErrorText(item.error || {}) }) : null,
      failed ? h('button', { type: 'button', class: 'btn btn--small', text: t('chat.sendAgain'), onclick: () => outbox.retry(item.client_id) }) : null,
      failed ? h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: t('chat.discard'), onclick: () => outbox.discard(item.client_id) }) : null);
  }

  document.addEventListener('langchange', () => {
    ask.textContent = t('talk.ask');
    accept.textContent = t('talk.acceptInvite');
    decline.textContent = t('talk.declineInvite');
    composer.querySelector('button').textContent = t('talk.send');
    close.textContent = t('nav.dismiss');
    render();
  });

  return { attach };
}
