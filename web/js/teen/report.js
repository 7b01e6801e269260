// Reporting a message to the mentor: a dialog with the message quoted, a reason and an optional note.
import { t } from '../i18n.js';
import { $ } from '../dom.js';

export function createReport({ currentChat, notices }) {
  let reporting = null; // {message, opener}

  function open(message, opener) {
    reporting = { message, opener };
    $('#report-quote').textContent = `${message.pseudonym}: ${message.text}`;
    $('#report-form').reset();
    $('#report-dialog').showModal();
  }

  function submit(event) {
    event.preventDefault();
    const chat = currentChat();
    if (!reporting || !chat) return;
    const choice = new FormData(event.currentTarget).get('reason');
    const note = $('#report-note').value.trim();
    const reason = note ? `${choice}: ${note}` : choice;
    if (!chat.connection.report(reporting.message.id, reason)) notices.show('error', t('status.offline'));
    close();
  }

  function close() {
    $('#report-dialog').close();
  }

  $('#report-form').addEventListener('submit', submit);
  $('#report-cancel').addEventListener('click', close);
  $('#report-dialog').addEventListener('close', () => { reporting?.opener?.focus(); reporting = null; });
  return { open };
}
