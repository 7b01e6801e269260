// Getting in: signing up (with the recovery code to write down), logging in, and getting back in
// with that code when the password is forgotten. A pseudonym and a password, nothing more.
// Signing up costs the phone a little work (a proof of work, solved in a Web Worker while the teen types),
// which keeps scripted sign-ups slow without any third party or tracking.
import { t, errorText } from '../i18n.js';
import { $ } from '../dom.js';
import { ChallengeSupply } from '../challenge.js';
import { rememberDevice } from '../devices.js';

const MIN_PSEUDONYM = 2;
const MIN_PASSWORD = 8;
// Codes that say the challenge was not accepted (expired, or spent): solve a new one and try once more.
const CHALLENGE_AGAIN = new Set(['challenge_expired', 'challenge_required']);

/** A refusal in the viewer's language; a refused pseudonym also names the rule it broke. */
export function refusalText(failure) {
  const text = errorText(failure.code, failure.message, failure.details || {});
  const reason = failure.details && failure.details.reason;
  if (failure.code === 'pseudonym_not_anonymous' && reason) return `${text} ${t(`pseudonymRule.${reason}`)}`;
  return text;
}

export function createSignup({ api, account, go }) {
  const progress = $('#signup-progress');
  const challenges = new ChallengeSupply(api, (fraction) => {
    progress.textContent = t('signup.solving', { percent: Math.floor(fraction * 100) });
  });

  /** The solved challenge, showing progress while the teen waits for it. */
  async function solved() {
    progress.hidden = false;
    try {
      return await challenges.take();
    } finally {
      progress.hidden = true;
    }
  }

  async function signUpWithChallenge(pseudonym, password) {
    try {
      return await api.signUp(pseudonym, password, await solved());
    } catch (failure) {
      if (!CHALLENGE_AGAIN.has(failure.code)) {
        challenges.prepare(); // a challenge buys one attempt: have the next one ready
        throw failure;
      }
    }
    try {
      return await api.signUp(pseudonym, password, await solved());
    } catch (failure) {
      challenges.prepare();
      throw failure;
    }
  }

  async function signUp(event) {
    event.preventDefault();
    const pseudonym = $('#signup-pseudonym').value.trim();
    const password = $('#signup-password').value;
    const error = $('#signup-error');
    error.textContent = '';
    if (pseudonym.length < MIN_PSEUDONYM) { error.textContent = t('error.invalid_pseudonym', { min_length: MIN_PSEUDONYM, max_length: 24 }); $('#signup-pseudonym').focus(); return; }
    if (password.length < MIN_PASSWORD) { error.textContent = t('error.weak_password', { min_length: MIN_PASSWORD }); $('#signup-password').focus(); return; }
    await submit(event.currentTarget, error, () => signUpWithChallenge(pseudonym, password), (result) => {
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
      rememberDevice(result.device_token); // this browser only: spares its owner the wait if the name is guessed
      account.save({ token: result.token, pseudonym: result.pseudonym, expires_at: result.expires_at });
      form.reset();
      then(result);
    } catch (failure) {
      error.textContent = refusalText(failure);
    } finally {
      setBusy(form, false);
    }
  }

  // Start the work as soon as someone may sign up, so it is usually done before they press »Create«.
  for (const field of ['#signup-pseudonym', '#signup-password']) {
    $(field).addEventListener('focus', () => challenges.prepare(), { once: true });
  }
  $('#go-signup').addEventListener('click', () => challenges.prepare());

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
