// Admin: the organisation's mentors: add one, deactivate one (never oneself).
import { t } from '../i18n.js';
import { h, $ } from '../dom.js';

export function createAdminMentors({ api, calls, announce, account }) {
  let mentors = [];

  async function load() {
    const answer = await calls.load($('#mentors-error'), () => api.mentors());
    mentors = answer ? answer.mentors ?? [] : [];
    render();
  }

  function render() {
    const me = account.current?.mentor.id;
    $('#mentor-rows').replaceChildren(...mentors.map((mentor) => {
      const active = mentor.active !== false;
      return h('tr', {},
        h('th', { scope: 'row', text: mentor.username || '' }),
        h('td', { text: mentor.display_name || mentor.name || '' }),
        h('td', { text: t(`mentor.role.${mentor.role}`) }),
        h('td', { text: t(active ? 'mentor.admin.active' : 'mentor.admin.inactive') }),
        h('td', {}, active && mentor.id !== me ? h('button', {
          type: 'button', class: 'btn btn--small btn--danger', text: t('mentor.admin.deactivate'),
          'aria-label': t('mentor.admin.deactivateWho', { name: mentor.display_name || mentor.username }),
          onclick: () => calls.act($('#mentors-error'), () => api.deactivateMentor(mentor.id), load),
        }) : null));
    }));
  }

  async function create(event) {
    event.preventDefault();
    const form = event.currentTarget; // null once the call below has awaited
    const body = {
      username: $('#mentor-username').value.trim(), display_name: $('#mentor-display').value.trim(),
      password: $('#mentor-password').value, role: $('#mentor-role').value,
    };
    if (await calls.act($('#mentor-form-error'), () => api.createMentor(body), load)) {
      form.reset();
      announce(t('mentor.admin.saved'));
    }
  }

  $('#mentor-form').addEventListener('submit', create);
  return { load };
}
