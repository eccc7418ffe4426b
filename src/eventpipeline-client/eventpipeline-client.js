// EventPipeline browser client: live changes of a tenant's aggregates over the WebSocket API, in sequence order, with
// no gap and no duplicate across reconnects. Plain ES module, no dependencies, no build step.
//
//   import { EventPipelineClient } from './eventpipeline-client.js';
//   const client = new EventPipelineClient({ url: webSocketUrl, restUrl, token: () => currentToken });
//   client.subscribe('entity/order/42', { onChange: (change) => render(change.data) });
//   client.connect();
//
// The protocol is docs/api/asyncapi.json; the REST reads it falls back on are docs/api/openapi.json.

/** A failure the client reports (through `onError` / the 'error' event); `code` says which kind. */
export class EventPipelineError extends Error {
  /**
   * @param {'rejected'|'internal_server_error'|'connection_refused'|'connection_lost'|'rest_failed'|'gap'} code
   * @param {string} message
   * @param {{field?: string, rule?: string, channel?: string, status?: number, cause?: unknown}} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EventPipelineError';
    /** What kind of failure: `rejected` (the server answered an error naming field and rule), `internal_server_error`
     * (API Gateway's frame: the function did not answer), `connection_refused` (the socket never opened: a bad or
     * expired token is the usual cause), `connection_lost`, `rest_failed`, `gap` (pushes missed for good: the
     * subscription's `onReload` was called). */
    this.code = code;
    this.field = details.field;
    this.rule = details.rule;
    this.channel = details.channel;
    this.status = details.status;
  }
}

const CHANNEL = /^(tenant|entity\/[^/]+\/.+|metric\/[^/]+|source\/[^/]+)$/;

/**
 * One connection to the WebSocket API and its subscriptions.
 *
 * Resume rule (the server's contract): the client keeps the last sequence applied per channel and, after any
 * reconnect, subscribes with `since` = that sequence; the server replays what was missed, then sends `subscribed`.
 * Until `subscribed` arrives, pushes are held and applied in sequence order (a live push can overtake the replay), and
 * any at or below the last applied is dropped. A push that leaves a hole waits briefly for the missing ones, then the
 * hole is read from `GET /channels/{channel}/changes?since=N`. `reload` (the replay would not fit, or the change log
 * no longer has it) is answered the same way; only when REST says the log no longer covers the hole is the
 * subscription's `onReload` called, to read the aggregate's state again.
 */
export class EventPipelineClient {
  /**
   * @param {object} options
   * @param {string} options.url WebSocket URL (`webSocketUrl`), e.g. ws://127.0.0.1:4510/ws
   * @param {string} [options.restUrl] HTTP API base (`restUrl`) for missed pushes; default: the page's origin
   * @param {string | (() => string | Promise<string>)} options.token the JWT, or a function asked at every connect
   * @param {number} [options.initialBackoffMs=250] first reconnect delay; doubles per failed attempt (with jitter)
   * @param {number} [options.maxBackoffMs=10000] longest reconnect delay
   * @param {number} [options.pingIntervalMs=240000] ping period (API Gateway closes a connection idle for 10 min)
   * @param {number} [options.pongTimeoutMs=10000] a ping unanswered this long counts as a lost connection
   * @param {number} [options.holeWaitMs=1000] how long a push after a hole waits for the missing ones before REST
   * @param {typeof fetch} [options.fetch] fetch implementation (default: the global one)
   * @param {typeof WebSocket} [options.WebSocket] WebSocket implementation (default: the global one)
   */
  constructor(options) {
    if (!options?.url) throw new TypeError('url: required, the WebSocket URL');
    if (!options.token) throw new TypeError('token: required, a JWT or a function returning one');
    this._options = {
      initialBackoffMs: 250, maxBackoffMs: 10_000, pingIntervalMs: 240_000, pongTimeoutMs: 10_000, holeWaitMs: 1000,
      restUrl: globalThis.location?.origin ?? '', ...options,
    };
    this._fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket;
    /** @type {Map<string, ChannelState>} */
    this._channels = new Map();
    this._listeners = { state: new Set(), error: new Set() };
    this._state = 'closed';
    this._wanted = false;
    this._attempt = 0;
    this._ws = null;
    this._opening = false;
    this._retries = 0;
    this._pongTimer = null;
    this._timers = new Set();
  }

  /** `closed`, `connecting` or `open`. */
  get state() { return this._state; }

