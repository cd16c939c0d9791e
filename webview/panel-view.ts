// The panel's page: header with the run's state and controls, KPI tiles, the live thresholds
// list, the verdict with its "what broke first" timeline, and the charts. It renders the model;
// the only state of its own is UI state (the marked second, the slider while it is dragged).
import type { WebviewMessage } from '../src/protocol/panel-messages';
import { ChartBoard } from './chart-board';
import { chartForMetric } from './chart-catalog';
import { formatDuration, formatLevel, formatMetricValue, formatMs, formatPercent, formatRate, formatUsd } from '../vocabulary/format';
import { statusWord, verdictLine, WINDOW } from '../vocabulary/figures';
import { multiplierFromSlider, sliderFromMultiplier, SLIDER_STEPS } from './multiplier-scale';
import type { ModelChange, PanelModel } from './panel-model';
import { readPalette } from './theme';
import { breachTimeline } from './threshold-board';
import { setButtonDisabled, toolkitButton } from './toolkit';

export interface ViewHost {
  post(message: WebviewMessage): void;
  saveUiState(state: UiState): void;
}

export interface UiState {
  /** The marked second and the run it belongs to (a new run clears it). */
  markerT: number | null;
  runId: string | null;
}

/** How long after the user touched the slider a tick's multiplier may move it again. */
const SLIDER_HOLD_MS = 1500;
const SLIDER_SEND_DELAY_MS = 150;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Writes text only when it changed: an unchanged page then needs no style or layout work. */
function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

interface Tile {
  value: HTMLElement;
  detail: HTMLElement;
}

/** One row of the thresholds table, kept between ticks and changed in place. */
interface ThresholdRowView {
  tr: HTMLTableRowElement;
  mark: HTMLElement;
  value: HTMLElement;
  when: HTMLElement;
  /** The first breach the `when` cell shows. */
  breach: string;
}

export class PanelView {
  readonly board: ChartBoard;
  private readonly title = el('h2', 'run-title', 'Stampede');
  private readonly status = el('span', 'status-pill', 'waiting for a run');
  private readonly note = el('p', 'run-note');
  private readonly slider = el('input', 'multiplier-slider');
  private readonly sliderValue = el('output', 'multiplier-value', '1.00×');
  private readonly resetButton: HTMLElement;
  private readonly stopButton: HTMLElement;
  private readonly tiles: Record<'rate' | 'ttft' | 'errors' | 'tokens' | 'cost', Tile>;
  private readonly thresholdBody = el('tbody');
  private readonly valueHead = el('th', undefined, 'Value');
  private readonly thresholdSection = el('section', 'thresholds');
  private readonly verdict = el('section', 'verdict');
  private readonly headline = el('h2', 'verdict-headline');
  private readonly timeline = el('ol', 'timeline');
  private sliderTouchedAt = Number.NEGATIVE_INFINITY;
  private sendTimer: ReturnType<typeof setTimeout> | null = null;
  private stopping = false;
  /** The thresholds (ids and sources, in order) the table's rows were built for. */
  private thresholdSignature = '';
  private thresholdRows: ThresholdRowView[] = [];
  private markerT: number | null;
  private markerRun: string | null;

  constructor(
    root: HTMLElement,
    private readonly model: PanelModel,
    private readonly host: ViewHost,
    ui: UiState | null,
  ) {
    this.markerT = ui?.markerT ?? null;
    this.markerRun = ui?.runId ?? null;
    root.replaceChildren();

    const header = el('header', 'run-header');
    const titleBox = el('div', 'run-heading');
    titleBox.append(this.title, this.status);
    const controls = el('div', 'controls');
    const label = el('label', 'multiplier-label', 'Load ×');
    this.slider.type = 'range';
    this.slider.id = 'multiplier';
    label.htmlFor = 'multiplier';
    this.slider.min = String(-SLIDER_STEPS);
    this.slider.max = String(SLIDER_STEPS);
    this.slider.step = '1';
    this.slider.value = '0';
    this.slider.title = 'Live load multiplier: scales the target rate (open model) or users (closed)';
    this.slider.addEventListener('input', () => this.onSlider(false));
    this.slider.addEventListener('change', () => this.onSlider(true));
    this.resetButton = toolkitButton('1×', 'secondary', 'Back to the planned load (1×)');
    this.resetButton.addEventListener('click', () => {
      this.slider.value = '0';
      this.onSlider(true);
    });
    this.stopButton = toolkitButton('Stop', 'primary', 'Stop the run (what was measured is kept)');
    this.stopButton.id = 'stop';
    this.stopButton.addEventListener('click', () => {
      if (!this.model.live || this.stopping) return;
      this.stopping = true;
      this.host.post({ type: 'stop' });
      this.renderHeader();
    });
    controls.append(label, this.slider, this.sliderValue, this.resetButton, this.stopButton);
    header.append(titleBox, controls);

    this.verdict.hidden = true;
    // Announced once when the run ends; the ticking figures are not (they would never stop).
    this.verdict.setAttribute('aria-live', 'polite');
    this.verdict.append(this.headline, el('h3', undefined, 'What broke first'), this.timeline);

    const kpis = el('section', 'kpis');
    const tile = (name: string): Tile => {
      const box = el('div', 'kpi');
      const value = el('div', 'kpi-value', '—');
      const detail = el('div', 'kpi-detail', '');
      box.append(el('div', 'kpi-name', name), value, detail);
      kpis.append(box);
      return { value, detail };
    };
    this.tiles = {
      rate: tile('Achieved rate'),
      ttft: tile('TTFT p95'),
      errors: tile('Error rate'),
      tokens: tile('Output tokens/s'),
      cost: tile('Cost'),
    };

    const table = el('table', 'threshold-table');
    const head = el('thead');
    const headRow = el('tr');
    headRow.append(el('th'), el('th', undefined, 'Threshold'), this.valueHead, el('th', undefined, 'First broke'));
    head.append(headRow);
    table.append(head, this.thresholdBody);
    this.thresholdSection.append(el('h3', undefined, 'Thresholds'), table);

    const charts = el('section', 'charts');
    this.note.hidden = true;
    this.note.id = 'run-note';
    root.append(header, this.note, this.verdict, kpis, this.thresholdSection, charts);
    this.board = new ChartBoard(charts, model, readPalette());
  }

