// The room's check-in and check-out as the mentors see it: how many answered each step, live,
// never who.
import { t } from '../i18n.js';
import { h, $ } from '../dom.js';
import { MOODS, MOOD_EMOJI } from '../teen/checkin.js';
import { eachChat } from '../chatfeature.js';

export function createCheckinSpread() {
  let spread = null; // {in: [5 counts], out: [5 counts]} of the chat on screen
  const box = h('section', { id: 'checkin-spread', class: 'spread', 'aria-labelledby': 'spread-title', hidden: true });
  // One spread per open chat (a mentor may have several groups open in tabs); the one on screen shows.
  const chats = eachChat({
    joined: (joined) => joined.checkin_spread || undefined,
    frame: (frame) => (frame.type === 'checkin_spread' ? { in: frame.in, out: frame.out } : undefined),
    show: (connection, value) => {
      if (!box.isConnected) $('.mentor-grid__side').append(box); // below the session's controls
      spread = value;
      render();
    },
  });

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
  return { attach: chats.attach, show: chats.show, detach: chats.detach };
}
