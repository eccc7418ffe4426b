// EventPipeline local dashboard: REST for the current state, the WebSocket for changes, and gap-free resume
// (re-subscribe with `since` = the last sequence seen per channel; on `reload`, refetch over REST).
// No framework and no build step: this file is served as is by the local stack.
(() => {
  'use strict';

  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs = {}, text) => {
    const e = document.createElementNS(tag === 'svg' || ['rect', 'text', 'line', 'g'].includes(tag) ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  const state = {
    endpoints: null,
    token: '',
    tenant: '',
    ws: null,
    wanted: false,          // true while signed in: closes are followed by a reconnect
    conn: 'closed',
    retry: 0,
    lastSeq: {},            // channel -> last sequence applied
    seen: {},               // channel -> every sequence received, in order (tests check it has no gaps)
    gaps: {},               // channel -> gaps detected (each one triggers a REST refetch)
    kinds: [],              // entity kinds seen on the tenant channel (or remembered for this tenant)
    kind: null,
    entities: {},           // kind -> id -> aggregate
    selected: null,
    metric: 'events',
    measure: 'count',
    windows: {},            // bucket -> window aggregate (minute granularity of the selected metric)
    total: null,
  };

  // ---- REST ---------------------------------------------------------------------------------------------------
  async function api(path) {
    const r = await fetch(path, { headers: { Authorization: 'Bearer ' + state.token } });
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  }

  async function loadKind(kind) {
    const items = {};
    let cursor = null;
    do {
      const page = await api(`/aggregates/entities/${encodeURIComponent(kind)}?limit=100${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
      if (!page) break;
        for (const item of page.items) items[item.entity.id] = item;
      cursor = page.nextCursor;
    } while (cursor);
    const current = (state.entities[kind] ??= {});
    for (const [id, item] of Object.entries(items)) {
      if (!current[id] || current[id].version <= item.version) current[id] = item;
    }
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

  async function reloadAll() {
    await Promise.all([...state.kinds.map(loadKind), loadMetrics().then(loadWindows)]);
    render();
  }

  // ---- WebSocket ------------------------------------------------------------------------------------------------
  function channels() { return ['tenant', 'metric/' + state.metric]; }

  function setConn(s) {
    state.conn = s;
    const badge = $('#conn-state');
    badge.textContent = s;
    badge.className = 'state ' + s;
    badge.dataset.state = s;
  }

  function connect() {
    if (!state.token) return;
    state.wanted = true;
    if (state.ws && state.ws.readyState <= WebSocket.OPEN) return;
    const base = state.endpoints?.webSocketUrl ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    setConn('connecting');
    const ws = new WebSocket(`${base}?token=${encodeURIComponent(state.token)}`);
    state.ws = ws;
    ws.onopen = () => {
      state.retry = 0;
      setConn('open');
      for (const c of channels()) subscribe(c);
    };
    ws.onmessage = (m) => onMessage(JSON.parse(m.data));
    ws.onclose = () => {
      if (state.ws !== ws) return;
      state.ws = null;
      setConn('closed');
      if (state.wanted) {
        // Back off a little on repeated failures (e.g. an expired token), never more than 5 s.
        const delay = Math.min(5000, 250 * 2 ** state.retry++);
        setTimeout(() => { if (state.wanted) connect(); }, delay);
      }
    };
  }

  function disconnect() {
    state.wanted = false;
    if (state.ws) state.ws.close();
  }

  function subscribe(channel) {
    const msg = { action: 'subscribe', channel };
    // Resume: ask for what was missed since the last sequence this page applied.
    if (state.lastSeq[channel] !== undefined) msg.since = state.lastSeq[channel];
    state.ws.send(JSON.stringify(msg));
  }

  function onMessage(m) {
    switch (m.type) {
      case 'subscribed':
        if (state.lastSeq[m.channel] === undefined) {
          // First subscription: start from the channel's latest sequence and take the state so far from REST
          // (fetched after subscribing, so nothing falls between the two; pushes and REST merge by version).
          state.lastSeq[m.channel] = m.sequence;
          reloadAll().catch(showError);
        }
        log(`subscribed ${m.channel} @${m.sequence}`);
        break;
      case 'change':
        onChange(m);
        break;
      case 'reload':
        log(`reload ${m.channel} @${m.sequence}`);
        state.lastSeq[m.channel] = m.sequence;
        reloadAll().catch(showError);
        break;
      case 'error':
        log(`error ${m.field ?? ''}: ${m.rule ?? m.message ?? JSON.stringify(m)}`);
        break;
      default:
        break;
    }
    renderChannels();
  }

  function onChange(m) {
    const last = state.lastSeq[m.channel];
    if (last !== undefined && m.sequence <= last) return; // already applied (replay overlap)
    (state.seen[m.channel] ??= []).push(m.sequence);
    if (last !== undefined && m.sequence > last + 1) {
      // Missed something the server could not replay: count it and fall back to REST.
      state.gaps[m.channel] = (state.gaps[m.channel] ?? 0) + 1;
      reloadAll().catch(showError);
    }
    state.lastSeq[m.channel] = m.sequence;
    const a = m.data;
    if (a?.kind === 'total' && !$('#metric').querySelector(`option[value="${CSS.escape(a.metric)}"]`)) {
      $('#metric').append(el('option', { value: a.metric }, a.metric));
    }
    if (m.channel === 'tenant' && a?.kind === 'entity') {
      const kind = a.entity.kind;
      if (!state.kinds.includes(kind)) {
        state.kinds.push(kind);
        state.kinds.sort();
        localStorage.setItem('ep.kinds.' + state.tenant, JSON.stringify(state.kinds));
        state.kind ??= kind;
      }
      (state.entities[kind] ??= {})[a.entity.id] = a;
      renderEntities(a.entity.id);
    } else if (a?.metric === state.metric && m.channel === 'metric/' + state.metric) {
      if (a.kind === 'window' && a.granularity === 'minute') state.windows[a.bucket] = a;
      if (a.kind === 'total') state.total = a;
      renderChart();
    }
    log(`#${m.sequence} ${m.channel} ${a?.kind ?? ''} ${a?.entity ? a.entity.kind + '/' + a.entity.id : a?.metric ?? ''}`);
  }

  // ---- rendering ------------------------------------------------------------------------------------------------
  function render() { renderKinds(); renderEntities(); renderChart(); renderChannels(); }

  function renderKinds() {
    const box = $('#kinds');
    box.replaceChildren(...state.kinds.map((k) => {
      const b = el('button', { type: 'button', 'data-kind': k, class: k === state.kind ? 'active' : '' }, `${k} (${Object.keys(state.entities[k] ?? {}).length})`);
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

  function renderChannels() {
    const names = [...new Set([...channels(), ...Object.keys(state.lastSeq)])];
    $('#channels tbody').replaceChildren(...names.map((c) => {
      const tr = el('tr', { 'data-channel': c });
      tr.append(el('td', {}, c), el('td', { class: 'seq' }, String(state.lastSeq[c] ?? '–')),
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
      ];
      $('#counters').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-counter': k }, String(v))]));
    } catch { /* the stack is stopping; try again later */ }
  }

  // ---- sign-in ------------------------------------------------------------------------------------------------------
  async function signIn(token, tenant) {
    disconnect();
    Object.assign(state, { token, tenant, lastSeq: {}, seen: {}, gaps: {}, entities: {}, selected: null, windows: {}, total: null });
    state.kinds = JSON.parse(localStorage.getItem('ep.kinds.' + tenant) ?? '[]');
    state.kind = state.kinds[0] ?? null;
    $('#signed-in-as').textContent = 'tenant ' + tenant;
    render();
    connect();
  }

  function tenantOf(token) {
    try {
      const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return payload.tenant ?? payload['custom:tenant'] ?? payload.sub ?? '';
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
    if (!r.ok) { showError(new Error('tenant: lowercase letters, digits and dashes')); return; }
    $('#token').value = (await r.json()).token;
  };
  $('#signin').onsubmit = (e) => {
    e.preventDefault();
    const token = $('#token').value.trim();
    signIn(token, tenantOf(token) || $('#tenant').value.trim());
  };
  $('#reconnect').onclick = () => { if (state.ws) state.ws.close(); else connect(); };
  $('#metric').onchange = () => {
    state.metric = $('#metric').value;
    state.windows = {};
    state.total = null;
    if (state.ws?.readyState === WebSocket.OPEN) subscribe('metric/' + state.metric);
    else loadWindows().then(renderChart).catch(showError);
  };
  $('#measure').onchange = () => { state.measure = $('#measure').value; renderChart(); };

  // Hooks for tests and the console: disconnect/connect/reconnect and what the page has applied.
  window.__ep = {
    state,
    connect,
    disconnect,
    reconnect: () => { if (state.ws) state.ws.close(); else connect(); },
    seen: (channel) => [...(state.seen[channel] ?? [])],
    lastSequence: (channel) => state.lastSeq[channel],
    signIn,
  };

  (async () => {
    try {
      state.endpoints = await (await fetch('/endpoints.json')).json();
      $('#tenant').value = state.endpoints.demoTenant;
      const r = await devToken(state.endpoints.demoTenant);
      if (r.ok) $('#token').value = (await r.json()).token;
    } catch (e) {
      showError(e);
    }
    render();
    pollCounters();
    setInterval(pollCounters, 2000);
  })();
})();
