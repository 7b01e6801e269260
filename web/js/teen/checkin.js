// Check-in and check-out: "Hvordan har du det i dag?" on five steps, privately. Asked when the teen
// comes in (the server's joined frame says which and what they answered) and again at the closing
// warning. Optional: "not now" hides it; an answer can be changed until the session closes.
import { t } from '../i18n.js';
import { h, $ } from '../dom.js';
import { oneChat } from '../chatfeature.js';

export const MOODS = [1, 2, 3, 4, 5];
export const MOOD_EMOJI = { 1: '😢', 2: '🙁', 3: '😐', 4: '🙂', 5: '😄' };

export function createCheckin() {
  let state = null; // {ask: 'in'|'out', in, out, open: bool}
  const box = h('section', { id: 'checkin', class: 'checkin card', 'aria-labelledby': 'checkin-title', hidden: true });
  const chat = oneChat({
    joined: onJoined,
    frame: onFrame,
    attached: () => { state = null; mount(); render(); },
    detached: () => { state = null; render(); },
  });

  function mount() {
    if (!box.isConnected) $('#chat-notices').before(box); // notices stay right above the box
  }

  function onJoined(joined) {
    const asked = joined.checkin;
    if (!asked) { state = null; render(); return; }
    // Asked again only if this phase is not answered yet; an answer can still be changed from "change".
    state = { ...asked, open: asked[asked.ask] === null || asked[asked.ask] === undefined };
    render();
  }

  function onFrame(frame) {
    if (!state) return;
    if (frame.type === 'checkin_saved') {
      state[frame.phase] = frame.mood;
      if (frame.phase === state.ask) state.open = false;
      render();
    } else if (frame.type === 'session_closing') {
      state.ask = 'out';
      state.open = state.out === null || state.out === undefined;
      render();
    } else if (frame.type === 'session_extended' && state.ask === 'out' && state.out == null) {
      state.open = false; // asked again at the next warning
      render();
    } else if (frame.type === 'session_closed') {
      state = null;
      render();
    }
  }

  function answer(mood) {
    const connection = chat.connection();
    if (!connection || !state) return;
    connection.sendAction({ action: 'checkin', phase: state.ask, mood });
  }

  function render() {
    box.replaceChildren();
    box.hidden = !state;
    if (!state) return;
    const phase = state.ask;
    const given = state[phase];
    if (!state.open) {
      if (given === null || given === undefined) { box.hidden = true; return; }
      box.append(
        h('p', { class: 'checkin__done', text: t(`checkin.saved.${phase}`, { mood: `${MOOD_EMOJI[given]} ${t(`checkin.mood.${given}`)}` }) }),
        h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: t('checkin.change'), onclick: () => { state.open = true; render(); } }),
      );
      return;
    }
    box.append(
      h('h2', { id: 'checkin-title', class: 'checkin__title', text: t(`checkin.question.${phase}`) }),
      h('p', { class: 'hint', text: t('checkin.private') }),
      h('div', { class: 'checkin__scale', role: 'group', 'aria-labelledby': 'checkin-title' },
        MOODS.map((mood) => h('button', {
          type: 'button', class: `checkin__mood${given === mood ? ' checkin__mood--chosen' : ''}`,
          'aria-pressed': given === mood ? 'true' : 'false', dataset: { mood: String(mood) },
          onclick: () => answer(mood),
        }, h('span', { class: 'checkin__emoji', 'aria-hidden': 'true', text: MOOD_EMOJI[mood] }), h('span', { text: t(`checkin.mood.${mood}`) })))),
      h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: t('checkin.notNow'), onclick: () => { state.open = false; render(); } }),
    );
  }

  document.addEventListener('langchange', render);
  return { attach: chat.attach, detach: chat.detach };
}
