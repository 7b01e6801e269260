// Getting in: signing up (with the recovery code to write down), logging in, and getting back in
// with that code when the password is forgotten. A pseudonym and a password, nothing more.
import { t, errorText } from '../i18n.js';
import { $ } from '../dom.js';

const MIN_PSEUDONYM = 2;
const MIN_PASSWORD = 8;

/** A refusal in the viewer's language; a refused pseudonym also names the rule it broke. */
export function refusalText(failure) {
  const text = errorText(failure.code, failure.message, failure.details || {});
  const reason = failure.details && failure.details.reason;
  if (failure.code === 'pseudonym_not_anonymous' && reason) return `${text} ${t(`pseudonymRule.${reason}`)}`;
  return text;
}

export function createSignup({ api, account, go }) {
  async function signUp(event) {
    event.preventDefault();
    const pseudonym = $('#signup-pseudonym').value.trim();
    const password = $('#signup-password').value;
    const error = $('#signup-error');
    error.textContent = '';
    if (pseudonym.length < MIN_PSEUDONYM) { error.textContent = t('error.invalid_pseudonym', { min_length: MIN_PSEUDONYM, max_length: 24 }); $('#signup-pseudonym').focus(); return; }
    if (password.length < MIN_PASSWORD) { error.textContent = t('error.weak_password', { min_length: MIN_PASSWORD }); $('#signup-password').focus(); return; }
    await submit(event.currentTarget, error, () => api.signUp(pseudonym, password), (result) => {
      showRecoveryCode(result.recovery_code, false);
    });
  }

  async function logIn(event) {
    event.preventDefault();
    const error = $('#login-error');
    error.textContent = '';
    await submit(event.currentTarget, error, () => api.logIn($('#login-pseudonym').value.trim(), $('#login-password').value),
      () => go('groups'));
  }

  async function recover(event) {
    event.preventDefault();
    const error = $('#recover-error');
    error.textContent = '';
    const password = $('#recover-password').value;
    if (password.length < MIN_PASSWORD) { error.textContent = t('error.weak_password', { min_length: MIN_PASSWORD }); $('#recover-password').focus(); return; }
    await submit(event.currentTarget, error,
      () => api.recover($('#recover-pseudonym').value.trim(), $('#recover-code').value, password),
      (result) => showRecoveryCode(result.recovery_code, true));
  }

  /** Show a recovery code to write down; ``replaced``: it replaces one that no longer works. */
  function showRecoveryCode(code, replaced) {
    $('#recovery-code').textContent = code;
    $('#recovery-replaced').hidden = !replaced;
    $('#recovery-done').checked = false;
    $('#recovery-continue').disabled = true;
    go('recovery');
  }

  /** Send a form: busy while waiting; a new token logs in, a refusal is shown in ``error``. */
  async function submit(form, error, call, then) {
    setBusy(form, true);
    try {
      const result = await call();
      account.save({ token: result.token, pseudonym: result.pseudonym, expires_at: result.expires_at });
      form.reset();
      then(result);
    } catch (failure) {
      error.textContent = refusalText(failure);
    } finally {
      setBusy(form, false);
    }
  }

  $('#signup-form').addEventListener('submit', signUp);
  $('#login-form').addEventListener('submit', logIn);
  $('#recover-form').addEventListener('submit', recover);
  $('#recovery-done').addEventListener('change', (event) => { $('#recovery-continue').disabled = !event.target.checked; });
  $('#recovery-continue').addEventListener('click', () => { $('#recovery-code').textContent = ''; go('groups'); });
  return { showRecoveryCode };
}

export function setBusy(form, busy) {
  form.setAttribute('aria-busy', String(busy));
  for (const button of form.querySelectorAll('button[type=submit]')) button.disabled = busy;
}