  render(change: ModelChange): void {
    if (change.reset) this.stopping = false;
    if (!this.model.live) this.stopping = false;
    this.renderHeader();
    this.renderKpis();
    this.renderThresholds();
    this.renderVerdict();
    this.syncSlider();
    if (change.reset) {
      const runId = this.model.start?.runId ?? this.model.summary?.runId ?? null;
      if (runId !== this.markerRun) this.markerT = null;
      this.board.mark(this.markerT, false);
    }
    this.board.render(change.reset);
  }

  /** Marks second `t` on every chart and brings the chart of `metric` into view. */
  markMoment(t: number, metric: string | null): void {
    this.markerT = t;
    this.markerRun = this.model.start?.runId ?? this.model.summary?.runId ?? null;
    this.board.mark(t);
    this.host.saveUiState({ markerT: t, runId: this.markerRun });
    const target = metric ? chartForMetric(metric) : null;
    const card = target ? this.board.card(target.chart.id) : undefined;
    if (card) {
      card.scrollIntoView({ block: 'nearest' });
      card.classList.add('flash');
      setTimeout(() => card.classList.remove('flash'), 1200);
    }
  }

  private renderHeader(): void {
    const m = this.model;
    setText(this.title, m.start?.scenario ?? m.summary?.scenario ?? 'Stampede');
    const last = m.lastPoint;
    let status: string;
    let kind: string;
    if (m.summary) {
      // The same word as the status bar, the notification, the CLI and the reports.
      const word = statusWord(m.summary);
      status = word;
      kind = word === 'PASS' ? 'pass' : word === 'STOPPED' ? 'stopped' : word === 'INCONCLUSIVE' ? 'inconclusive' : 'fail';
    } else if (m.live) {
      status = this.stopping ? 'stopping…' : `running · ${last ? `${last.stage} · ${formatDuration(last.t)}` : 'starting'}`;
      kind = 'running';
    } else {
      status = m.start ? 'ended' : 'waiting for a run';
      kind = 'idle';
    }
    setText(this.status, status);
    // Written only when they change, like the texts: a tick then dirties nothing but the figures.
    if (this.status.dataset.kind !== kind) this.status.dataset.kind = kind;
    if (this.note.hidden !== (m.note === null)) this.note.hidden = m.note === null;
    setText(this.note, m.note ?? '');
    const controlsLive = m.live && !this.stopping;
    setButtonDisabled(this.stopButton, !controlsLive);
    setButtonDisabled(this.resetButton, !controlsLive);
    if (this.slider.disabled !== !controlsLive) this.slider.disabled = !controlsLive;
  }

  /** Every tile says the window its figure is taken over, in the words the other surfaces use. */
  private renderKpis(): void {
    const k = this.model.kpis();
    const loadModel = this.model.start?.loadModel;
    const target = k.targetLevel === null ? '' : ` · ${k.targetIsPeak ? 'peak target' : 'target'} ${formatLevel(k.targetLevel, loadModel)}`;
    setText(this.tiles.rate.value, formatRate(k.achievedRate));
    setText(this.tiles.rate.detail, `${k.achievedWindow}${target}`);
    setText(this.tiles.ttft.value, formatMs(k.ttftP95));
    setText(this.tiles.ttft.detail, k.ttftWindow);
    setText(this.tiles.errors.value, formatPercent(k.errorRate));
    setText(this.tiles.errors.detail, k.errorWindow);
    setText(this.tiles.tokens.value, formatRate(k.tokensPerSecond, ''));
    setText(this.tiles.tokens.detail, k.tokensWindow);
    setText(this.tiles.cost.value, formatUsd(k.cost));
    setText(this.tiles.cost.detail, k.costPerRequest !== null ? `${k.costWindow} · ${formatUsd(k.costPerRequest)} per request` : k.costWindow);
  }

