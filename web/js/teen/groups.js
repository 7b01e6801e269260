// "Your groups": every group with when it meets, open ones first, each open one to join.
import { t, formatTime, formatWhen, errorText } from '../i18n.js';
import { nextStart } from '../api.js';
import { h, $, clear } from '../dom.js';

export function createGroups({ api, account, onJoin, onExpired, cardExtra = () => null }) {
  let groups = [];

  /** The groups from the server, kept for the list and for the chat's title. */
  async function fetch() {
    groups = (await api.groups()).groups || [];
    return groups;
  }

  async function load() {
    $('#groups-hello').textContent = account.current ? t('groups.hello', { name: account.current.pseudonym }) : '';
    $('#groups-error').textContent = '';
    try {
      await fetch();
      render();
    } catch (failure) {
      if (failure.status === 401) { onExpired(); return; } // the token expired: log in again
      $('#groups-error').textContent = errorText(failure.code, failure.message);
    }
  }

  function render() {
    // Open groups first: that is where someone is waiting right now.
    const sorted = [...groups].sort((a, b) => (b.open - a.open) || a.name.localeCompare(b.name));
    $('#groups-empty').hidden = sorted.length > 0;
    clear($('#group-list')).append(...sorted.map(groupCard));
  }

  function groupCard(group) {
    const next = nextStart(group);
    const when = group.open && group.session
      ? t('groups.openUntil', { time: formatTime(group.session.ends_at) })
      : next ? t('groups.next', { when: formatWhen(next) }) : t('groups.noNext');
    const titleId = `group-${group.id}-title`;
    return h('li', { class: `group-card${group.open ? ' group-card--open' : ''}`, 'aria-labelledby': titleId },
      h('div', { class: 'group-card__head' },
        h('h2', { id: titleId, class: 'group-card__name', text: group.name }),
        group.open ? h('span', { class: 'badge badge--open', text: t('groups.openNow') }) : h('span', { class: 'badge', text: t('groups.closed') })),
      group.description ? h('p', { text: group.description }) : null,
      h('p', { class: 'group-card__when', text: when }),
      group.rules && group.rules.length ? h('details', {},
        h('summary', { text: t('groups.rules') }),
        h('ul', { class: 'rules' }, group.rules.map((rule) => h('li', { text: rule })))) : null,
      group.open ? h('button', {
        type: 'button', class: 'btn btn--primary', text: t('groups.join'),
        'aria-describedby': titleId, onclick: () => onJoin(group.id),
      }) : null,
      cardExtra(group));
  }

  $('#groups-refresh').addEventListener('click', load);
  return { fetch, load, render, find: (id) => groups.find((group) => group.id === id) };
}
