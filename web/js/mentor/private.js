// Private talks in the console: a teen's request to talk with a mentor alone (accept it), a mentor's
// invitation to a teen in the open chat, and every talk of the organisation going on now. The talk's
// mentor writes and ends it; the organisation's other mentors follow it, read-only. Talks travel on
// the duty line (mentor/duty.js), so they reach the mentor wherever they are on the page. The panel
// builds its own elements, so the page's markup needs nothing for it. A report of a talk's message
// opens the talk here, at the message ("show in context", show()); a message removed from the reports
// queue leaves the talk (``message_removed`` with its ``talk_id``).
// Every talk frame redraws the cards, so what the mentor is writing to a teen is kept apart (drafts)
// and put back, focus and caret too: a teen's new message must not wipe a half-written answer.
// What the mentor sends goes through the talk outbox (talkoutbox.js): shown as on its way until the
// server confirms it, sent again when the duty line is back, never lost and never doubled.
import { t, formatTime, errorText } from '../i18n.js';
import { h, $ } from '../dom.js';
import { enterSends, sendErrorText } from '../chatview.js';
import { TalkOutbox } from '../talkoutbox.js';

export function createPrivateTalks({ account, send, currentChat, announce }) {
  const talks = new Map(); // talk id -> {talk, messages: Map(id -> message)}
  const announced = new Set(); // requests already announced to screen readers
  let shown = null; // {talkId, messageId}: the reported message a mentor asked to see in its talk
  const drafts = new Map(); // talk id -> the answer being written, until it is in the outbox
  let outbox = null; // the logged-in mentor's talk outbox (box())
  const list = h('ul', { id: 'talks-list', class: 'talks__list' });
  const error = h('p', { id: 'talks-error', class: 'form-error', role: 'alert' });
  const title = h('h2', { id: 'talks-title', class: 'side-title' });
  // Shown only while there is a talk: inviting a teen is an item of their "⋯" menu (inviteItem).
  const panel = h('section', { id: 'talks', class: 'talks card', 'aria-labelledby': 'talks-title', hidden: true }, title, error, list);
  $('#alerts-taken').after(panel);

  function myName() { return account.current && account.current.mentor ? account.current.mentor.name : null; }

  /** The talk outbox of the mentor logged in now: another's words never go out under their name. */
  function box() {
    const owner = account.current && account.current.mentor ? account.current.mentor.id : 'nobody';
    if (!outbox || outbox.owner !== owner) {
      outbox = new TalkOutbox({ storageKey: `gruppechat.talkoutbox.mentor.${owner}`, transmit: send, onChange: () => render() });
      outbox.owner = owner;
    }
    return outbox;
  }

  /** Sends a frame; true when it went on the open duty line (false: offline, said on the panel). */
  function act(frame) {
    error.textContent = '';
    const went = send(frame);
    if (!went) error.textContent = t('talk.offline');
    render();
    return went;
  }

  /** Every frame of the duty line; only talks concern this panel. */
  function onFrame(frame) {
    box().onFrame(frame); // a confirmation of what this mentor sent, or its refusal
    switch (frame.type) {
      case 'talk': {
        const entry = talks.get(frame.talk.id) || { talk: frame.talk, messages: new Map() };
        const before = entry.talk.state;
        entry.talk = frame.talk;
        talks.set(frame.talk.id, entry);
        if (frame.talk.state === 'requested' && !announced.has(frame.talk.id)) {
          announced.add(frame.talk.id);
          announce(t('talk.mentor.requestedNow', { name: frame.talk.pseudonym }));
        } else if (before !== frame.talk.state && frame.talk.state === 'ended') {
          announce(t('talk.mentor.endedNow', { name: frame.talk.pseudonym }));
        }
        render();
        break;
      }
      case 'private_message':
      case 'talk_history': {
        const entry = talks.get(frame.talk_id);
        if (!entry) return;
        for (const message of frame.messages || [frame.message]) entry.messages.set(message.id, message);
        render();
        if (frame.type === 'talk_history' && shown && shown.talkId === frame.talk_id) reveal();
        break;
      }
      case 'message_removed': {
        const entry = frame.talk_id ? talks.get(frame.talk_id) : null;
        if (entry && entry.messages.delete(frame.message_id)) render();
        break;
      }
      case 'error':
        if (String(frame.code).startsWith('talk_') || frame.code === 'not_in_talk') {
          error.textContent = errorText(frame.code, frame.message, frame);
          render();
        }
        break;
      default: break;
    }
  }

  /** The duty line (re)opened: ask for every talk going on, with its messages; send what waited. */
  function resume() {
    send({ action: 'talk_catch_up' });
    box().flush();
  }

  /** A report's "show in context" for a talk's message: the talk (any of the organisation's, ended
   * too, read-only unless it is this mentor's) with its messages, the reported one marked. */
  function show(talkId, messageId) {
    shown = { talkId, messageId };
    act({ action: 'talk_catch_up', talk_id: talkId });
  }

  function reveal() {
    const card = list.querySelector(`[data-talk="${CSS.escape(shown.talkId)}"]`);
    if (!card) return;
    card.scrollIntoView({ block: 'nearest' });
    const marked = card.querySelector('.message--reported');
    (marked || card).focus();
  }

  /** The "⋯" menu item that invites a teen of the open chat to talk alone (e.g. after a crisis line). */
  function inviteItem(pseudonym) {
    return {
      action: 'talk_invite', text: t('talk.mentor.inviteWho', { name: pseudonym }),
      onSelect: () => {
        const chat = currentChat();
        if (!chat || !chat.session) { announce(t('talk.mentor.noChat')); return; }
        act({ action: 'talk_invite', session_id: chat.session.id, pseudonym });
        announce(t('talk.mentor.inviteSent', { name: pseudonym }));
      },
    };
  }

  function render() {
    title.textContent = t('talk.mentor.title');
    const entries = [...talks.values()].sort((a, b) => (a.talk.id < b.talk.id ? 1 : -1));
    for (const talkId of drafts.keys()) {
      const entry = talks.get(talkId);
      if (!entry || entry.talk.state === 'ended') drafts.delete(talkId); // nothing more to say there
    }
    const writing = writingIn();
    list.replaceChildren(...entries.map(card));
    if (writing) backToBox(writing);
    const empty = entries.length === 0;
    list.hidden = empty;
    panel.hidden = empty && !error.textContent;
  }

  function card({ talk, messages }) {
    const mine = talk.mentor && talk.mentor === myName();
    const state = talk.state;
    const line = {
      requested: t('talk.mentor.requested', { name: talk.pseudonym }),
      invited: t('talk.mentor.invited', { name: talk.pseudonym, mentor: talk.mentor }),
      open: mine ? t('talk.mentor.yours', { name: talk.pseudonym }) : t('talk.mentor.following', { name: talk.pseudonym, mentor: talk.mentor }),
      ended: t('talk.mentor.ended', { name: talk.pseudonym, why: t(`talk.ended.${talk.ended_by || 'mentor'}`) }),
    }[state] || '';
    const sorted = [...messages.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    const waiting = mine ? box().forTalk(talk.id) : [];
    const text = h('textarea', {
      rows: '2', maxlength: '1000', 'aria-label': t('talk.mentor.writeTo', { name: talk.pseudonym }),
      oninput: () => { if (text.value) drafts.set(talk.id, text.value); else drafts.delete(talk.id); },
    });
    text.value = drafts.get(talk.id) || '';
    const composer = h('form', {
      class: 'composer', novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const words = text.value.trim();
        if (!words) return;
        // In the outbox, the words are safe (sent now or once the line is back): the box can be cleared.
        drafts.delete(talk.id);
        box().write(talk.id, words);
        render();
        backToBox({ talkId: talk.id, start: null });
      },
    }, text, h('button', { type: 'submit', class: 'btn btn--primary composer__send', text: t('talk.send') }));
    enterSends(text, composer);
    return h('li', { class: `talk talk--${state}`, dataset: { talk: talk.id, state }, tabindex: '-1' },
      h('p', { class: 'talk__line', text: line }),
      h('time', { class: 'hint', datetime: talk.created_at, text: formatTime(talk.created_at) }),
      sorted.length || waiting.length ? h('ol', { class: 'messages talk__messages' }, sorted.map((m) => h('li', {
        class: isShown(talk, m) ? 'message message--reported' : 'message', dataset: { id: m.id },
        tabindex: isShown(talk, m) ? '-1' : null,
      },
        isShown(talk, m) ? h('span', { class: 'badge badge--held_back', text: t('talk.mentor.reported') }) : null,
        isShown(talk, m) ? ' ' : null,
        h('span', { class: 'message__who', text: m.pseudonym }), ' ',
        h('time', { class: 'message__time', datetime: m.created_at, text: formatTime(m.created_at) }),
        h('p', { class: 'message__text', text: m.text }))), waiting.map(pendingItem)) : null,
      state === 'open' && mine ? composer : null,
      h('div', { class: 'actions' },
        state === 'requested' ? h('button', {
          type: 'button', class: 'btn btn--primary btn--small', text: t('talk.mentor.accept'),
          'aria-label': t('talk.mentor.acceptFrom', { name: talk.pseudonym }),
          onclick: () => act({ action: 'talk_accept', talk_id: talk.id }),
        }) : null,
        (state === 'open' || state === 'invited') && mine ? h('button', {
          type: 'button', class: 'btn btn--quiet btn--small', text: t('talk.end'),
          onclick: () => act({ action: 'talk_end', talk_id: talk.id }),
        }) : null,
        state === 'ended' ? h('button', {
          type: 'button', class: 'btn btn--quiet btn--small', text: t('nav.dismiss'),
          onclick: () => { // what could not go to an ended talk goes with it
            for (const item of box().forTalk(talk.id)) box().discard(item.client_id);
            talks.delete(talk.id);
            render();
          },
        }) : null));
  }

  /** A message on its way ("Sending …" until the server has it), or refused, with "Send again". */
  function pendingItem(item) {
    const failed = item.state === 'failed';
    return h('li', { class: `message message--pending${failed ? ' message--failed' : ''}`, dataset: { clientId: item.client_id } },
      h('span', { class: 'message__who', text: myName() || t('chat.you') }), ' ',
      h('span', { class: 'message__state', text: t(failed ? 'chat.notSent' : 'chat.sending') }),
      h('p', { class: 'message__text', text: item.text }),
      failed ? h('p', { class: 'message__error', text: sendErrorText(item.error || {}) }) : null,
      failed ? h('button', { type: 'button', class: 'btn btn--small', text: t('chat.sendAgain'), onclick: () => box().retry(item.client_id) }) : null,
      failed ? h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: t('chat.discard'), onclick: () => box().discard(item.client_id) }) : null);
  }

  /** The talk whose box the mentor is writing in (it has focus), with the caret, before a redraw. */
  function writingIn() {
    const box = document.activeElement;
    if (!(box instanceof HTMLTextAreaElement) || !list.contains(box)) return null;
    const card = box.closest('[data-talk]');
    return card ? {
      talkId: card.dataset.talk, start: box.selectionStart, end: box.selectionEnd,
      direction: box.selectionDirection, scrollTop: box.scrollTop,
    } : null;
  }

  /** Focus back in the talk's new box, the caret where it was (or at the end when it is not known). */
  function backToBox({ talkId, start, end, direction, scrollTop }) {
    const card = list.querySelector(`[data-talk="${CSS.escape(talkId)}"]`);
    const box = card && card.querySelector('textarea');
    if (!box) return; // the talk ended or was dismissed meanwhile
    box.focus({ preventScroll: true });
    if (start === null) box.setSelectionRange(box.value.length, box.value.length);
    else {
      box.setSelectionRange(start, end, direction);
      box.scrollTop = scrollTop;
    }
  }

  function isShown(talk, message) {
    return Boolean(shown && shown.talkId === talk.id && shown.messageId === message.id);
  }

  function forget() {
    shown = null;
    talks.clear();
    drafts.clear();
    if (outbox) outbox.clear(); // logged out: what did not go is not for the next mentor at this screen
    outbox = null;
    render();
  }

  document.addEventListener('langchange', render);
  render();
  return { onFrame, resume, forget, render, inviteItem, show };
}
