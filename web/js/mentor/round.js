// The mentor's rounds: ask the room a question; each teen who is here gets a turn in the order they
// came. Skip a turn or end the round; it ends by itself after the last turn or when the session closes.
import { t } from '../i18n.js';
import { h, $ } from '../dom.js';
import { renderRound } from '../teen/round.js';
import { eachChat } from '../chatfeature.js';

export const DEFAULT_QUESTION_KEY = 'round.defaultQuestion';
// The refusals of a round the panel shows under its form.
const ROUND_ERRORS = ['round_running', 'round_not_found', 'round_nobody_here', 'bad_question', 'conflict'];

export function createRounds() {
  let connection = null;
  let round = null;
  const box = h('section', { id: 'round-panel', class: 'round-panel', 'aria-labelledby': 'round-panel-title' });
  const view = h('div', { id: 'round', class: 'round card', 'aria-live': 'polite', hidden: true });
  const question = h('input', { id: 'round-question', maxlength: 200, autocomplete: 'off' });
  const error = h('p', { id: 'round-error', class: 'form-error', role: 'alert' });
  const form = h('form', { id: 'round-form', class: 'form form--inline', novalidate: true, onsubmit: start },
    h('label', { for: 'round-question', text: t('round.question') }), question,
    h('button', { type: 'submit', class: 'btn btn--small', id: 'round-start', text: t('round.start') }));

  // One round per open chat (a mentor may have several groups open in tabs); the one on screen shows.
  const chats = eachChat({
    empty: { round: null, error: '' },
    joined: (joined, value) => (joined.round === undefined ? undefined : { ...value, round: joined.round }),
    frame: (frame, value) => {
      if (frame.type === 'round') return { round: frame.round, error: '' };
      if (frame.type === 'error' && ROUND_ERRORS.includes(frame.code)) {
        return { ...value, error: t(`error.${frame.code}`, { max: frame.max_length }) };
      }
      return undefined;
    },
    show,
    changed: (chatConnection, value) => {
      round = value.round;
      error.textContent = value.error;
      render();
    },
  });

  /** The chat on screen changed (or none is: null). */
  function show(chatConnection, value) {
    connection = chatConnection;
    if (!box.isConnected) {
      $('.mentor-grid__side').append(box); // below the session's controls
      $('#chat-rooms').before(view);
    }
    if (!question.value) question.value = t(DEFAULT_QUESTION_KEY);
    round = value.round;
    error.textContent = value.error;
    box.hidden = !chatConnection;
    render();
  }

  function start(event) {
    event.preventDefault();
    const text = question.value.trim();
    if (!text || !connection) return;
    // A second click is harmless: the server starts one round (a conditional write).
    connection.sendAction({ action: 'round_start', question: text });
  }

  function render() {
    box.replaceChildren(h('h2', { id: 'round-panel-title', class: 'side-title', text: t('round.panel') }), form, error);
    form.querySelector('label').textContent = t('round.question');
    form.querySelector('button').textContent = t('round.start');
    const running = Boolean(round && round.state === 'running');
    form.hidden = running;
    view.replaceChildren();
    view.hidden = !round;
    if (!round) return;
    const tools = running ? [
      h('button', { type: 'button', class: 'btn btn--small', id: 'round-skip', text: t('round.skip'),
        onclick: () => connection.sendAction({ action: 'round_skip', round_id: round.id, turn: round.turn }) }),
      h('button', { type: 'button', class: 'btn btn--small btn--danger', id: 'round-end', text: t('round.end'),
        onclick: () => connection.sendAction({ action: 'round_end', round_id: round.id }) }),
    ] : [h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: t('round.hide'), onclick: () => chats.set(connection, { ...chats.valueOf(connection), round: null }) })];
    renderRound(view, round, { tools });
  }

  document.addEventListener('langchange', render);
  return { attach: chats.attach, show: chats.show, detach: chats.detach };
}
