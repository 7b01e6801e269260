// A round: the mentor's question, and each teen's turn in the order they came. Shown to the whole
// room; on your turn your next message is your answer (it is sent like any other) or you pass.
import { t, formatTime } from '../i18n.js';
import { h, $ } from '../dom.js';
import { oneChat } from '../chatfeature.js';

export function createRound({ account }) {
  let round = null;
  const box = h('section', { id: 'round', class: 'round card', 'aria-labelledby': 'round-title', 'aria-live': 'polite', hidden: true });
  const chat = oneChat({
    joined: onJoined,
    frame: onFrame,
    attached: (connection) => {
      round = null;
      mount();
      connection.extras = () => (myTurn() ? { round_id: round.id } : {}); // an answer names its round
      render();
    },
    detached: () => { round = null; render(); },
  });

  function mount() {
    if (!box.isConnected) $('#chat-notices').before(box); // notices stay right above the box
  }

  const myTurn = () => Boolean(round && round.state === 'running' && round.turn !== null
    && account.current && round.turns[round.turn].pseudonym === account.current.pseudonym);

  function onJoined(joined) {
    if (joined.round !== undefined) { round = joined.round; render(); }
  }

  function onFrame(frame) {
    if (frame.type === 'round') {
      const wasMine = myTurn();
      round = frame.round;
      render();
      if (myTurn() && !wasMine) $('#composer-text')?.focus();
    } else if (frame.type === 'session_closed') {
      round = null;
      render();
    }
  }

  function render() {
    box.replaceChildren();
    box.hidden = !round;
    if (!round) return;
    const hide = round.state === 'running' ? [] : [h('button', {
      type: 'button', class: 'btn btn--small btn--quiet', text: t('round.hide'), onclick: () => { round = null; render(); },
    })];
    renderRound(box, round, {
      mine: myTurn(), tools: hide,
      onPass: () => chat.connection()?.sendAction({ action: 'round_pass', round_id: round.id }),
    });
  }

  document.addEventListener('langchange', render);
  return { attach: chat.attach, detach: chat.detach };
}

/** The round as the room sees it; also used by the mentor's console. */
export function renderRound(box, round, { mine = false, onPass = null, tools = [] } = {}) {
  const running = round.state === 'running';
  const current = running ? round.turns[round.turn] : null;
  box.append(
    h('h2', { id: 'round-title', class: 'round__title', text: t('round.title', { name: round.asked_by }) }),
    h('p', { class: 'round__question', text: round.question }),
    h('p', { class: 'round__now', text: running
      ? (mine ? t('round.yourTurn', { time: formatTime(round.turn_ends_at) }) : t('round.turnOf', { name: current.pseudonym }))
      : t(`round.ended.${round.ended_by || 'done'}`) }),
    h('ol', { class: 'round__turns' }, round.turns.map((turn, index) => h('li', {
      class: `round__turn round__turn--${turn.outcome || (running && index === round.turn ? 'now' : 'waiting')}`,
      dataset: { outcome: turn.outcome || (running && index === round.turn ? 'now' : 'waiting') },
    }, h('span', { class: 'round__who', text: turn.pseudonym }), ' ',
    h('span', { class: 'round__outcome', text: t(`round.outcome.${turn.outcome || (running && index === round.turn ? 'now' : 'waiting')}`) })))),
  );
  if (mine && onPass) {
    box.append(h('p', { class: 'hint', text: t('round.howToAnswer') }),
      h('button', { type: 'button', class: 'btn btn--small', id: 'round-pass', text: t('round.pass'), onclick: onPass }));
  }
  if (tools.length) box.append(h('div', { class: 'actions' }, tools));
}
