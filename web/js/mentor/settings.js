// Admin: the organisation's own settings — extra crisis terms (one a line, optionally led by a level),
// how long messages are kept, how long an unused teen account is kept, and how fast one teen may
// write. The server checks every term against the detector and names the first it cannot use.
import { t, errorText } from '../i18n.js';
import { $ } from '../dom.js';

// Form field -> setting, for the whole numbers.
const NUMBERS = { 'settings-retention': 'retention_days', 'settings-burst': 'flood_burst', 'settings-per-minute': 'flood_per_minute' };
// Unlike those, this one may be empty: the organisation then follows the platform's default (null).
const INACTIVE = 'settings-inactive-months';

export function createSettings({ api, calls, announce, onExpired }) {
  let answer = null; // the last {settings, defaults, bounds, levels} from the server

  async function load() {
    const loaded = await calls.load($('#settings-load-error'), () => api.settings());
    if (loaded) answer = loaded;
    render();
  }

  function render() {
    $('#settings-form').hidden = !answer;
    if (!answer) return;
    const { settings, defaults, bounds, levels } = answer;
    $('#settings-terms').value = (settings.extra_crisis_terms || []).join('\n');
    for (const [id, name] of Object.entries(NUMBERS)) {
      const field = $(`#${id}`);
      field.value = String(settings[name]);
      field.min = String(bounds[name].min);
      field.max = String(bounds[name].max);
    }
    const months = $(`#${INACTIVE}`);
    months.value = settings.inactive_account_months == null ? '' : String(settings.inactive_account_months);
    months.min = String(bounds.inactive_account_months.min);
    months.max = String(bounds.inactive_account_months.max);
    $(`#${INACTIVE}-hint`).textContent = t('mentor.settings.inactiveMonthsHint', {
      min: bounds.inactive_account_months.min,
      max: bounds.inactive_account_months.max,
      months: defaults.inactive_account_months,
    });
    const levelWords = (levels || []).map((level) => `${level}: (${t(`mentor.reports.severity.${level}`)})`).join(', ');
    $('#settings-terms-hint').textContent = t('mentor.settings.termsHint', {
      levels: levelWords, max: bounds.extra_crisis_terms.max_items,
    });
    $('#settings-retention-hint').textContent = t('mentor.settings.retentionHint', {
      min: bounds.retention_days.min, max: bounds.retention_days.max, days: defaults.retention_days,
    });
    $('#settings-flood-hint').textContent = t('mentor.settings.floodHint', {
      burst: defaults.flood_burst, perMinute: defaults.flood_per_minute,
    });
  }

  async function save(event) {
    event.preventDefault();
    const error = $('#settings-error');
    error.textContent = '';
    const body = {
      extra_crisis_terms: $('#settings-terms').value.split('\n').map((line) => line.trim()).filter(Boolean),
    };
    for (const [id, name] of Object.entries(NUMBERS)) {
      const value = $(`#${id}`).valueAsNumber;
      // A field left empty keeps the value in force; the server refuses anything out of bounds.
      if (!Number.isNaN(value)) body[name] = value;
    }
    // Empty is a choice here (the default), not "keep": a number the browser cannot read (12,5)
    // goes as it was typed, so the server's refusal names the bounds.
    const months = $(`#${INACTIVE}`);
    body.inactive_account_months = months.value.trim() === '' && !months.validity.badInput
      ? null
      : (Number.isNaN(months.valueAsNumber) ? months.value : months.valueAsNumber);
    const button = $('#settings-form [type=submit]');
    button.disabled = true;
    try {
      answer = await api.saveSettings(body);
      render();
      announce(t('mentor.settings.saved'));
      $('#settings-saved').textContent = t('mentor.settings.saved');
    } catch (failure) {
      if (failure.status === 401) { onExpired(); return; }
      // The refusal's parameters (the term, the bounds) belong in its text.
      error.textContent = errorText(failure.code, failure.message, failure.details);
      $('#settings-saved').textContent = '';
    } finally {
      button.disabled = false;
    }
  }

  $('#settings-form').addEventListener('submit', save);
  $('#settings-form').addEventListener('input', () => { $('#settings-saved').textContent = ''; });
  document.addEventListener('langchange', render);
  return { load };
}
