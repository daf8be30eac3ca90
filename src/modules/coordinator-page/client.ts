// The coordinator page in the browser (served as /coordinator/assets/page.js with its types stripped).
// It signs in (Teams SSO inside Teams, the development login with ?as=<e-mail> elsewhere), asks the
// server for the views (HTML built and escaped on the server), draws the charts with Chart.js and the
// prompt previews with the Adaptive Cards renderer. It never builds markup from data itself: values
// reach the DOM as text or through the libraries' own rendering.

interface TeamsSdk {
  app: { initialize(): Promise<void>; openLink(url: string): Promise<void> };
  authentication: { getAuthToken(): Promise<string> };
}
interface ChartDataset {
  label: string;
  data: (number | null)[];
  borderColor?: string;
  backgroundColor?: string;
  borderDash?: number[];
  borderWidth?: number;
  spanGaps?: boolean;
  pointRadius?: number;
}
type ChartCtor = new (canvas: HTMLCanvasElement, config: Record<string, unknown>) => { destroy(): void };
interface AdaptiveCardsLib {
  AdaptiveCard: new () => { hostConfig: unknown; parse(card: unknown): void; render(): HTMLElement | undefined };
  HostConfig: new (config: unknown) => unknown;
}
interface ChartData {
  months: string[];
  monthLabels: string[];
  byActivity: { label: string; data: (number | null)[] }[];
  total: { label: string; data: (number | null)[] };
  byGroup: { label: string; rate: number | null }[];
}
interface Preview {
  id: string;
  title: string;
  sectors: string;
  cards: { label: string; card: unknown }[];
}

const w = window as unknown as { microsoftTeams?: TeamsSdk; Chart?: ChartCtor; AdaptiveCards?: AdaptiveCardsLib };
const params = new URLSearchParams(location.search);
const lang = document.documentElement.lang === 'en' ? 'en' : 'nl';
const texts = JSON.parse(document.getElementById('texts')?.textContent ?? '{}') as {
  campaigns: Record<string, string>;
  previews: Record<string, string>;
  noAccess: string;
};
const content = document.getElementById('content') as HTMLElement;
const inTeams = window.parent !== window && !params.has('as');
const palette = ['#1B6B73', '#C4314B', '#5B5FC7', '#E08A00', '#237B4B', '#8A4FBE', '#0F6CBD', '#986F0B', '#6B6B6B', '#B146C2'];

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
}

let headers: Promise<Record<string, string> | undefined> | undefined;
function authHeaders(): Promise<Record<string, string> | undefined> {
  headers ??= (async (): Promise<Record<string, string> | undefined> => {
    const as = params.get('as');
    if (as) return { 'x-dev-login': as };
    const teams = w.microsoftTeams;
    if (!inTeams || !teams) return undefined;
    try {
      await withTimeout(teams.app.initialize(), 10_000);
      return { authorization: `Bearer ${await withTimeout(teams.authentication.getAuthToken(), 15_000)}` };
    } catch {
      return undefined;
    }
  })();
  return headers as Promise<Record<string, string> | undefined>;
}

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const auth = await authHeaders();
  const res = await fetch(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`, {
    ...init,
    headers: { accept: 'application/json', ...(auth ?? {}) },
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

// --- tabs ----------------------------------------------------------------------------------------

const tabs = [...document.querySelectorAll<HTMLButtonElement>('[data-tab]')];
function show(view: string): void {
  const known = tabs.some((b) => b.dataset['tab'] === view) ? view : 'campaigns';
  for (const b of tabs) b.setAttribute('aria-selected', String(b.dataset['tab'] === known));
  for (const s of document.querySelectorAll<HTMLElement>('.view')) s.hidden = s.dataset['view'] !== known;
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
  next.set('lang', (e.currentTarget as HTMLElement).dataset['lang'] ?? 'nl');
  location.search = next.toString();
});

// --- charts ----------------------------------------------------------------------------------------

function drawCharts(data: ChartData): void {
  const Chart = w.Chart;
  if (!Chart) return;
  const percent = { min: 0, max: 100, ticks: { callback: (v: number) => `${v}%` } };
  const activity = document.getElementById('chart-activity') as HTMLCanvasElement | null;
  if (activity) {
    // Bars per kind of activity (most kinds happen in a few months only), the total as a line over them.
    const datasets: (ChartDataset & { type: string; order: number })[] = data.byActivity.map((s, i) => ({
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
  const group = document.getElementById('chart-group') as HTMLCanvasElement | null;
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

function wireExports(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button.export')) {
    button.addEventListener('click', async () => {
      const status = document.querySelector('.export-status');
      const format = button.dataset['format'] === 'xlsx' ? ['xlsx'] : ['campaign', 'coverage'];
      try {
        const { status: code, body } = await call('/coordinator/api/exports', { method: 'POST' });
        if (code !== 200) throw new Error(String(code));
        const urls = body['urls'] as Record<string, string>;
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
        if (status) status.textContent = (texts.campaigns['exportReady'] ?? '').replace('{minutes}', String(body['minutes']));
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

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(src));
    document.head.append(s);
  });
}

let previewsLoaded: Promise<void> | undefined;
function loadPreviews(): Promise<void> {
  previewsLoaded ??= (async () => {
    const [, { body }] = await Promise.all([
      w.AdaptiveCards ? Promise.resolve() : loadScript('/coordinator/assets/adaptivecards.js'),
      call('/coordinator/api/previews'),
    ]);
    const flows = (body['flows'] as Preview[] | undefined) ?? [];
    const select = document.getElementById('flow-select') as HTMLSelectElement | null;
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

async function start(): Promise<void> {
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
  document.querySelector<HTMLElement>('.tabs')?.removeAttribute('hidden');
  document.querySelector<HTMLElement>('.privacy')?.removeAttribute('hidden');
  show(location.hash.slice(1) || 'campaigns');
  drawCharts(body['charts'] as ChartData);
  wireExports();
  document.body.dataset['state'] = 'ready';
}

start().catch(() => {
  content.innerHTML = texts.noAccess;
  document.body.dataset['state'] = 'no-access';
});

export {};
