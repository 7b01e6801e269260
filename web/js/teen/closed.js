// A session that has ended is not a dead end: when the group meets next (in the teen's own time
// zone), a button to follow it, and "add to calendar" (the group's .ics feed).
import { t, formatWhen, errorText } from '../i18n.js';
import { nextStart } from '../api.js';
import { $ } from '../dom.js';

export function createClosed({ api, findGroup, refreshGroups }) {
  let shown = null; // the group id on screen; a late answer for another group is ignored
  let following = false;

  function hide() {
    shown = null;
    $('#next-meeting').hidden = true;
    $('#follow').hidden = true;
    $('#add-to-calendar').hidden = true;
    $('#follow-state').textContent = '';
  }

  async function show(groupId) {
    hide();
    shown = groupId;
    const calendar = $('#add-to-calendar');
    calendar.href = api.calendarUrl(groupId);
    calendar.hidden = false;
    $('#back-to-groups').focus(); // at once, so the focus never rests on a hidden button
    const [, mine] = await Promise.all([
      refreshGroups().catch(() => null), // the next meeting comes with the group list
      api.myGroups().catch(() => null),
    ]);
    if (shown !== groupId) return;
    const group = findGroup(groupId);
    const next = group && nextStart(group);
    if (next) {
      const when = $('#next-meeting-when');
      when.dateTime = next;
      when.textContent = formatWhen(next);
      $('#next-meeting').hidden = false;
    }
    renderFollow(Boolean(mine && (mine.groups || []).some((item) => item.id === groupId)));
    ($('#follow').hidden ? calendar : $('#follow')).focus();
  }

  function renderFollow(now) {
    following = now;
    $('#follow').hidden = following;
    $('#follow').textContent = t('closed.follow');
    $('#follow-state').textContent = following ? t('closed.following') : '';
  }

  async function follow() {
    if (!shown) return;
    const button = $('#follow');
    button.disabled = true;
    try {
      await api.follow(shown);
      renderFollow(true);
      $('#add-to-calendar').focus();
    } catch (failure) {
      $('#follow-state').textContent = errorText(failure.code, failure.message, failure.details || {});
    } finally {
      button.disabled = false;
    }
  }

  $('#follow').addEventListener('click', follow);
  document.addEventListener('langchange', () => {
    if (!shown) return;
    renderFollow(following);
    const when = $('#next-meeting-when');
    if (when.dateTime) when.textContent = formatWhen(when.dateTime);
  });
  return { show, hide };
}
