// The room's check-in and check-out as the mentors see it: how many answered each step, live,
// never who.
import { t } from '../i18n.js';
import { h, $ } from '../dom.js';
import { MOODS, MOOD_EMOJI } from '../teen/checkin.js';

export function createCheckinSpread() {
  // One spread per open chat (a mentor may have several groups open in tabs); the one on screen shows.
  const chats = new Map(); // connection -> {spread, off}
  let shown = null;
  let spread = null; // {in: [5 counts], out: [5 counts]} of the chat on screen
  const box = h('section', { id: 'checkin-spread', class: 'spread', 'aria-labelledby': 'spread-title', hidden: true });

  /** Follow a chat's connection from its start, so its spread is there when its tab is shown. */
  function attach(connection) {
    if (chats.has(connection)) return;
    const state = { spread: null };
    const update = (value) => { state.spread = value; if (shown === connection) { spread = value; render(); } };
    const onJoined = (event) => { if (event.detail.checkin_spread) update(event.detail.checkin_spread); };
    const onFrame = (event) => {
      if (event.detail.type === 'checkin_spread') update({ in: event.detail.in, out: event.detail.out });
    };
    connection.addEventListener('joined', onJoined);
    connection.addEventListener('frame', onFrame);
    state.off = () => {
      connection.removeEventListener('joined', onJoined);
      connection.removeEventListener('frame', onFrame);
    };
    chats.set(connection, state);
  }

  /** The chat on screen changed (or none is: null). */
  function show(connection) {
    shown = connection;
    if (!box.isConnected) $('.mentor-grid__side').append(box); // below the session's controls
    spread = (connection && chats.get(connection)?.spread) || null;
    render();
  }

  function detach(connection) {
    chats.get(connection)?.off();
    chats.delete(connection);
    if (shown === connection) show(null);
  }

  function phase(name) {
    const counts = spread[name] || [0, 0, 0, 0, 0];
    const total = counts.reduce((a, b) => a + b, 0);
    const most = Math.max(1, ...counts);
    return h('div', { class: 'spread__phase', dataset: { phase: name } },
      h('h3', { class: 'spread__label', text: t(`checkin.spread.${name}`, { count: total }) }),
      h('ul', { class: 'spread__bars' }, MOODS.map((mood, index) => h('li', {
        class: 'spread__row', dataset: { mood: String(mood) },
        'aria-label': t('checkin.spread.row', { mood: t(`checkin.mood.${mood}`), count: counts[index] }),
      },
      h('span', { class: 'spread__emoji', 'aria-hidden': 'true', text: MOOD_EMOJI[mood] }),
      h('meter', { class: 'spread__bar', min: 0, max: most, value: counts[index], 'aria-hidden': 'true' }),
      h('span', { class: 'spread__count', text: String(counts[index]) })))));
  }

  function render() {
    box.replaceChildren();
    box.hidden = !spread;
    if (!spread) return;
    box.append(h('h2', { id: 'spread-title', class: 'side-title', text: t('checkin.spread.title') }),
      h('p', { class: 'hint', text: t('checkin.spread.hint') }), phase('in'), phase('out'));
  }

  document.addEventListener('langchange', render);
  return { attach, show, detach };
}
