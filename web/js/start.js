// What both pages do first: load the endpoints and the translations, and wire the language button.
import { loadConfig } from './config.js';
import { initI18n, languageToggle } from './i18n.js';
import { $ } from './dom.js';

/** The page's config, or null when it cannot start (the page then shows its own bilingual error). */
export async function startPage() {
  let config;
  try {
    [config] = await Promise.all([loadConfig(), initI18n()]);
  } catch {
    $('#app-error').hidden = false; // its text is in the page: the translations did not load
    return null;
  }
  languageToggle($('#lang-toggle'));
  return config;
}
