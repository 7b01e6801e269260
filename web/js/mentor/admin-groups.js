// Admin: the organisation's groups and their weekly schedule, created and edited in one form.
import { t } from '../i18n.js';
import { h, $ } from '../dom.js';

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]; // Monday first, as the server counts them
const DEFAULT_TZ = 'Europe/Copenhagen';

export function createAdminGroups({ api, calls, announce }) {
  let groups = [];

  async function load() {
    const answer = await calls.load($('#groups-error'), () => api.adminGroups());
    if (answer) groups = answer.groups ?? []; // a refused reload keeps the rows shown
    render();
  }

  function render() {
    $('#admin-group-rows').replaceChildren(...groups.map((group) => h('tr', {},
      h('th', { scope: 'row', text: group.name }),
      h('td', { text: scheduleText(group) }),
      h('td', { text: flat(group).capacity ?? '' }),
      h('td', {}, h('button', {
        type: 'button', class: 'btn btn--small', text: t('mentor.admin.edit'),
        'aria-label': t('mentor.admin.editGroup', { name: group.name }), onclick: () => edit(group),
      })))));
  }

  /** The weekday choices in the page's language, keeping the one chosen. */
  function renderWeekdays() {
    const select = $('#group-weekday');
    const chosen = select.value;
    select.replaceChildren(...WEEKDAYS.map((day) => h('option', { value: day, text: t(`weekday.${day}`) })));
    if (chosen) select.value = chosen;
  }

  function edit(raw) {
    const group = flat(raw);
    $('#group-form-title').textContent = t('mentor.admin.editGroup', { name: group.name });
    $('#group-id').value = group.id;
    $('#group-name').value = group.name || '';
    $('#group-description').value = group.description || '';
    $('#group-rules').value = (group.rules || []).join('\n');
    $('#group-weekday').value = String(group.weekday ?? 3);
    $('#group-start').value = group.start_time || '19:00';
    $('#group-duration').value = group.duration_minutes || 90;
    $('#group-tz').value = group.tz || DEFAULT_TZ;
    $('#group-capacity').value = group.capacity || 15;
    $('#group-meetings').value = group.meetings || '';
    $('#group-first-date').value = group.first_date || '';
    $('#group-entry-mode').value = group.entry_mode || 'open';
    $('#group-name').focus();
  }

  function reset() {
    $('#group-form').reset();
    $('#group-id').value = '';
    $('#group-form-title').textContent = t('mentor.admin.newGroup');
  }

  async function save(event) {
    event.preventDefault();
    const gid = $('#group-id').value;
    const number = (id) => ($(id).value === '' ? null : Number($(id).value));
    const body = {
      name: $('#group-name').value.trim(),
      description: $('#group-description').value.trim(),
      rules: $('#group-rules').value.split('\n').map((line) => line.trim()).filter(Boolean),
      weekday: Number($('#group-weekday').value),
      start_time: $('#group-start').value,
      duration_minutes: number('#group-duration'),
      tz: $('#group-tz').value.trim() || DEFAULT_TZ,
      capacity: number('#group-capacity'),
      meetings: number('#group-meetings'),
      first_date: $('#group-first-date').value || null,
      entry_mode: $('#group-entry-mode').value,
    };
    if (await calls.act($('#group-form-error'), () => (gid ? api.updateGroup(gid, body) : api.createGroup(body)), load)) {
      reset();
      announce(t('mentor.admin.saved'));
    }
  }

  renderWeekdays();
  $('#group-form').addEventListener('submit', save);
  $('#group-form-reset').addEventListener('click', reset);
  return { load, renderWeekdays };
}

/** Admin group views carry the schedule in ``schedule``; older shapes had it at the top level. */
function flat(group) {
  return { ...group, ...(group.schedule || {}) };
}

function scheduleText(raw) {
  const group = flat(raw);
  if (group.weekday === undefined || group.weekday === null) return '';
  return t('mentor.admin.scheduleText', {
    weekday: t(`weekday.${group.weekday}`), time: group.start_time || '', minutes: group.duration_minutes || '', tz: group.tz || '',
  });
}
