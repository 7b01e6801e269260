// "My duties": the coming meetings this mentor is on duty for, in the viewer's own time zone, each
// with "I cannot come" (the admin then sees whether that leaves the meeting without a mentor).
import { t, formatWhen } from '../i18n.js';
import { h, $ } from '../dom.js';

export function createDuties({ api, calls, announce }) {
  let duties = [];

  async function load() {
    const answer = await calls.load($('#duties-error'), () => api.duties());
    if (answer) duties = answer.duties ?? [];
    render();
  }

  function render() {
    $('#duties-empty').hidden = duties.length > 0;
    $('#duty-list').replaceChildren(...duties.map(dutyCard));
  }

  function dutyCard(duty) {
    const when = formatWhen(duty.starts_at_utc);
    const others = duty.mentors.map((m) => m.name).filter(Boolean);
    return h('li', { class: 'group-card', dataset: { meeting: duty.meeting } },
      h('div', { class: 'group-card__head' },
        h('h2', { class: 'group-card__name', text: duty.group }),
        duty.cannot_come ? h('span', { class: 'badge badge--held_back', text: t('mentor.duties.absent') }) : null),
      h('p', { class: 'group-card__when', text: when }),
      others.length ? h('p', { class: 'hint', text: t('mentor.duties.onDuty', { names: others.join(', ') }) }) : null,
      duty.cannot_come ? null : h('button', {
        type: 'button', class: 'btn btn--small', text: t('mentor.duties.cannotCome'),
        'aria-label': t('mentor.duties.cannotComeTo', { group: duty.group, when }),
        onclick: () => calls.act($('#duties-error'), async () => {
          const answer = await api.cannotCome(duty.group_id, duty.meeting);
          duties = answer.duties ?? duties;
          render();
          announce(t('mentor.duties.cannotComeDone', { group: duty.group, when }));
        }),
      }));
  }

  return { load };
}
