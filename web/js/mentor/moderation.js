// The moderation dialog: remove a message; mute, kick or ban its author; close the session.
// Every action asks first and takes a reason that only mentors see. A ban names its length: the
// mentor picks it (nothing is chosen for them), up to the server's longest (``max_ban_days``).
import { t } from '../i18n.js';
import { h, $ } from '../dom.js';
import { limit } from './limits.js';

const DEFAULT_MUTE_MINUTES = 10;
const BAN_DAYS = [1, 7, 30, 365]; // the lengths offered, besides "for good"
const FOREVER = 'forever';

export function createModeration({ api, calls, announce, currentChat }) {
  let pending = null; // {action, message?, pseudonym?, opener}

  function open(action, target, opener) {
    pending = { action, ...target, opener };
    $('#mod-title').textContent = t(`mentor.mod.${action}Title`, { name: nameOf(target) });
    const quote = $('#mod-quote');
    quote.hidden = !target.message;
    quote.textContent = target.message ? `${target.message.pseudonym}: ${target.message.text}` : '';
    $('#mod-minutes-row').hidden = action !== 'mute';
    $('#mod-days-row').hidden = action !== 'ban';
    $('#mod-reason-row').hidden = action === 'close';
    $('#mod-submit').textContent = t(`mentor.mod.${action}Confirm`);
    $('#mod-error').textContent = '';
    $('#mod-reason').value = '';
    $('#mod-minutes').value = String(DEFAULT_MUTE_MINUTES);
    renderBanChoices();
    $('#mod-dialog').showModal();
    (action === 'close' ? $('#mod-submit') : action === 'ban' ? $('#mod-days-choices input') : $('#mod-reason')).focus();
  }

  /** The ban lengths as radio buttons, none chosen: a ban is never longer or shorter than meant. */
  function renderBanChoices() {
    const longest = limit('max_ban_days', 3650);
    const choices = [...BAN_DAYS.filter((days) => days <= longest), FOREVER];
    $('#mod-days-choices').replaceChildren(...choices.map((value) => h('label', { class: 'check' },
      h('input', { type: 'radio', name: 'ban-days', value: String(value) }),
      h('span', { text: value === FOREVER ? t('mentor.mod.forever') : t(value === 1 ? 'mentor.mod.banOneDay' : 'mentor.mod.banDays', { days: value }) }))));
  }

  function banDays() {
    const chosen = $('#mod-days-choices input:checked');
    if (!chosen) return undefined;
    return chosen.value === FOREVER ? null : Number(chosen.value);
  }

  async function submit(event) {
    event.preventDefault();
    const chat = currentChat();
    if (!pending || !chat) return;
    const { action, message, pseudonym } = pending;
    const reason = $('#mod-reason').value.trim();
    const days = banDays();
    if (action === 'ban' && days === undefined) {
      $('#mod-error').textContent = t('mentor.mod.banChooseLength');
      $('#mod-days-choices input').focus();
      return;
    }
    const sid = chat.session.id;
    const gid = chat.group.id;
    const requests = {
      remove: () => api.removeMessage(sid, message.id, reason),
      mute: () => api.mute(sid, pseudonym, Number($('#mod-minutes').value) || DEFAULT_MUTE_MINUTES, reason),
      kick: () => api.kick(sid, pseudonym, reason),
      ban: () => api.ban(gid, pseudonym, days, reason),
      close: () => api.closeSession(sid),
    };
    if (await calls.act($('#mod-error'), requests[action])) {
      $('#mod-dialog').close();
      announce(t(`mentor.mod.${action}Done`, { name: nameOf({ message, pseudonym }) }));
    }
  }

  $('#mod-form').addEventListener('submit', submit);
  $('#mod-cancel').addEventListener('click', () => $('#mod-dialog').close());
  $('#mod-dialog').addEventListener('close', () => {
    if (pending?.opener?.isConnected) pending.opener.focus();
    pending = null;
  });
  return { open };
}

function nameOf({ pseudonym, message }) {
  return pseudonym || (message && message.pseudonym) || '';
}
