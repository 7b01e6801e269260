// The forms' limits come from the server (config.json's ``limits``, chalicelib/limits.py), so a form
// never allows what the server refuses, nor refuses what it allows.

// Field -> {attribute: limit name}.
const FIELDS = {
  '#composer-text': { maxlength: 'max_message_chars' },
  '#topic-text': { maxlength: 'max_topic' },
  '#announce-text': { maxlength: 'max_announcement' },
  '#enrol-name': { minlength: 'min_pseudonym', maxlength: 'max_pseudonym' },
  '#mod-reason': { maxlength: 'max_reason' },
  '#mod-minutes': { max: 'max_mute_minutes' },
  '#group-name': { maxlength: 'max_group_name' },
  '#group-description': { maxlength: 'max_description' },
  '#group-capacity': { min: 'min_capacity', max: 'max_capacity' },
  '#mentor-password': { minlength: 'min_mentor_password', maxlength: 'max_password' },
};

let known = {};

/** Put the server's limits on the page's fields; fields drawn later ask ``limit()``. */
export function applyLimits(limits) {
  known = limits || {};
  for (const [selector, attributes] of Object.entries(FIELDS)) {
    const field = document.querySelector(selector);
    if (!field) continue;
    for (const [attribute, name] of Object.entries(attributes)) {
      if (Number.isInteger(known[name])) field.setAttribute(attribute, String(known[name]));
    }
  }
}

/** One limit by its name in config.json (``max_ban_days``), or ``fallback`` from an older server. */
export function limit(name, fallback) {
  return Number.isInteger(known[name]) ? known[name] : fallback;
}
