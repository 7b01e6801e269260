// "My account": a new password, a new recovery code, everything stored as a file, and leaving for good.
import { t } from '../i18n.js';
import { $ } from '../dom.js';
import { refusalText, setBusy } from './signup.js';

export function createSettings({ api, showRecoveryCode, onDeleted }) {
  /** Run a form's call; a refusal goes to ``error``, the fields are cleared either way. */
  async function send(form, error, call) {
    error.textContent = '';
    setBusy(form, true);
    try {
      return await call();
    } catch (failure) {
      error.textContent = refusalText(failure);
      return null;
    } finally {
      setBusy(form, false);
      form.reset();
    }
  }

  async function changePassword(event) {
    event.preventDefault();
    $('#password-done').hidden = true;
    const done = await send(event.currentTarget, $('#password-error'),
      () => api.changePassword($('#password-current').value, $('#password-new').value));
    if (done) $('#password-done').hidden = false;
  }

  async function renewCode(event) {
    event.preventDefault();
    const result = await send(event.currentTarget, $('#code-error'), () => api.renewRecoveryCode($('#code-password').value));
    if (result) showRecoveryCode(result.recovery_code, true);
  }

  async function exportData() {
    $('#export-error').textContent = '';
    try {
      const data = await api.exportMyData();
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = t('account.exportFile');
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      $('#export-error').textContent = refusalText(failure);
    }
  }

  async function deleteAccount(event) {
    event.preventDefault();
    if (!$('#delete-confirm').checked) { $('#delete-error').textContent = t('account.deleteConfirmFirst'); return; }
    const result = await send(event.currentTarget, $('#delete-error'), () => api.deleteAccount($('#delete-password').value));
    if (result) onDeleted();
  }

  function open() {
    for (const id of ['#password-error', '#code-error', '#export-error', '#delete-error']) $(id).textContent = '';
    $('#password-done').hidden = true;
  }

  $('#password-form').addEventListener('submit', changePassword);
  $('#code-form').addEventListener('submit', renewCode);
  $('#export-data').addEventListener('click', exportData);
  $('#delete-form').addEventListener('submit', deleteAccount);
  return { open };
}
