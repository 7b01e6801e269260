// "Live groups": the organisation's sessions open now, to enter, and all its groups, to open one
// early or cancel a date.
import { t, formatTime, formatWhen } from '../i18n.js';
import { nextStart } from '../api.js';
import { h, $, clear } from '../dom.js';

export function createSessions({ api, calls, onEnter }) {
  let sessions = []; // [{session, group}] open now
  let groups = []; // every group of the organisation

  async function load() {
    const answer = await calls.load($('#sessions-error'), () => Promise.all([api.sessions(), api.mentorGroups()]));
    // A refused reload keeps the groups already shown.
    sessions = answer ? answer[0].sessions ?? [] : [];
    if (answer) groups = answer[1].groups ?? [];
    render();
  }

  function render() {
    $('#sessions-empty').hidden = sessions.length > 0;
    clear($('#session-list')).append(...sessions.map(({ session, group }) => sessionCard(session, group)));
    clear($('#mentor-group-list')).append(...groups.map(groupCard));
  }

  function sessionCard(session, group) {
    return h('li', { class: 'group-card group-card--open' },
      h('div', { class: 'group-card__head' },
        h('h2', { class: 'group-card__name', text: group.name }),
        h('span', { class: 'badge badge--open', text: t('groups.openNow') }),
        session.room && session.room.state !== 'open'
          ? h('span', { class: 'badge badge--no_mentor', text: t('mentor.sessions.noMentor') }) : null),
      session.topic ? h('p', {}, h('span', { class: 'label', text: t('chat.topic') }), ' ', h('span', { text: session.topic })) : null,
      h('p', { class: 'group-card__when', text: t('groups.openUntil', { time: formatTime(session.ends_at) }) }),
      h('button', {
        type: 'button', class: 'btn btn--primary', text: t('mentor.sessions.open'), dataset: { group: group.id },
        onclick: () => onEnter(session, group),
      }));
  }

  function groupCard(group) {
    const error = $('#sessions-error');
    const dateId = `cancel-${group.id}`;
    const next = nextStart(group);
    return h('li', { class: `group-card${group.open ? ' group-card--open' : ''}` },
      h('div', { class: 'group-card__head' },
        h('h3', { class: 'group-card__name', text: group.name }),
        group.open ? h('span', { class: 'badge badge--open', text: t('groups.openNow') }) : null),
      h('p', { class: 'group-card__when', text: next ? t('groups.next', { when: formatWhen(next) }) : t('groups.noNext') }),
      h('div', { class: 'actions' },
        group.open ? null : h('button', {
          type: 'button', class: 'btn btn--small', text: t('mentor.groups.openNow'),
          onclick: () => calls.act(error, () => api.openGroup(group.id), load),
        }),
        h('label', { for: dateId, class: 'inline-label', text: t('mentor.groups.cancelDate') }),
        h('input', { id: dateId, type: 'date' }),
        h('button', {
          type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.groups.cancel'),
          onclick: () => {
            const date = $(`#${CSS.escape(dateId)}`).value;
            if (date) calls.act(error, () => api.cancelDate(group.id, date), load);
          },
        })));
  }

  $('#sessions-refresh').addEventListener('click', load);
  return { load };
}
