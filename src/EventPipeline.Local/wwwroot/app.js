// EventPipeline local dashboard: REST for what exists (entity kinds, entities, metrics), the WebSocket for changes
// through the browser client library (/client/eventpipeline-client.js: gap-free resume, reconnect, ping).
// No framework and no build step: the stack serves this file as is.
import { EventPipelineClient } from '/client/eventpipeline-client.js';

const $ = (sel) => document.querySelector(sel);
const SVG = ['svg', 'rect', 'text', 'line', 'g', 'title'];
const el = (tag, attrs = {}, text) => {
  const e = document.createElementNS(SVG.includes(tag) ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

/** Most entities of one kind the page loads over REST (the count shown is always the exact one). */
const MAX_ENTITIES_PER_KIND = 500;

const state = {
  endpoints: null,
  token: '',
  tenant: '',
  client: null,
  conn: 'closed',
  seen: {},               // channel -> every sequence applied, in order (tests check it has no gaps)
  gaps: {},               // channel -> pushes missed for good (each one reloads over REST)
  kinds: {},              // kind -> entity count (REST's exact count, then new entities from pushes)
  kind: null,
  entities: {},           // kind -> id -> aggregate
  selected: null,
  metric: 'events',
  measure: 'count',
  windows: {},            // bucket -> window aggregate (minute granularity of the selected metric)
  total: null,
};

// ---- REST ---------------------------------------------------------------------------------------------------------
async function api(path) {
  const r = await fetch(path, { headers: { Authorization: 'Bearer ' + state.token } });
  if (r.status === 404) return null;
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

/** Every page of GET path, following nextCursor. */
async function pages(path, each, max = Infinity) {
  let cursor = null;
  let n = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(path + (cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''));
    if (!page) return;
    n += each(page);
    cursor = page.nextCursor;
  } while (cursor && n < max);
}

/** The tenant's entity kinds with their counts: GET /aggregates/entities. */
async function loadKinds() {
  const kinds = {};
  await pages('/aggregates/entities?limit=100', (page) => {
    for (const k of page.kinds) kinds[k.kind] = k.count;
    return page.kinds.length;
  });
  for (const [kind, count] of Object.entries(kinds)) state.kinds[kind] = Math.max(count, Object.keys(state.entities[kind] ?? {}).length);
  if (!state.kind || !(state.kind in state.kinds)) state.kind = Object.keys(state.kinds).sort()[0] ?? null;
}

async function loadKind(kind) {
  const current = (state.entities[kind] ??= {});
  await pages(`/aggregates/entities/${encodeURIComponent(kind)}?limit=100`, (page) => {
    for (const item of page.items) {
      const known = current[item.entity.id];
      if (!known || known.version <= item.version) current[item.entity.id] = item;
    }
    return page.items.length;
  }, MAX_ENTITIES_PER_KIND);
}

async function loadMetrics() {
  const list = await api('/aggregates/metrics');
  const names = (list?.metrics ?? []).map((m) => m.metric);
  if (!names.includes(state.metric)) names.unshift(state.metric);
  const select = $('#metric');
  select.replaceChildren(...names.map((n) => el('option', { value: n }, n)));
  select.value = state.metric;
}

async function loadWindows() {
  const body = await api(`/aggregates/metrics/${encodeURIComponent(state.metric)}?granularity=minute`);
  if (body?.metric !== state.metric) return;
  if (!state.total || state.total.version <= body.total.version) state.total = body.total;
  for (const w of body.windows ?? []) {
    if (!state.windows[w.bucket] || state.windows[w.bucket].version <= w.version) state.windows[w.bucket] = w;
  }
}

/** Everything the page shows, from REST; pushes and REST merge by version. */
async function reloadAll() {
  await loadKinds();
  await Promise.all([...Object.keys(state.kinds).map(loadKind), loadMetrics().then(loadWindows)]);
  render();
}

// ---- WebSocket (through the client library) -----------------------------------------------------------------------
function setConn(s) {
  state.conn = s;
  const badge = $('#conn-state');
  badge.textContent = s;
  badge.className = 'state ' + s;
  badge.dataset.state = s;
}

function subscribeChannel(channel) {
  state.client.subscribe(channel, {
    onSubscribed: ({ sequence, resumed }) => {
      log(`subscribed ${channel} @${sequence}${resumed ? ' (resumed)' : ''}`);
      // First subscription: the state so far comes from REST, read after subscribing so nothing falls between.
      if (!resumed) reloadAll().catch(showError);
      renderChannels();
    },
    onChange: (m) => onChange(m),
    onReload: async ({ sequence, reason }) => {
      state.gaps[channel] = (state.gaps[channel] ?? 0) + 1;
      log(`reload ${channel} @${sequence}: ${reason}`);
      await reloadAll();
    },
  });
}

function connect() {
  if (!state.token) return;
  if (!state.client) {
    const token = state.token;
    state.client = new EventPipelineClient({
      url: state.endpoints?.webSocketUrl ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
      restUrl: location.origin,
      token: () => token,
    });
    state.client.on('state', (s) => { setConn(s); renderChannels(); });
    state.client.on('error', (e) => log(`${e.code}${e.field ? ' ' + e.field : ''}: ${e.rule ?? e.message}`));
    subscribeChannel('tenant');
    subscribeChannel('metric/' + state.metric);
  }
  state.client.connect();
}

function disconnect() { state.client?.close(); }

function onChange(m) {
  (state.seen[m.channel] ??= []).push(m.sequence);
  // A live push carries its oldest event's trace: Kinesis arrival → this page is the end-to-end latency a user sees.
  if (m.trace?.arrivedAt) {
    pageLatencies.push(Date.now() - m.trace.arrivedAt);
    if (pageLatencies.length > 500) pageLatencies.shift();
  }
  const a = m.data;
  if (a?.kind === 'total' && !$('#metric').querySelector(`option[value="${CSS.escape(a.metric)}"]`)) {
    $('#metric').append(el('option', { value: a.metric }, a.metric));
  }
  if (m.channel === 'tenant' && a?.kind === 'entity') {
    const kind = a.entity.kind;
    const entities = (state.entities[kind] ??= {});
    // A new entity (its item's first write) adds one; an update of one beyond the entities loaded does not.
    if (!entities[a.entity.id] && (a.version === 1 || !(kind in state.kinds))) state.kinds[kind] = Math.max((state.kinds[kind] ?? 0) + 1, Object.keys(entities).length + 1);
    state.kind ??= kind;
    if (!entities[a.entity.id] || entities[a.entity.id].version <= a.version) entities[a.entity.id] = a;
    renderEntities(a.entity.id);
  } else if (a?.metric === state.metric && m.channel === 'metric/' + state.metric) {
    if (a.kind === 'window' && a.granularity === 'minute') state.windows[a.bucket] = a;
    if (a.kind === 'total') state.total = a;
    renderChart();
  }
  log(`#${m.sequence} ${m.channel} ${a?.kind ?? ''} ${a?.entity ? a.entity.kind + '/' + a.entity.id : a?.metric ?? ''}`);
  renderChannels();
}

// ---- rendering ----------------------------------------------------------------------------------------------------
function render() { renderKinds(); renderEntities(); renderChart(); renderChannels(); }

function renderKinds() {
  const box = $('#kinds');
  box.replaceChildren(...Object.keys(state.kinds).sort().map((k) => {
    const b = el('button', { type: 'button', 'data-kind': k, 'data-count': state.kinds[k], class: k === state.kind ? 'active' : '' }, `${k} (${state.kinds[k]})`);
    b.onclick = () => { state.kind = k; state.selected = null; render(); };
    return b;
  }));
}

function renderEntities(changedId) {
  renderKinds();
  const items = Object.values(state.entities[state.kind] ?? {}).sort((x, y) => (y.lastEventAt ?? '').localeCompare(x.lastEventAt ?? ''));
  const rows = items.map((a) => {
    const tr = el('tr', { 'data-id': a.entity.id, 'data-kind': a.entity.kind, 'data-event-count': a.eventCount, class: a.entity.id === state.selected ? 'selected' : '' });
    tr.append(el('td', {}, a.entity.id), el('td', {}, a.type ?? ''), el('td', {}, String(a.eventCount)),
      el('td', {}, (a.lastEventAt ?? '').replace('T', ' ').replace(/\.\d+Z$|Z$/, '')),
      el('td', { title: JSON.stringify(a.attributes) }, Object.entries(a.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')));
    if (a.entity.id === changedId) tr.classList.add('flash');
    tr.onclick = () => { state.selected = a.entity.id; renderEntities(); };
    return tr;
  });
  $('#entities tbody').replaceChildren(...rows);
  $('#entities-empty').hidden = rows.length > 0;
  const sel = state.entities[state.kind]?.[state.selected];
  $('#entity-detail').textContent = sel ? JSON.stringify(sel, null, 2) : 'Select an entity.';
}

function renderChart() {
  const svg = $('#chart');
  const W = 600, H = 200, pad = 18;
  const buckets = Object.keys(state.windows).sort().slice(-30);
  const values = buckets.map((b) => Number(state.windows[b][state.measure] ?? 0));
  const max = Math.max(1, ...values);
  const bw = (W - pad) / Math.max(buckets.length, 10);
  const nodes = [el('line', { x1: pad, y1: H - pad, x2: W, y2: H - pad, stroke: '#ccd' })];
  buckets.forEach((b, i) => {
    const h = (values[i] / max) * (H - 2 * pad);
    const x = pad + i * bw + 2;
    const r = el('rect', { x, y: H - pad - h, width: Math.max(2, bw - 4), height: h, 'data-bucket': b, 'data-count': state.windows[b].count, 'data-value': values[i] });
    r.append(el('title', {}, `${b} ${state.measure}=${values[i]}`));
    nodes.push(r, el('text', { x: x + 1, y: H - pad - h - 3 }, String(values[i])));
    if (i % 5 === 0) nodes.push(el('text', { x, y: H - 4 }, b.slice(11, 16)));
  });
  nodes.push(el('text', { x: 2, y: 10 }, String(max)));
  svg.replaceChildren(...nodes);
  const t = state.total;
  $('#metric-total').textContent = t ? `total: count ${t.count}, sum ${t.sum}${t.late ? `, late (min/h/day) ${t.late.minute}/${t.late.hour}/${t.late.day}` : ''}` : `no '${state.metric}' data yet`;
}

function channels() { return ['tenant', 'metric/' + state.metric]; }

function renderChannels() {
  $('#channels tbody').replaceChildren(...channels().map((c) => {
    const tr = el('tr', { 'data-channel': c });
    const last = state.client?.lastSequence(c);
    tr.append(el('td', {}, c), el('td', { class: 'seq' }, String(last ?? '–')),
      el('td', {}, String(state.seen[c]?.length ?? 0)), el('td', {}, String(state.gaps[c] ?? 0)));
    return tr;
  }));
}

function log(line) {
  const li = el('li', {}, `${new Date().toISOString().slice(11, 19)} ${line}`);
  const box = $('#log');
  box.prepend(li);
  while (box.children.length > 200) box.lastChild.remove();
}

function showError(e) { log('error: ' + (e?.message ?? e)); }

// ---- counters (/metrics) ------------------------------------------------------------------------------------------
async function pollCounters() {
  try {
    const m = await (await fetch('/metrics')).json();
    const rows = [
      ['ingest batches', m.ingest.batches], ['records in', m.ingest.records], ['events applied', m.ingest.applied],
      ['duplicates', m.ingest.duplicates], ['dead-lettered', m.ingest.deadLettered], ['item writes', m.ingest.itemWrites],
      ...Object.entries(m.ingest.deadLettersByCategory ?? {}).map(([k, v]) => ['rejected: ' + k, v]),
      ['publish batches', m.publish.batches], ['pushes', m.publish.pushes], ['gone connections', m.publish.goneConnections],
      ['open connections', m.openConnections],
      // A mapping whose on-failure destination refuses records holds its shard where it is rather than skip them.
      ...[['ingest', m.ingestMapping], ['publish', m.publishMapping]].flatMap(([name, mapping]) => (mapping?.shardsWaitingOnDestination ?? []).length > 0
        ? [[name + ': waiting on its failure destination', mapping.shardsWaitingOnDestination.join(', ')]] : []),
      ...Object.entries(m.emulatorRestarts ?? {}).filter(([, n]) => n > 0).map(([k, n]) => ['restarted: ' + k, n]),
    ];
    $('#counters').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-counter': k }, String(v))]));
  } catch { /* the stack is stopping; try again later */ }
}

// ---- per-stage latency (/metrics/latency) -------------------------------------------------------------------------
/** The last 500 end-to-end latencies of this page's live pushes (ms). */
const pageLatencies = [];

function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

async function pollLatency() {
  try {
    const snapshot = await (await fetch('/metrics/latency')).json();
    const rows = snapshot.stages.filter((s) => s.total.count > 0).map((s) => {
      const row = el('tr', { 'data-stage': s.name, title: `${s.description} (${s.observedBy})` });
      for (const v of [s.name, ms(s.recent.p50), ms(s.recent.p99), String(s.recent.count), ms(s.total.p50), ms(s.total.p99)]) row.append(el('td', {}, v));
      return row;
    });
    if (pageLatencies.length > 0) {
      const row = el('tr', { 'data-stage': 'page.arrivalToReceive', title: "Kinesis arrival → this page received the push (the last 500 of this page's pushes)" });
      const p50 = percentile(pageLatencies, 50);
      const p99 = percentile(pageLatencies, 99);
      for (const v of ['page.arrivalToReceive', ms(p50), ms(p99), String(pageLatencies.length), '', '']) row.append(el('td', {}, v));
      rows.push(row);
    }
    $('#latency tbody').replaceChildren(...rows);
    $('#latency-mode').textContent = `mode ${snapshot.mode}`;
    $('#latency-panel').hidden = rows.length === 0;
  } catch { /* the stack is stopping; try again later */ }
}

// ---- sign-in ------------------------------------------------------------------------------------------------------
async function signIn(token, tenant) {
  disconnect();
  Object.assign(state, { client: null, token, tenant, seen: {}, gaps: {}, kinds: {}, kind: null, entities: {}, selected: null, windows: {}, total: null });
  $('#signed-in-as').textContent = 'tenant ' + tenant;
  render();
  connect();
}

function tenantOf(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return payload.tenant ?? '';
  } catch {
    return '';
  }
}

// The admin token arrives in the URL fragment the stack prints (never sent to a server, never in a Referer); it is kept
// for this tab only and removed from the address bar.
const adminToken = (() => {
  const m = /(?:^#|&)admin=([0-9a-f]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem('ep.admin', m[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('ep.admin');
})();
const devToken = (tenant) => fetch('/dev/token?tenant=' + encodeURIComponent(tenant), { headers: adminToken ? { Authorization: 'Bearer ' + adminToken } : {} });

$('#get-token').onclick = async () => {
  const r = await devToken($('#tenant').value.trim());
  if (r.status === 401) { showError(new Error('open the dashboard URL the stack printed (it carries the admin token)')); return; }
  if (!r.ok) { showError(new Error('tenant: letters, digits, "_" and "-"')); return; }
  $('#token').value = (await r.json()).token;
};
$('#signin').onsubmit = (e) => {
  e.preventDefault();
  const token = $('#token').value.trim();
  signIn(token, tenantOf(token) || $('#tenant').value.trim());
};
$('#reconnect').onclick = () => state.client?.reconnect();
$('#metric').onchange = () => {
  const previous = 'metric/' + state.metric;
  state.metric = $('#metric').value;
  state.windows = {};
  state.total = null;
  if (state.client) {
    state.client.unsubscribe(previous);
    subscribeChannel('metric/' + state.metric);
  }
  loadWindows().then(renderChart).catch(showError);
};
$('#measure').onchange = () => { state.measure = $('#measure').value; renderChart(); };

// Hooks for tests and the console: disconnect/connect/reconnect and what the page has applied.
window.__ep = {
  state,
  connect,
  disconnect,
  reconnect: () => state.client?.reconnect(),
  seen: (channel) => [...(state.seen[channel] ?? [])],
  lastSequence: (channel) => state.client?.lastSequence(channel),
  signIn,
};

(async () => {
  try {
    state.endpoints = await (await fetch('/endpoints.json')).json();
    $('#tenant').value = state.endpoints.demoTenant;
    const r = await devToken(state.endpoints.demoTenant);
    if (r.ok) {
      // Locally, sign in by itself as the demo tenant: what exists shows without a click.
      const token = (await r.json()).token;
      $('#token').value = token;
      await signIn(token, state.endpoints.demoTenant);
    } else {
      log('open the dashboard URL the stack printed (it carries the admin token in its #admin= fragment) to sign in by itself, or paste a token');
    }
  } catch (e) {
    showError(e);
  }
  render();
  pollCounters();
  setInterval(pollCounters, 2000);
  pollLatency();
  setInterval(pollLatency, 2000);
})();
