// The forms' limits come from the server (config.json's ``limits``, chalicelib/limits.py), so a
// field never lets a teen type what the server would refuse. ``data-limit="maxlength:max_pseudonym"``
// names the attribute and the limit; what is in the markup stays as the fallback.
import { t } from '../i18n.js';

/** Limits the page derives from the server's: a report's note shares ``max_reason`` with its reason code. */
function derived(limits) {
  const codes = Array.from(document.querySelectorAll('#report-form input[name="reason"]'), (input) => input.value);
  const longest = Math.max(0, ...codes.map((code) => code.length));
  const out = { ...limits };
  // The report goes out as "code: note" (report.js).
  if (Number.isInteger(limits.max_reason)) out.max_report_note = limits.max_reason - longest - 2;
  return out;
}

export function applyLimits(limits, root = document) {
  const known = derived(limits || {});
  for (const node of root.querySelectorAll('[data-limit]')) {
    for (const pair of node.dataset.limit.split(/\s+/).filter(Boolean)) {
      const [attr, name] = pair.split(':');
      if (Number.isInteger(known[name]) && known[name] > 0) node.setAttribute(attr, String(known[name]));
    }
  }
  // Hints that name a limit say the server's figure: ``data-limit-vars="min:min_pseudonym max:max_pseudonym"``.
  for (const node of root.querySelectorAll('[data-limit-vars]')) {
    const vars = {};
    for (const pair of node.dataset.limitVars.split(/\s+/).filter(Boolean)) {
      const [placeholder, name] = pair.split(':');
      if (Number.isInteger(known[name])) vars[placeholder] = known[name];
    }
    node.dataset.i18nVars = JSON.stringify(vars);
    if (node.dataset.i18n) node.textContent = t(node.dataset.i18n, vars);
  }
}
