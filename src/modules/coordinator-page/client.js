// The coordinator page in the browser (served as /coordinator/assets/page.js exactly as it is here).
// It signs in (Teams SSO inside Teams, the development login with ?as=<e-mail> elsewhere), asks the
// server for the views (HTML built and escaped on the server), draws the charts with Chart.js and the
// prompt previews with the Adaptive Cards renderer. It never builds markup from data itself: values
// reach the DOM as text or through the libraries' own rendering.
// Plain JavaScript with JSDoc types, checked by tsc with the rest (checkJs): the server sends the file
// unchanged, so production needs no build step and no run-time type stripping.

/**
 * @typedef {{ app: { initialize(): Promise<void>; openLink(url: string): Promise<void> }; authentication: { getAuthToken(): Promise<string> } }} TeamsSdk
 * @typedef {{ label: string; data: (number | null)[]; borderColor?: string; backgroundColor?: string; borderDash?: number[]; borderWidth?: number; spanGaps?: boolean; pointRadius?: number }} ChartDataset
 * @typedef {new (canvas: HTMLCanvasElement, config: Record<string, unknown>) => { destroy(): void }} ChartCtor
 * @typedef {{ AdaptiveCard: new () => { hostConfig: unknown; parse(card: unknown): void; render(): HTMLElement | undefined }; HostConfig: new (config: unknown) => unknown }} AdaptiveCardsLib
 * @typedef {{ months: string[]; monthLabels: string[]; byActivity: { label: string; data: (number | null)[] }[]; total: { label: string; data: (number | null)[] }; byGroup: { label: string; rate: number | null }[] }} ChartData
 * @typedef {{ id: string; title: string; sectors: string; cards: { label: string; card: unknown }[] }} Preview
 * @typedef {Record<string, string> | undefined} AuthHeaders
 */

const w = /** @type {{ microsoftTeams?: TeamsSdk; Chart?: ChartCtor; AdaptiveCards?: AdaptiveCardsLib }} */ (
  /** @type {unknown} */ (window)
);
const params = new URLSearchParams(location.search);
const lang = document.documentElement.lang === 'en' ? 'en' : 'nl';
/** @type {{ campaigns: Record<string, string>; previews: Record<string, string>; noAccess: string }} */
const texts = JSON.parse(document.getElementById('texts')?.textContent ?? '{}');
const content = /** @type {HTMLElement} */ (document.getElementById('content'));
const inTeams = window.parent !== window && !params.has('as');
const palette = ['#1B6B73', '#C4314B', '#5B5FC7', '#E08A00', '#237B4B', '#8A4FBE', '#0F6CBD', '#986F0B', '#6B6B6B', '#B146C2'];

/**
 * @template T
 * @param {Promise<T>} p
 * @param {number} ms
 * @returns {Promise<T>}
 */
function withTimeout(p, ms) {
  /** @type {Promise<T>} */
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms));
  return Promise.race([p, timeout]);
}

/** @type {Promise<AuthHeaders> | undefined} */
let headers;
/** @returns {Promise<AuthHeaders>} */
function authHeaders() {
  headers ??= (async () => {
    const as = params.get('as');
    if (as) return /** @type {AuthHeaders} */ ({ 'x-dev-login': as });
    const teams = w.microsoftTeams;
    if (!inTeams || !teams) return undefined;
    try {
      await withTimeout(teams.app.initialize(), 10_000);
      return /** @type {AuthHeaders} */ ({
        authorization: `Bearer ${await withTimeout(teams.authentication.getAuthToken(), 15_000)}`,
      });
    } catch {
      return undefined;
    }
  })();
  return /** @type {Promise<AuthHeaders>} */ (headers);
}

/**
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<{ status: number; body: Record<string, unknown> }>}
 */
async function call(path, init = {}) {
  const auth = await authHeaders();
  const res = await fetch(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`, {
    ...init,
    headers: { accept: 'application/json', ...(auth ?? {}) },
  });
  /** @type {Record<string, unknown>} */
  const body = await res.json().catch(() => ({}));
  return { status: res.status, body };
}

// --- tabs ----------------------------------------------------------------------------------------

const tabs = [.../** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('[data-tab]'))];
/** @param {string} view */
function show(view) {
  const known = tabs.some((b) => b.dataset['tab'] === view) ? view : 'campaigns';
  for (const b of tabs) b.setAttribute('aria-selected', String(b.dataset['tab'] === known));
  for (const s of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.view')))
    s.hidden = s.dataset['view'] !== known;
  document.body.dataset['view'] = known;
  if (known === 'previews') void loadPreviews();
}
for (const b of tabs) {
  b.addEventListener('click', () => {
    history.replaceState(null, '', `${location.search}#${b.dataset['tab']}`);
    show(b.dataset['tab'] ?? 'campaigns');
  });
}

document.getElementById('lang-switch')?.addEventListener('click', (e) => {
  const next = new URLSearchParams(location.search);
  next.set('lang', /** @type {HTMLElement} */ (e.currentTarget).dataset['lang'] ?? 'nl');
  location.search = next.toString();
});

// --- charts ----------------------------------------------------------------------------------------

