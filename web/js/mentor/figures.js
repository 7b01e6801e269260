// Admin: the organisation's figures, counts per session and never who: a table and a bar chart.
import { t, formatDateTime, translatedOr } from '../i18n.js';
import { h, $, clear } from '../dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const CHARTED = ['participants', 'returning', 'messages']; // the first of these the rows have is drawn

export function createFigures({ api, calls }) {
  let rows = [];

  async function load() {
    const data = await calls.load($('#figures-error'), () => api.figures());
    rows = Array.isArray(data) ? data : (Object.values(data || {}).find(Array.isArray) || []);
    render();
  }

  function render() {
    const columns = rows.length ? Object.keys(rows[0]).filter((key) => key !== 'withheld') : [];
    $('#figures-head').replaceChildren(...columns.map((key) => h('th', { scope: 'col', text: columnName(key) })));
    $('#figures-rows').replaceChildren(...rows.map((row) => h('tr', {}, columns.map((key) => figureCell(key, row)))));
    drawChart();
  }

  /** Participants per session as bars: an SVG drawn with DOM calls (no inline style, CSP-safe). */
  function drawChart() {
    const box = clear($('#figures-chart'));
    const key = CHARTED.find((name) => rows.some((row) => typeof row[name] === 'number'));
    if (!key) return;
    const values = rows.map((row) => Number(row[key]) || 0);
    const max = Math.max(1, ...values);
    const width = Math.max(200, values.length * 28);
    const svg = svgNode('svg', {
      viewBox: `0 0 ${width} 120`, role: 'img', class: 'chart__svg',
      'aria-label': t('mentor.figures.chartLabel', { what: columnName(key) }),
    });
    values.forEach((value, index) => {
      const height = (value / max) * 100;
      const bar = svgNode('rect', { x: index * 28 + 4, y: 110 - height, width: 20, height, class: 'chart__bar' });
      const title = svgNode('title', {});
      title.textContent = String(value);
      bar.append(title);
      svg.append(bar);
    });
    box.append(svg);
  }

  return { load };
}

function columnName(key) {
  return translatedOr(`mentor.figures.${key}`, key);
}

/** A cell; one the server withheld (a check-in below five answers) says so instead of a number. */
function figureCell(key, row) {
  const why = row.withheld && row.withheld[key];
  if (why) return h('td', { class: 'figures__withheld', dataset: { withheld: why }, text: t(`mentor.figures.withheld.${why}`) });
  return h('td', { text: cell(key, row[key]) });
}

function cell(key, value) {
  if (key === 'mood_change' && typeof value === 'number') return value > 0 ? `+${value}` : String(value);
  if (key === 'returning_share' && typeof value === 'number') return `${Math.round(value * 100)} %`;
  if (value === null || value === undefined) return '';
  if (key === 'status') return translatedOr(`mentor.figures.status.${value}`, value);
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return formatDateTime(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function svgNode(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}