  /** The rows are built when the set of thresholds changes (a new run) and changed in place on
   * a tick, only where their text or state differs: a tick then writes no more than the values. */
  private renderThresholds(): void {
    const rows = this.model.thresholds.list();
    if (this.thresholdSection.hidden !== (rows.length === 0)) this.thresholdSection.hidden = rows.length === 0;
    // While the run goes the runner judges on its trailing window (counts and cost since the
    // start); at the end on the whole run.
    setText(this.valueHead, this.model.summary ? `Value (${WINDOW.wholeRun})` : `Value (${WINDOW.recent}; counts and cost ${WINDOW.soFar})`);
    const signature = JSON.stringify(rows.map((r) => [r.id, r.source, r.metric]));
    if (signature !== this.thresholdSignature) {
      this.thresholdSignature = signature;
      this.thresholdRows = rows.map((row) => {
        const tr = el('tr');
        tr.dataset.threshold = row.id;
        const mark = el('td', 'threshold-state');
        const source = el('td', 'threshold-source');
        source.append(el('code', undefined, row.source));
        const value = el('td', 'threshold-value');
        const when = el('td', 'threshold-breach');
        tr.append(mark, source, value, when);
        return { tr, mark, value, when, breach: '' };
      });
      this.thresholdBody.replaceChildren(...this.thresholdRows.map((r) => r.tr));
    }
    rows.forEach((row, i) => {
      const view = this.thresholdRows[i]!;
      const state = row.pass === null ? 'pending' : row.pass ? 'pass' : 'fail';
      if (view.tr.dataset.state !== state) view.tr.dataset.state = state;
      setText(view.mark, row.pass === null ? '…' : row.pass ? '✓ pass' : '✗ fail');
      setText(view.value, formatMetricValue(row.metric, row.value));
      const breach = row.firstBreachT === null ? '' : `${formatDuration(row.firstBreachT)}${row.firstBreachStage ? ` (${row.firstBreachStage})` : ''}`;
      if (breach !== view.breach) {
        view.breach = breach;
        if (row.firstBreachT === null) view.when.replaceChildren();
        else view.when.replaceChildren(this.momentLink(breach, row.firstBreachT, row.metric));
      }
    });
  }

  private renderVerdict(): void {
    const s = this.model.summary;
    this.verdict.hidden = !s;
    if (!s || this.verdict.dataset.runId === s.runId) return;
    this.verdict.dataset.runId = s.runId;
    this.verdict.dataset.status = statusWord(s);
    this.headline.textContent = verdictLine(s);
    const loadModel = this.model.start?.loadModel;
    const entries = breachTimeline(s);
    const items = entries.map((e) => {
      const li = el('li');
      li.append(
        this.momentLink(formatDuration(e.t), e.t, e.metric),
        el(
          'span',
          'timeline-text',
          ` ${e.source} broke in ${e.stage}${e.trace ? ` (trace ${formatDuration(e.trace.offsetS)}, recorded ${formatRate(e.trace.recordedRate)})` : ''}: ${formatMetricValue(e.metric, e.value)} at target ${formatLevel(e.targetLevel, loadModel)}, ${formatRate(e.achievedRate)} achieved`,
        ),
      );
      return li;
    });
    if (items.length === 0) {
      // Nothing broke is a finding only for a run that went on long enough to judge.
      const word = statusWord(s);
      const none = word === 'ERROR' ? `No threshold was judged: the run could not go on${s.endMessage ? ` (${s.endMessage})` : ''}.` : word === 'STOPPED' || word === 'ABORTED' ? `No threshold broke before the run ended (${word.toLowerCase()}).` : 'No threshold broke.';
      items.push(el('li', 'timeline-empty', none));
    }
    this.timeline.replaceChildren(...items);
  }

  private momentLink(text: string, t: number, metric: string): HTMLAnchorElement {
    const a = el('a', 'moment-link', text);
    a.href = '#';
    a.dataset.t = String(t);
    a.title = 'Show this moment on the charts';
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      this.markMoment(t, metric);
    });
    return a;
  }

  private onSlider(final: boolean): void {
    this.sliderTouchedAt = performance.now();
    const value = multiplierFromSlider(Number(this.slider.value));
    this.sliderValue.textContent = `${value.toFixed(2)}×`;
    if (this.sendTimer) clearTimeout(this.sendTimer);
    this.sendTimer = null;
    const send = () => {
      this.sendTimer = null;
      if (this.model.live && !this.stopping) this.host.post({ type: 'setMultiplier', value });
    };
    if (final) send();
    else this.sendTimer = setTimeout(send, SLIDER_SEND_DELAY_MS);
  }

  private syncSlider(): void {
    if (performance.now() - this.sliderTouchedAt < SLIDER_HOLD_MS) return;
    const value = this.model.kpis().multiplier;
    const position = String(sliderFromMultiplier(value));
    if (this.slider.value !== position) this.slider.value = position;
    setText(this.sliderValue, `${value.toFixed(2)}×`);
  }
}
