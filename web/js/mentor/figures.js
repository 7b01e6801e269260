// Admin: the organisation's figures, counts per meeting and never who, in words a board member reads:
// the group's name, the meeting's date, "åben"/"lukket". A table, and a bar chart (plain SVG, drawn
// with DOM calls: no library, no inline style) of one chosen figure per meeting.
import { t, formatDateTime, locale } from '../i18n.js';
import { h, $, clear } from '../dom.js';

const SVG = 'http://www.w3.org/2000/svg';
// The columns shown, in this order; the server's ids (group_id, session_id) are not among them.
const COLUMNS = [
  'group', 'starts_at', 'status', 'participants', 'returning', 'returning_8w', 'returning_share', 'messages',
  'checkin_answers', 'checkin_average', 'checkout_answers', 'checkout_average', 'mood_change',
  'reports_handled', 'minutes_with_mentor', 'minutes_without_mentor',
];
const NUMBERS = new Set(COLUMNS.slice(3));
const CHARTED = ['messages', 'participants', 'returning']; // what the chart can show
const CHART = { height: 180, top: 18, bottom: 42, bar: 28, gap: 14, left: 8 };

export function createFigures({ api, calls }) {
  let rows = [];
  let charted = 'messages';

  async function load() {
    const data = await calls.load($('#figures-error'), () => api.figures());
    rows = Array.isArray(data) ? data : (data?.sessions || []);
    render();
  }

  function render() {
    const columns = COLUMNS.filter((key) => rows.some((row) => key in row));
    $('#figures-head').replaceChildren(...columns.map((key) => h('th', {
      scope: 'col', class: NUMBERS.has(key) ? 'num' : null, text: t(`mentor.figures.${key}`),
    })));
    $('#figures-rows').replaceChildren(...rows.map((row) => h('tr', {}, columns.map((key) => (key === 'group'
      ? h('th', { scope: 'row', text: row.group })
      : figureCell(key, row))))));
    $('#figures-empty').hidden = rows.length > 0;
    renderChoice();
    drawChart();
  }

  function renderChoice() {
    const select = $('#figures-charted');
    select.replaceChildren(...CHARTED.map((key) => h('option', { value: key, text: t(`mentor.figures.${key}`) })));
    select.value = charted;
  }

  /** One bar per meeting, its value above it and its group and date below. */
  function drawChart() {
    const box = clear($('#figures-chart'));
    if (!rows.length) return;
    // A withheld figure (too few people) is null: it gets no bar, only its reason in the chart's text.
    const values = rows.map((row) => (withheldWhy(charted, row) ? null : Number(row[charted]) || 0));
    const max = Math.max(1, ...values.filter((value) => value !== null));
    const step = CHART.bar + CHART.gap;
    const width = Math.max(320, CHART.left * 2 + rows.length * step);
    const plot = CHART.height - CHART.top - CHART.bottom;
    const base = CHART.top + plot;
    const title = t('mentor.figures.chartLabel', { what: t(`mentor.figures.${charted}`) });
    const svg = svgNode('svg', { viewBox: `0 0 ${width} ${CHART.height}`, role: 'img', class: 'chart__svg', 'aria-labelledby': 'figures-chart-title' });
    const svgTitle = svgNode('title', { id: 'figures-chart-title' });
    const bars = rows.map((row, i) => t('mentor.figures.bar', {
      group: row.group,
      date: shortDate(row.starts_at),
      value: values[i] === null ? t(`mentor.figures.withheld.${withheldWhy(charted, row)}`) : values[i],
    }));
    svgTitle.textContent = t('mentor.figures.chartSummary', { title, bars: bars.join('; ') });
    svg.append(svgTitle, svgNode('line', { x1: 0, x2: width, y1: base, y2: base, class: 'chart__axis' }));
    rows.forEach((row, index) => {
      const x = CHART.left + index * step + CHART.gap / 2;
      if (values[index] === null) {
        svg.append(text('–', x + CHART.bar / 2, base - 4, 'chart__value chart__value--withheld'));
      } else {
        const height = (values[index] / max) * plot;
        svg.append(svgNode('rect', { x, y: base - height, width: CHART.bar, height, class: 'chart__bar' }));
        svg.append(text(String(values[index]), x + CHART.bar / 2, base - height - 4, 'chart__value'));
      }
      svg.append(text(shortDate(row.starts_at), x + CHART.bar / 2, base + 14, 'chart__label'));
      svg.append(text(initials(row.group), x + CHART.bar / 2, base + 28, 'chart__label'));
    });
    box.append(h('p', { class: 'chart__caption', 'aria-hidden': 'true', text: title }), svg);
  }

  $('#figures-charted').addEventListener('change', (event) => { charted = event.target.value; drawChart(); });
  document.addEventListener('langchange', () => { if (rows.length) render(); });
  return { load };
}

/** Why the server withheld this figure of the row (too few answers or participants), or nothing. */
function withheldWhy(key, row) {
  return (row.withheld && row.withheld[key]) || null;
}

/** A cell; one the server withheld (below five answers or five participants) says so instead of a number. */
function figureCell(key, row) {
  const why = withheldWhy(key, row);
  if (why) {
    return h('td', { class: 'figures__withheld', dataset: { withheld: why }, text: t(`mentor.figures.withheld.${why}`) });
  }
  return h('td', { class: NUMBERS.has(key) ? 'num' : null, text: cell(key, row[key]) });
}

function cell(key, value) {
  if (key === 'mood_change' && typeof value === 'number') return value > 0 ? `+${value}` : String(value);
  if (key === 'returning_share' && typeof value === 'number') return `${Math.round(value * 100)} %`;
  if (value === null || value === undefined) return '';
  if (key === 'status') return t(`mentor.figures.status.${value}`);
  if (key === 'starts_at') return formatDateTime(value);
  return String(value);
}

function shortDate(iso) {
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short' }).format(new Date(iso));
}

/** A group's name shortened under its bar ("Torsdagsgruppen" -> "Torsdagsg…"). */
function initials(name) {
  const text = String(name || '');
  return text.length > 10 ? `${text.slice(0, 9)}…` : text;
}

function text(content, x, y, cls) {
  const node = svgNode('text', { x, y, class: cls, 'aria-hidden': 'true' });
  node.textContent = content;
  return node;
}

function svgNode(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}