/** @param {ChartData} data */
function drawCharts(data) {
  const Chart = w.Chart;
  if (!Chart) return;
  const percent = { min: 0, max: 100, ticks: { callback: (/** @type {number} */ v) => `${v}%` } };
  const activity = /** @type {HTMLCanvasElement | null} */ (document.getElementById('chart-activity'));
  if (activity) {
    // Bars per kind of activity (most kinds happen in a few months only), the total as a line over them.
    /** @type {(ChartDataset & { type: string; order: number })[]} */
    const datasets = data.byActivity.map((s, i) => ({
      type: 'bar',
      order: 2,
      label: s.label,
      data: s.data,
      backgroundColor: palette[(i + 2) % palette.length],
    }));
    datasets.unshift({
      type: 'line',
      order: 1,
      label: data.total.label,
      data: data.total.data,
      borderColor: palette[0],
      backgroundColor: palette[0],
      borderWidth: 3,
      borderDash: [6, 4],
      pointRadius: 4,
      spanGaps: true,
    });
    new Chart(activity, {
      type: 'bar',
      data: { labels: data.monthLabels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        skipNull: true,
        scales: { y: percent },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }
  const group = /** @type {HTMLCanvasElement | null} */ (document.getElementById('chart-group'));
  if (group) {
    new Chart(group, {
      type: 'bar',
      data: {
        labels: data.byGroup.map((g) => g.label),
        datasets: [{ label: '%', data: data.byGroup.map((g) => g.rate), backgroundColor: palette[0] }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: 'y',
        scales: { x: percent },
        plugins: { legend: { display: false } },
      },
    });
  }
}

// --- exports ---------------------------------------------------------------------------------------

function wireExports() {
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button.export'))) {
    button.addEventListener('click', async () => {
      const status = document.querySelector('.export-status');
      const format = button.dataset['format'] === 'xlsx' ? ['xlsx'] : ['campaign', 'coverage'];
      try {
        const { status: code, body } = await call('/coordinator/api/exports', { method: 'POST' });
        if (code !== 200) throw new Error(String(code));
        const urls = /** @type {Record<string, string>} */ (body['urls']);
        for (const f of format) {
          const url = urls[f];
          if (!url) continue;
          if (inTeams && w.microsoftTeams) await w.microsoftTeams.app.openLink(url);
          else {
            const a = document.createElement('a');
            a.href = url;
            a.download = '';
            document.body.append(a);
            a.click();
            a.remove();
          }
        }
        if (status) status.textContent = String(body['message'] ?? '');
      } catch {
        if (status) status.textContent = texts.campaigns['exportFailed'] ?? '';
      }
    });
  }
}

// --- previews --------------------------------------------------------------------------------------

// Close to the Teams light theme, as in the card gallery.
const hostConfig = {
  fontFamily: "'Segoe UI', 'Helvetica Neue', 'Liberation Sans', 'DejaVu Sans', sans-serif",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  actions: { maxActions: 6, buttonSpacing: 8, actionsOrientation: 'horizontal', actionAlignment: 'left' },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: { default: { default: '#242424', subtle: '#616161' }, accent: { default: '#5B5FC7' } },
    },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
  },
};

/**
 * @param {string} src
 * @returns {Promise<void>}
 */
function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(src));
    document.head.append(s);
  });
}

/** @type {Promise<void> | undefined} */
let previewsLoaded;
/** @returns {Promise<void>} */
function loadPreviews() {
  previewsLoaded ??= (async () => {
    const [, { body }] = await Promise.all([
      w.AdaptiveCards ? Promise.resolve() : loadScript('/coordinator/assets/adaptivecards.js'),
      call('/coordinator/api/previews'),
    ]);
    const flows = /** @type {Preview[] | undefined} */ (body['flows']) ?? [];
    const select = /** @type {HTMLSelectElement | null} */ (document.getElementById('flow-select'));
    const box = document.getElementById('previews');
    if (!select || !box || !w.AdaptiveCards) return;
    const AC = w.AdaptiveCards;
    for (const f of flows) select.append(new Option(`${f.title} (${f.sectors})`, f.id));
    const render = () => {
      const flow = flows.find((f) => f.id === select.value) ?? flows[0];
      box.replaceChildren();
      if (!flow) return;
      box.dataset['flow'] = flow.id;
      for (const { label, card } of flow.cards) {
        const figure = document.createElement('figure');
        figure.className = 'card-preview';
        const caption = document.createElement('figcaption');
        caption.textContent = label;
        const frame = document.createElement('div');
        frame.className = 'card-frame';
        const ac = new AC.AdaptiveCard();
        ac.hostConfig = new AC.HostConfig(hostConfig);
        ac.parse(card);
        const el = ac.render();
        if (el) frame.append(el);
        figure.append(caption, frame);
        box.append(figure);
      }
    };
    select.addEventListener('change', render);
    render();
  })();
  return previewsLoaded;
}

// --- start ---------------------------------------------------------------------------------------

async function start() {
  const { status, body } = await call('/coordinator/api/view');
  if (status !== 200) {
    content.innerHTML = typeof body['html'] === 'string' ? body['html'] : texts.noAccess;
    document.body.dataset['state'] = 'no-access';
    return;
  }
  const subtitle = document.getElementById('subtitle');
  if (subtitle) subtitle.textContent = String(body['subtitle'] ?? '');
  // Built and escaped on the server (src/modules/coordinator-page/view.ts).
  content.innerHTML = String(body['html']);
  document.querySelector('.tabs')?.removeAttribute('hidden');
  document.querySelector('.privacy')?.removeAttribute('hidden');
  show(location.hash.slice(1) || 'campaigns');
  drawCharts(/** @type {ChartData} */ (body['charts']));
  wireExports();
  document.body.dataset['state'] = 'ready';
}

start().catch(() => {
  content.innerHTML = texts.noAccess;
  document.body.dataset['state'] = 'no-access';
});

export {};
