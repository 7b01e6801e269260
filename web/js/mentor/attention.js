// A new report must reach a mentor who is looking at another tab: the page's title counts the reports
// not yet seen ("(1) Ny rapport – Gruppechat") until the tab is visible again, and, if the mentor has
// allowed it on this device, a short beep (made with WebAudio, no sound file) and a system notification.
// The page title also carries the standing alerts (alerts.js), which come first.
import { t } from '../i18n.js';
import { $ } from '../dom.js';

const SETTINGS_KEY = 'gruppechat.mentor.attention';

export function loadAttentionSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}');
    return { sound: Boolean(saved.sound), notify: Boolean(saved.notify) };
  } catch {
    return { sound: false, notify: false };
  }
}

function saveSettings(settings) {
  try { localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings)); } catch { /* private mode: not kept */ }
}

export function createAttention() {
  let unseen = 0; // reports that arrived while the tab was hidden
  let alerts = 0; // standing alerts on screen (alerts.js)
  let settings = loadAttentionSettings();
  let audio = null;

  function renderTitle() {
    if (alerts) document.title = t('mentor.alert.pageTitle', { count: alerts });
    else if (unseen) document.title = t('mentor.attention.pageTitle', { count: unseen });
    else document.title = t('page.mentorTitle');
  }

  /** A report arrived live. Hidden tab: count it in the title, and beep and notify if allowed. */
  function reportArrived(report) {
    if (!document.hidden) return;
    unseen += 1;
    renderTitle();
    if (settings.sound) beep(report.priority === 'high');
    if (settings.notify && 'Notification' in window && Notification.permission === 'granted') {
      const where = report.group_name ? ` – ${report.group_name}` : '';
      try {
        // The notification names no teen and quotes nothing: it can show on a shared screen.
        new Notification(t('mentor.attention.notificationTitle'), {
          body: t(`mentor.reports.kind.${report.kind}`) + where, tag: 'gruppechat-report',
        });
      } catch { /* some browsers allow notifications only from a service worker */ }
    }
  }

  function beep(urgent) {
    try {
      audio = audio || new AudioContext();
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = urgent ? 880 : 660;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.4);
    } catch { /* no audio here: the title still says it */ }
  }

  function setAlerts(count) {
    alerts = count;
    renderTitle();
  }

  function renderSettings() {
    $('#attention-sound').checked = settings.sound;
    $('#attention-notify').checked = settings.notify;
    const denied = 'Notification' in window && Notification.permission === 'denied';
    $('#attention-hint').textContent = denied ? t('mentor.attention.notifyDenied') : '';
  }

  $('#attention-sound').addEventListener('change', (event) => {
    settings = { ...settings, sound: event.target.checked };
    saveSettings(settings);
    if (settings.sound) beep(false); // the mentor hears what it will sound like
  });
  $('#attention-notify').addEventListener('change', async (event) => {
    let allowed = event.target.checked;
    if (allowed && 'Notification' in window && Notification.permission === 'default') {
      allowed = (await Notification.requestPermission()) === 'granted';
    }
    settings = { ...settings, notify: allowed && 'Notification' in window && Notification.permission === 'granted' };
    saveSettings(settings);
    renderSettings();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && unseen) {
      unseen = 0;
      renderTitle();
    }
  });
  document.addEventListener('langchange', () => { renderTitle(); renderSettings(); });
  renderSettings();

  return { reportArrived, setAlerts, renderTitle, get unseen() { return unseen; } };
}
