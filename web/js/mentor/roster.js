// Admin: the duty roster. Each group's usual mentors (one or two), and its coming meetings with who
// is on duty, who cannot come, a swap for one meeting, and the gaps: meetings nobody is on duty for.
import { t, formatWhen } from '../i18n.js';
import { h, $ } from '../dom.js';

const SLOTS = [0, 1]; // one or two mentors on duty

export function createRoster({ api, calls, announce }) {
  let roster = { groups: [], mentors: [], gaps: 0 };

  async function load() {
    const answer = await calls.load($('#roster-error'), () => api.roster());
    if (answer) roster = answer;
    render();
  }

  function render() {
    $('#roster-gaps').textContent = roster.gaps
      ? t('mentor.roster.gaps', { count: roster.gaps, weeks: roster.weeks })
      : t('mentor.roster.noGaps', { weeks: roster.weeks });
    $('#roster-groups').replaceChildren(...roster.groups.map(groupBlock));
  }

  /** Two choices of mentor (the second may stay empty), preset to ``chosen``. */
  function slots(idPrefix, labelKey, chosen, vars) {
    return SLOTS.map((slot) => {
      const id = `${idPrefix}-${slot}`;
      const select = h('select', { id, dataset: { slot } },
        h('option', { value: '', text: t('mentor.roster.nobody') }),
        roster.mentors.map((m) => h('option', { value: m.id, text: m.name })));
      select.value = (chosen[slot] && chosen[slot].id) || '';
      return h('span', { class: 'inline-field' },
        h('label', { for: id, class: 'visually-hidden', text: t(labelKey, { ...vars, slot: slot + 1 }) }), select);
    });
  }

  function chosenIn(container) {
    return Array.from(container.querySelectorAll('select')).map((select) => select.value).filter(Boolean);
  }

  function groupBlock(group) {
    const usualId = `usual-${group.id}`;
    const usual = h('div', { class: 'roster-row' },
      h('span', { class: 'label', text: t('mentor.roster.usual') }),
      slots(usualId, 'mentor.roster.usualSlot', group.duty, { group: group.name }),
      h('button', {
        type: 'button', class: 'btn btn--small', text: t('mentor.roster.save'),
        'aria-label': t('mentor.roster.saveUsual', { group: group.name }),
        onclick: (event) => save(() => api.setUsualDuty(group.id, chosenIn(event.currentTarget.parentNode))),
      }));
    return h('section', { class: 'roster-group', dataset: { group: group.id } },
      h('h2', { text: group.name }),
      usual,
      h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: t('mentor.roster.meeting') }),
          h('th', { scope: 'col', text: t('mentor.roster.onDuty') }),
          h('th', { scope: 'col', text: t('mentor.roster.swap') }))),
        h('tbody', {}, group.meetings.map((meeting) => meetingRow(group, meeting))))));
  }

  function meetingRow(group, meeting) {
    const when = formatWhen(meeting.starts_at_utc);
    const names = meeting.mentors.map((m) => m.name).join(', ');
    const absent = meeting.absent.map((m) => m.name).join(', ');
    return h('tr', { class: meeting.gap ? 'roster-gap' : '', dataset: { meeting: meeting.meeting } },
      h('th', { scope: 'row', text: when }),
      h('td', {},
        meeting.gap ? h('span', { class: 'badge badge--gap', text: t('mentor.roster.gap') }) : h('span', { text: names }),
        absent ? h('p', { class: 'hint', text: t('mentor.roster.absent', { names: absent }) }) : null),
      h('td', {},
        h('span', { class: 'roster-row' },
          slots(`swap-${group.id}-${meeting.meeting}`, 'mentor.roster.swapSlot', meeting.mentors, { when }),
          h('button', {
            type: 'button', class: 'btn btn--small', text: t('mentor.roster.save'),
            'aria-label': t('mentor.roster.saveSwap', { when }),
            onclick: (event) => save(() => api.swapDuty(group.id, meeting.meeting, chosenIn(event.currentTarget.parentNode))),
          }))));
  }

  async function save(call) {
    const error = $('#roster-error');
    const answer = await calls.load(error, call);
    if (!answer) return;
    roster = answer;
    render();
    announce(t('mentor.roster.saved'));
  }

  return { load };
}
