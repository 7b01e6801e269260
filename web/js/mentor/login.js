// Logging in as a mentor; the top bar says who is logged in and shows the admin tabs to admins.
import { t, errorText } from '../i18n.js';
import { $, $$ } from '../dom.js';
import { signedIn } from '../account.js';
import { rememberDevice } from '../devices.js';

const ACCOUNT_KEY = 'gruppechat.mentor';

/** {token, expires_at, mentor: {id, name, role, org_id}} while a mentor is logged in on this tab. */
export function mentorAccount() {
  return signedIn(
    ACCOUNT_KEY,
    ({ mentor }) => t('mentor.signedInAs', { name: mentor.name, role: t(`mentor.role.${mentor.role}`) }),
    (account) => {
      const admin = Boolean(account && account.mentor && account.mentor.role === 'admin');
      for (const tab of $$('.admin-only')) tab.hidden = !admin;
    },
  );
}

export function createLogin({ api, account, onLoggedIn }) {
  async function submit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const error = $('#login-error');
    error.textContent = '';
    form.querySelector('[type=submit]').disabled = true;
    try {
      const { device_token: device, ...result } = await api.mentorLogIn($('#login-username').value.trim(),
        $('#login-password').value);
      rememberDevice(device); // kept by this browser only: spares its mentor the wait if their name is guessed
      account.save(result);
      form.reset();
      onLoggedIn();
    } catch (failure) {
      error.textContent = failure.notAvailable ? t('mentor.login.notAvailable') : errorText(failure.code, failure.message, failure.details);
    } finally {
      form.querySelector('[type=submit]').disabled = false;
    }
  }

  $('#login-form').addEventListener('submit', submit);
}
