// The moderation dialog: remove a message; mute, kick or ban its author; close the session.
// Every action asks first and takes a reason that only mentors see.
import { t } from '../i18n.js';
import { $ } from '../dom.js';

const DEFAULT_MUTE_MINUTES = 10;
const DEFAULT_BAN_DAYS = 7;

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
    $('#mod-forever').checked = false;
    $('#mod-dialog').showModal();
    (action === 'close' ? $('#mod-submit') : $('#mod-reason')).focus();
  }

  async function submit(event) {
    event.preventDefault();
    const chat = currentChat();
    if (!pending || !chat) return;
    const { action, message, pseudonym } = pending;
    const reason = $('#mod-reason').value.trim();
    const sid = chat.session.id;
    const gid = chat.group.id;
    const requests = {
      remove: () => api.removeMessage(sid, message.id, reason),
      mute: () => api.mute(sid, pseudonym, Number($('#mod-minutes').value) || DEFAULT_MUTE_MINUTES, reason),
      kick: () => api.kick(sid, pseudonym, reason),
      ban: () => api.ban(gid, pseudonym, $('#mod-forever').checked ? null : (Number($('#mod-days').value) || DEFAULT_BAN_DAYS), reason),
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
