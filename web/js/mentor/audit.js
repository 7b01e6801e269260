// The audit log: every mentor action in the organisation, newest first as the server sends it.
import { formatDateTime, translatedOr } from '../i18n.js';
import { h, $ } from '../dom.js';

export function createAudit({ api, calls }) {
  async function load() {
    const answer = await calls.load($('#audit-error'), () => api.audit());
    if (answer) render(answer.entries ?? []);
  }

  function render(entries) {
    $('#audit-rows').replaceChildren(...entries.map((entry) => h('tr', {},
      h('td', {}, entry.at ? h('time', { datetime: entry.at, text: formatDateTime(entry.at) }) : null),
      h('td', { text: entry.mentor || '' }),
      h('td', { text: translatedOr(`mentor.audit.actions.${entry.action}`, entry.action) }),
      h('td', { text: entry.target || '' }),
      h('td', { text: entry.reason || '' }))));
  }

  return { load };
}