  /**
   * Listens to `state` (the new state) or `error` (an EventPipelineError). Returns a function that stops listening.
   * @param {'state'|'error'} event
   * @param {(value: any) => void} listener
   */
  on(event, listener) {
    this._listeners[event].add(listener);
    return () => this._listeners[event].delete(listener);
  }

  /** Opens the connection (and keeps it open, reconnecting with backoff, until `close`). */
  connect() {
    this._wanted = true;
    if (!this._ws && !this._opening) this._open();
    return this;
  }

  /** Drops the connection and opens a new one, resuming every subscription after its last sequence. */
  reconnect() {
    if (this._ws) this._ws.close(4002, 'reconnect');
    else this.connect();
  }

  /** Closes the connection and stops reconnecting; subscriptions and their last sequences are kept for `connect`. */
  close() {
    this._wanted = false;
    this._clearTimers();
    const ws = this._ws;
    this._ws = null;
    if (ws) ws.close(1000, 'client closed');
    this._setState('closed');
  }

  /**
   * Subscribes to a channel of the token's tenant: `tenant`, `entity/{kind}/{id}`, `metric/{name}`, `source/{source}`.
   * @param {string} channel
   * @param {object} handlers
   * @param {(change: {type:'change', channel:string, sequence:number, data:object, trace?:object}) => void} handlers.onChange every
   *   push, once, in sequence order
   * @param {(info: {channel:string, sequence:number, resumed:boolean}) => void} [handlers.onSubscribed] the
   *   subscription is in place; on the first one (`resumed` false) read the current state over REST
   * @param {(info: {channel:string, sequence:number, reason:string}) => void | Promise<void>} [handlers.onReload]
   *   pushes were missed for good: read the state again over REST; pushes after `sequence` follow
   * @param {number} [handlers.since] resume after this sequence (e.g. kept from an earlier page)
   * @returns {{ unsubscribe: () => void, lastSequence: () => number | undefined }}
   */
  subscribe(channel, handlers) {
    if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
      throw new TypeError(`channel: must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}', got '${channel}'`);
    }
    if (typeof handlers?.onChange !== 'function') throw new TypeError('onChange: required, a function');
    let state = this._channels.get(channel);
    if (!state) {
      state = { channel, last: handlers.since, pending: false, held: new Map(), holeTimer: null, filling: false, handlers };
      this._channels.set(channel, state);
    } else {
      state.handlers = handlers;
    }
    if (this._state === 'open') this._sendSubscribe(state);
    return {
      unsubscribe: () => this.unsubscribe(channel),
      lastSequence: () => this._channels.get(channel)?.last,
    };
  }

  /** Stops a subscription. */
  unsubscribe(channel) {
    const state = this._channels.get(channel);
    if (!state) return;
    clearTimeout(state.holeTimer);
    this._channels.delete(channel);
    this._send({ action: 'unsubscribe', channel });
  }

  /** The last sequence applied on a channel (undefined before its first `subscribed`). */
  lastSequence(channel) { return this._channels.get(channel)?.last; }

  /** Sends a ping now (the client also pings on its own every `pingIntervalMs`). */
  ping() { this._sendPing(); }

  // ---- connection ---------------------------------------------------------------------------------------------------
  async _open() {
    this._setState('connecting');
    this._opening = true;
    let token;
    try {
      token = typeof this._options.token === 'function' ? await this._options.token() : this._options.token;
    } catch (e) {
      this._emitError(new EventPipelineError('connection_refused', 'token: the token function failed', { cause: e }));
      this._scheduleReconnect();
      return;
    } finally {
      this._opening = false;
    }
    if (!this._wanted) { this._setState('closed'); return; }
    const sep = this._options.url.includes('?') ? '&' : '?';
    const ws = new this._WebSocket(`${this._options.url}${sep}token=${encodeURIComponent(token)}`);
    this._ws = ws;
    let opened = false;
    ws.onopen = () => {
      if (this._ws !== ws) return;
      opened = true;
      this._attempt = 0;
      this._setState('open');
      for (const state of this._channels.values()) this._sendSubscribe(state);
      this._schedulePing();
    };
    ws.onmessage = (event) => {
      if (this._ws !== ws) return;
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      this._onMessage(message);
    };
    ws.onclose = (event) => {
      if (this._ws !== ws) return;
      this._ws = null;
      this._clearTimers();
      for (const state of this._channels.values()) state.pending = false;
      this._setState('closed');
      if (!this._wanted) return;
      this._emitError(opened
        ? new EventPipelineError('connection_lost', `connection closed (${event.code}${event.reason ? ' ' + event.reason : ''}): reconnecting`)
        : new EventPipelineError('connection_refused', 'the WebSocket did not open: check the token (HTTP 401) and the URL'));
      this._scheduleReconnect();
    };
  }

  _scheduleReconnect() {
    if (!this._wanted) return;
    const { initialBackoffMs, maxBackoffMs } = this._options;
    const ceiling = Math.min(maxBackoffMs, initialBackoffMs * 2 ** this._attempt++);
    // Full jitter keeps many clients from reconnecting in step after an outage.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this._timer(() => { if (this._wanted && !this._ws && !this._opening) this._open(); }, delay);
  }

  _schedulePing() {
    this._timer(() => {
      if (this._state !== 'open') return;
      this._sendPing();
      this._schedulePing();
    }, this._options.pingIntervalMs);
  }

  _sendPing() {
    if (this._state !== 'open') return;
    this._send({ action: 'ping' });
    // The oldest unanswered ping counts: a later ping does not extend its deadline.
    if (this._pongTimer) return;
    const ws = this._ws;
    this._pongTimer = setTimeout(() => {
      this._pongTimer = null;
      // No pong: the connection is dead without having said so. Drop it; onclose reconnects.
      if (this._ws === ws && ws) ws.close(4000, 'no pong');
    }, this._options.pongTimeoutMs);
  }

  _timer(fn, ms) {
    const id = setTimeout(() => { this._timers.delete(id); fn(); }, ms);
    this._timers.add(id);
  }

  _clearTimers() {
    for (const id of this._timers) clearTimeout(id);
    this._timers.clear();
    clearTimeout(this._pongTimer);
    this._pongTimer = null;
    for (const state of this._channels.values()) { clearTimeout(state.holeTimer); state.holeTimer = null; }
  }

  _send(message) {
    if (this._ws && this._ws.readyState === 1) this._ws.send(JSON.stringify(message));
  }

  _sendSubscribe(state) {
    state.pending = true;
    const message = { action: 'subscribe', channel: state.channel };
    if (state.last !== undefined) message.since = state.last;
    this._send(message);
  }

  // ---- messages -----------------------------------------------------------------------------------------------------
  _onMessage(m) {
    if (m?.message === 'Internal server error' && m.type === undefined) {
      // API Gateway's own frame: the function failed to answer a subscribe, unsubscribe or ping (which one is not
      // said). Ask again for every subscription still waiting for its 'subscribed': resubscribing is idempotent and
      // its replay starts after the last sequence applied.
      this._emitError(new EventPipelineError('internal_server_error', 'Internal server error: the server did not answer; resubscribing'));
      const waiting = [...this._channels.values()].filter((s) => s.pending);
      if (waiting.length > 0) {
        const delay = Math.min(this._options.maxBackoffMs, this._options.initialBackoffMs * 2 ** Math.min(6, ++this._retries));
        this._timer(() => { for (const s of waiting) if (this._channels.get(s.channel) === s && s.pending) this._sendSubscribe(s); }, delay);
      }
      return;
    }
    switch (m?.type) {
      case 'change': this._onChange(m); break;
      case 'subscribed': this._onSubscribed(m); break;
      case 'reload': this._onReload(m); break;
      case 'pong': clearTimeout(this._pongTimer); this._pongTimer = null; break;
      case 'error':
        this._emitError(new EventPipelineError('rejected', m.message ?? `${m.field}: ${m.rule}`, { field: m.field, rule: m.rule }));
        if (m.field === 'connection') this._ws?.close(4001, 'server forgot the connection');
        break;
      default: break;
    }
  }

  _onChange(m) {
    const state = this._channels.get(m.channel);
    if (!state || !Number.isInteger(m.sequence)) return;
    if (state.last !== undefined && m.sequence <= state.last) return; // applied already (replay overlap, a resend)
    if (state.pending || state.last === undefined || state.filling) {
      state.held.set(m.sequence, m);
      return;
    }
    state.held.set(m.sequence, m);
    this._drain(state);
  }

  _onSubscribed(m) {
    const state = this._channels.get(m.channel);
    if (!state) return;
    this._retries = 0;
    const resumed = state.last !== undefined;
    state.pending = false;
    // First subscription: start at the channel's latest; the caller reads the state so far over REST (onSubscribed).
    if (!resumed) state.last = m.sequence;
    for (const s of [...state.held.keys()]) if (s <= state.last) state.held.delete(s);
    this._call(state, 'onSubscribed', { channel: state.channel, sequence: m.sequence, resumed });
    this._drain(state);
    // Everything up to `subscribed`'s sequence was replayed before it: a hole below it will not be filled by the socket.
    if (state.last < m.sequence) this._fill(state, m.sequence);
  }

  _onReload(m) {
    const state = this._channels.get(m.channel);
    if (!state) return;
    if (state.last === undefined) { state.last = m.sequence; return; }
    // The socket will not replay (last, sequence]: read it over REST, or reload the state when REST has lost it too.
    this._fill(state, m.sequence, m.reason);
  }

  /** Applies held pushes that follow the last one applied; leaves a hole to wait, then to REST. */
  _drain(state) {
    while (state.held.has(state.last + 1)) {
      const next = state.held.get(state.last + 1);
      state.held.delete(state.last + 1);
      state.last = next.sequence;
      this._call(state, 'onChange', next);
    }
    clearTimeout(state.holeTimer);
    state.holeTimer = null;
    if (state.held.size > 0 && !state.pending && !state.filling) {
      // A later push came first (pushes of one channel can be posted by concurrent publishers): wait for the hole.
      state.holeTimer = setTimeout(() => {
        state.holeTimer = null;
        if (state.held.size > 0 && !state.pending) this._fill(state, Math.min(...state.held.keys()) - 1);
      }, this._options.holeWaitMs);
    }
  }

  /** Reads the pushes after `last` up to at least `until` from REST and applies them; reloads when REST has lost them. */
  async _fill(state, until, reason) {
    if (state.filling) return;
    state.filling = true;
    try {
      while (state.last < until && this._channels.get(state.channel) === state) {
        const page = await this._changes(state.channel, state.last);
        if (page.reload) {
          const sequence = Math.max(until, page.latest);
          this._emitError(new EventPipelineError('gap', `pushes of ${state.channel} after ${state.last} are no longer kept: reloading`, { channel: state.channel }));
          for (const s of [...state.held.keys()]) if (s <= sequence) state.held.delete(s);
          state.last = sequence;
          await this._call(state, 'onReload', { channel: state.channel, sequence, reason: reason ?? 'the change log no longer holds the missed pushes' });
          break;
        }
        if (page.changes.length === 0) break; // not logged yet: the socket's pushes or the next fill bring them
        for (const change of page.changes) if (change.sequence > state.last) state.held.set(change.sequence, change);
        const before = state.last;
        state.filling = false;
        this._drain(state);
        state.filling = true;
        if (state.last === before) break;
      }
    } catch (e) {
      this._emitError(e instanceof EventPipelineError ? e : new EventPipelineError('rest_failed', `reading missed pushes of ${state.channel} failed`, { channel: state.channel, cause: e }));
      // Try again by resubscribing: the replay starts after the last sequence applied.
      if (this._state === 'open') this._sendSubscribe(state);
    } finally {
      state.filling = false;
    }
    this._drain(state);
  }

  async _changes(channel, since) {
    const token = typeof this._options.token === 'function' ? await this._options.token() : this._options.token;
    const url = `${this._options.restUrl}/channels/${channel.split('/').map(encodeURIComponent).join('/')}/changes?since=${since}&limit=1000`;
    const r = await this._fetch(url, { headers: { Authorization: 'Bearer ' + token } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      throw new EventPipelineError('rest_failed', `GET ${url.replace(this._options.restUrl, '')}: HTTP ${r.status}${body.rule ? ` (${body.field}: ${body.rule})` : ''}`,
        { channel, status: r.status, field: body.field, rule: body.rule });
    }
    return body;
  }

  async _call(state, name, value) {
    const handler = state.handlers[name];
    if (typeof handler !== 'function') return;
    try {
      await handler(value);
    } catch (e) {
      // A handler's failure is the application's; report it and go on with the stream.
      this._emitError(new EventPipelineError('rest_failed', `${name} of ${state.channel} threw: ${e?.message ?? e}`, { channel: state.channel, cause: e }));
    }
  }

  _setState(s) {
    if (this._state === s) return;
    this._state = s;
    for (const l of this._listeners.state) l(s);
  }

  _emitError(error) {
    for (const l of this._listeners.error) l(error);
  }
}

/** @typedef {{channel:string, last:number|undefined, pending:boolean, held:Map<number, object>, holeTimer:any, filling:boolean, handlers:object}} ChannelState */
