// The page's script: plain browser JavaScript, served as is.
// Edit it here: there is no build step; the text is served exactly as written.
extension WebPage {
    static let script = #"""
// Parley control page: live calls from the event stream, a call's timeline on one time axis,
// and history search. Plain browser JavaScript, served by the control API; no build step.
"use strict";
(() => {
  const EVENT_TYPES = ["callIncoming", "callAnswered", "callEnded", "transcript", "agentSpeaking",
    "agentInterrupted", "toolCallStarted", "toolCallFinished", "workflowEvent", "dtmf", "holdProgress",
    "transferProgress", "registrationChanged"];
  const CALL_TYPES = new Set(["callIncoming", "callAnswered", "callEnded", "holdProgress", "transferProgress"]);
  const state = {
    token: localStorage.getItem("parley.token") || "",
    calls: [], conversations: [], selected: null, call: null, history: null, records: [], live: [],
    stream: null, timers: {}, live0: false,
  };
  const $ = (selector) => document.querySelector(selector);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.get("token")) {
      state.token = params.get("token");
      localStorage.setItem("parley.token", state.token);
      params.delete("token");
      history.replaceState(null, "", params.toString() ? "#" + params.toString() : location.pathname);
    }
    // live=0: no event stream (snapshots, printing, headless renderers that wait for the
    // network to go quiet, which an open stream never does).
    state.live0 = params.get("live") === "0";
    if (params.get("call")) return { kind: "call", id: params.get("call") };
    if (params.get("conversation")) return { kind: "conversation", id: params.get("conversation") };
    return null;
  }

  async function api(path, params) {
    const url = new URL(path, location.href);
    for (const [key, value] of Object.entries(params || {})) if (value) url.searchParams.set(key, value);
    const headers = { Accept: "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    const response = await fetch(url, { headers });
    if (response.status === 401) {
      $("#token-form").classList.remove("hidden");
      throw new Error("unauthorized");
    }
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
    return body;
  }

  const pad = (n, width) => String(n).padStart(width || 2, "0");
  const clock = (iso) => (iso ? new Date(iso).toISOString().slice(11, 23) : "");
  function offset(ms) {
    const sign = ms < 0 ? "-" : "+";
    const abs = Math.abs(ms);
    return `${sign}${pad(Math.floor(abs / 60000))}:${pad(Math.floor(abs / 1000) % 60)}.${pad(abs % 1000, 3)}`;
  }
  function duration(fromIso) {
    const seconds = Math.max(0, Math.floor((Date.now() - new Date(fromIso).getTime()) / 1000));
    if (seconds >= 86400) return `since ${fromIso.slice(0, 10)}`;
    const hours = Math.floor(seconds / 3600);
    const rest = `${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
    return hours ? `${hours}:${rest}` : `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
  }

  // ---- Live calls and running conversations ----

  async function refreshCalls() {
    try {
      state.calls = await api("calls");
    } catch (error) {
      state.calls = [];
    }
    renderCalls();
  }

  function renderCalls() {
    const list = $("#calls");
    list.replaceChildren();
    for (const call of state.calls) {
      const item = el("li", "call");
      item.dataset.callId = call.id;
      if (state.selected && state.selected.kind === "call" && state.selected.id === call.id) item.classList.add("selected");
      item.append(el("div", "who", `${call.from} → ${call.to}`));
      const meta = el("div", "meta");
      meta.append(el("span", "badge " + call.state, call.state));
      const codecs = [...new Set(call.legs.map((leg) => leg.codec).filter(Boolean))].join(", ");
      meta.append(el("span", "", `${call.direction} · ${codecs || "no media yet"} · ${duration(call.startedAt)}`));
      if (call.conversationID) meta.append(el("span", "badge conversation", call.conversationID));
      item.append(meta);
      item.addEventListener("click", () => select({ kind: "call", id: call.id }));
      list.append(item);
    }
    $("#call-count").textContent = String(state.calls.length);
    $("#calls-empty").classList.toggle("hidden", state.calls.length > 0);
  }

  async function refreshConversations() {
    try {
      state.conversations = await api("conversations", { status: "running", limit: "50" });
    } catch (error) {
      state.conversations = [];
    }
    const list = $("#conversations");
    list.replaceChildren();
    for (const conversation of state.conversations) {
      const item = el("li", "conversation");
      item.dataset.conversationId = conversation.id;
      item.append(el("div", "who", `${conversation.caller || "?"} → ${conversation.callee || "?"}`));
      item.append(el("div", "meta", `${conversation.id} · ${conversation.agent || conversation.version.slice(0, 12)}`
        + ` · ${conversation.phase || conversation.status} · ${conversation.eventCount} events`));
      item.addEventListener("click", () => select({ kind: "conversation", id: conversation.id }));
      list.append(item);
    }
  }

  // ---- Selection and timeline ----

  async function select(selection) {
    state.selected = selection;
    state.call = null;
    state.history = null;
    state.records = [];
    state.live = [];
    location.hash = `${selection.kind}=${encodeURIComponent(selection.id)}${state.live0 ? "&live=0" : ""}`;
    let conversationID = selection.kind === "conversation" ? selection.id : null;
    let callID = selection.kind === "call" ? selection.id : null;
    if (callID) {
      state.call = state.calls.find((call) => call.id === callID) || null;
      if (!state.call) state.call = await api(`calls/${encodeURIComponent(callID)}`).catch(() => null);
      if (state.call) conversationID = state.call.conversationID || null;
    }
    if (conversationID) {
      state.records = await api("cdrs", { conversation: conversationID }).catch(() => []);
      if (!callID && state.records.length) callID = state.records[0].callID;
    }
    state.selected.callID = callID;
    state.selected.conversationID = conversationID;
    const recent = await api("events/recent", callID ? { call: callID } : { conversation: conversationID })
      .catch(() => []);
    state.live = recent;
    await reloadHistory();
    renderCalls();
  }

  async function reloadHistory() {
    const conversationID = state.selected && state.selected.conversationID;
    if (conversationID) {
      state.history = await api(`conversations/${encodeURIComponent(conversationID)}/history`).catch(() => null);
    }
    renderTimeline();
  }

  function describeSignal(signal) {
    switch (signal.type) {
      case "transcript": return { lane: "transcript", kind: "caller", text: signal.text, speaker: "user" };
      case "dtmf": return { lane: "dtmf", kind: "dtmf", text: signal.digit };
      case "hangUp": return { lane: "call", kind: "hang-up", text: "the caller hung up" };
      case "spoken": return { lane: "transcript", kind: "spoken", text: "the agent finished speaking" };
      case "bargeIn": return { lane: "transcript", kind: "barge-in", text: `heard: ${signal.heard}` };
      case "toolResult": return { lane: "tools", kind: `result ${signal.id}`, text: `${signal.ok ? "ok" : "failed"}: ${signal.detail}` };
      case "conference": return { lane: "call", kind: "conference", text: signal.room ? `agent joined ${signal.room}` : "agent left the conference" };
      default: return { lane: "workflow", kind: "signal", text: signal.type };
    }
  }

  function historyEntries(history) {
    const entries = [];
    for (const event of history.events) {
      const base = { at: event.time, seq: event.sequence };
      switch (event.kind) {
        case "started":
          entries.push({ ...base, lane: "workflow", kind: "started", text: `${event.caller} → ${event.callee}` });
          break;
        case "signal": {
          const described = describeSignal(event.signal);
          // Final transcripts show as turns below; keep partial ones and everything else.
          if (event.signal.type === "transcript" && event.signal.isFinal) {
            entries.push({ ...base, lane: "workflow", kind: "signal", text: "final transcript" });
          } else {
            entries.push({ ...base, ...described, partial: event.signal.type === "transcript" });
          }
          break;
        }
        case "update": {
          const update = event.update;
          const text = update.type === "say" ? `say: ${update.text}`
            : update.type === "transfer" ? `transfer to ${update.target}` : `ask: ${update.question}`;
          entries.push({ ...base, lane: "workflow", kind: `update #${event.updateID}`, text });
          break;
        }
        case "timerFired":
          entries.push({ ...base, lane: "workflow", kind: "timer fired", text: event.timer });
          break;
        case "activityCompleted": {
          const output = event.output;
          const kinds = { reply: "model reply", agentReply: "model reply", summary: "summary",
            toolOutput: "tool output", delivered: "webhook" };
          entries.push({ ...base, lane: output.type === "toolOutput" ? "tools" : "workflow",
            kind: kinds[output.type] || output.type, text: output.text });
          for (const call of output.toolCalls || []) {
            entries.push({ ...base, lane: "tools", kind: `tool ${call.name}`, text: `${call.action} ${call.detail}`.trim() });
          }
          break;
        }
        case "activityFailed":
          entries.push({ ...base, lane: "workflow", kind: "activity failed",
            text: `${event.activity}: ${event.failure.type} ${event.failure.message}` });
          break;
        case "scopeExpired":
          entries.push({ ...base, lane: "workflow", kind: "deadline", text: event.scope });
          break;
        default:
          entries.push({ ...base, lane: "workflow", kind: event.kind, text: event.detail || "" });
      }
    }
    for (const turn of history.turns) {
      if (turn.speaker === "tool") {
        const result = turn.toolResult;
        entries.push({ at: turn.at, seq: 5e8 + entries.length, lane: "tools", kind: result ? `result ${result.name}` : "tool",
          text: result ? `${result.ok ? "ok" : "failed"}: ${result.detail}` : turn.text });
        continue;
      }
      if (turn.text) {
        entries.push({ at: turn.at, seq: 5e8 + entries.length, lane: "transcript",
          kind: turn.speaker === "agent" ? "agent" : (turn.isDTMF ? "caller keyed" : "caller"),
          text: turn.text, speaker: turn.speaker, interrupted: turn.interrupted });
      }
    }
    for (const timer of history.timers) {
      entries.push({ at: timer.fireAt, lane: "workflow", kind: "timer armed", text: timer.name, future: true });
    }
    for (const activity of history.activities) {
      entries.push({ at: activity.scheduledAt, lane: "tools", kind: "running", text: `${activity.kind} (${activity.id})` });
    }
    return entries;
  }

  function liveEntries(events, haveHistory) {
    const entries = [];
    for (const event of events) {
      const base = { at: event.time, seq: 1e9 + event.sequence };
      switch (event.type) {
        case "callIncoming": entries.push({ ...base, lane: "call", kind: "INVITE", text: `${event.from} → ${event.to}` }); break;
        case "callAnswered": entries.push({ ...base, lane: "call", kind: "answered", text: "200 OK" }); break;
        case "callEnded": entries.push({ ...base, lane: "call", kind: "ended", text: event.disposition + (event.reason ? ` (${event.reason})` : "") }); break;
        case "holdProgress": entries.push({ ...base, lane: "call", kind: "hold", text: event.stage }); break;
        case "transferProgress": entries.push({ ...base, lane: "call", kind: "transfer", text: `${event.stage} ${event.target}` }); break;
        case "toolCallStarted": entries.push({ ...base, lane: "tools", kind: `tool ${event.tool}`, text: event.arguments || "started" }); break;
        case "toolCallFinished": entries.push({ ...base, lane: "tools", kind: `tool ${event.tool}`, text: (event.ok ? "ok" : "failed") + (event.result ? `: ${event.result}` : "") }); break;
        case "agentInterrupted": entries.push({ ...base, lane: "transcript", kind: "barge-in", text: `heard: ${event.heard}` }); break;
        case "workflowEvent":
          // The history has the committed events; timers started and cancelled are only here.
          if (!haveHistory || event.kind === "timerStarted" || event.kind === "timerCancelled") {
            const due = event.firesAt ? ` (due ${new Date(event.firesAt).toLocaleTimeString()})` : "";
            entries.push({ ...base, lane: "workflow", kind: event.kind, text: (event.detail || "") + due });
          }
          break;
        case "transcript":
          if (!haveHistory || !event.isFinal) {
            entries.push({ ...base, lane: "transcript", kind: "caller", text: event.text, partial: !event.isFinal, speaker: "user" });
          }
          break;
        case "agentSpeaking":
          if (!haveHistory) entries.push({ ...base, lane: "transcript", kind: "agent", text: event.text, speaker: "agent" });
          break;
        case "dtmf":
          if (!haveHistory) entries.push({ ...base, lane: "dtmf", kind: "dtmf", text: event.digit });
          break;
        default: break;
      }
    }
    // Only the newest partial transcript is worth showing.
    const partials = entries.filter((entry) => entry.partial);
    return entries.filter((entry) => !entry.partial || entry === partials[partials.length - 1]);
  }

  function callEntries() {
    const entries = [];
    const call = state.call;
    if (call) {
      entries.push({ at: call.startedAt, lane: "call", kind: "started", text: `${call.direction} ${call.from} → ${call.to}` });
      if (call.answeredAt) entries.push({ at: call.answeredAt, lane: "call", kind: "answered", text: call.legs.map((leg) => `${leg.codec || "?"}${leg.srtp ? " SRTP" : ""}`).join(" / ") });
    }
    for (const record of state.records) {
      if (!call) entries.push({ at: record.startedAt, lane: "call", kind: "started", text: `${record.from} → ${record.to}` });
      if (!call && record.answeredAt) entries.push({ at: record.answeredAt, lane: "call", kind: "answered", text: record.codecs.join(", ") });
      entries.push({ at: record.endedAt, lane: "call", kind: "ended", text: record.disposition + (record.quality ? ` · MOS ${record.quality.mos}` : "") });
    }
    return entries;
  }

  function renderTimeline() {
    const list = $("#timeline");
    list.replaceChildren();
    const selection = state.selected;
    if (!selection) return;
    const history = state.history;
    const entries = [...callEntries(), ...(history ? historyEntries(history) : []),
      ...liveEntries(state.live, Boolean(history))];
    entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : (a.seq || 0) - (b.seq || 0)));
    const title = selection.callID ? `Call ${selection.callID}` : `Conversation ${selection.conversationID}`;
    $("#detail-title").textContent = title;
    const parts = [];
    if (history) {
      const c = history.conversation;
      parts.push(`${c.caller} → ${c.callee}`, `conversation ${c.id} (${c.status}${c.phase ? ", " + c.phase : ""})`,
        `agent ${c.agent || c.version}`);
      if (history.outcome) parts.push(`ended: ${history.outcome.reason}`);
    } else if (state.call) {
      parts.push(`${state.call.from} → ${state.call.to}`, state.call.state);
    }
    $("#detail-summary").textContent = parts.join(" · ") || "No details.";
    if (!entries.length) return;
    const origin = new Date(entries[0].at).getTime();
    for (const entry of entries) {
      const row = el("li");
      row.dataset.lane = entry.lane;
      if (entry.speaker) row.dataset.speaker = entry.speaker;
      if (entry.future) row.classList.add("future");
      if (entry.partial) row.classList.add("partial");
      if (entry.interrupted) row.classList.add("interrupted");
      const at = el("span", "at", offset(new Date(entry.at).getTime() - origin));
      at.title = clock(entry.at);
      const text = el("span", "text");
      text.append(el("span", "kind", entry.kind), document.createTextNode(entry.text));
      row.append(at, text);
      list.append(row);
    }
  }

  // ---- Live event stream ----

  function later(name, action, ms) {
    clearTimeout(state.timers[name]);
    state.timers[name] = setTimeout(action, ms);
  }

  function onEvent(message) {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch (error) {
      return;
    }
    if (CALL_TYPES.has(event.type)) later("calls", () => { refreshCalls(); refreshConversations(); }, 250);
    const selection = state.selected;
    if (!selection) return;
    const mine = (selection.callID && event.callID === selection.callID)
      || (selection.conversationID && event.conversationID === selection.conversationID);
    if (!mine) return;
    if (!selection.conversationID && event.conversationID) selection.conversationID = event.conversationID;
    state.live.push(event);
    renderTimeline();
    later("history", reloadHistory, 300);
  }

  function connect() {
    if (state.stream) state.stream.close();
    const url = new URL("events", location.href);
    if (state.token) url.searchParams.set("access_token", state.token);
    const stream = new EventSource(url);
    stream.onopen = () => {
      $("#stream-status").textContent = "live";
      $("#stream-status").className = "status online";
    };
    stream.onerror = () => {
      $("#stream-status").textContent = "reconnecting";
      $("#stream-status").className = "status offline";
    };
    for (const type of EVENT_TYPES) stream.addEventListener(type, onEvent);
    stream.addEventListener("dropped", () => { refreshCalls(); reloadHistory(); });
    state.stream = stream;
  }

  // ---- History search ----

  async function search(form) {
    const data = new FormData(form);
    const params = {};
    for (const key of ["caller", "agent", "status"]) params[key] = data.get(key);
    if (data.get("since")) params.since = data.get("since");
    if (data.get("until")) params.until = new Date(new Date(data.get("until")).getTime() + 86400000).toISOString();
    const body = $("#results tbody");
    body.replaceChildren();
    let results = [];
    try {
      results = await api("conversations", params);
    } catch (error) {
      const row = el("tr");
      const cell = el("td", "", error.message);
      cell.colSpan = 6;
      row.append(cell);
      body.append(row);
      return;
    }
    for (const item of results) {
      const row = el("tr");
      row.dataset.conversationId = item.id;
      for (const value of [clock(item.startedAt) && item.startedAt.slice(0, 19).replace("T", " "), item.caller,
        item.callee, item.agent || item.version.slice(0, 12), item.status, item.eventCount]) {
        row.append(el("td", "", value));
      }
      row.addEventListener("click", () => select({ kind: "conversation", id: item.id }));
      body.append(row);
    }
  }

  function showTab(name) {
    for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === name);
    $("#live-panel").classList.toggle("hidden", name !== "live");
    $("#search-panel").classList.toggle("hidden", name !== "search");
  }

  async function load() {
    const wanted = readHash() || state.selected;
    await Promise.all([refreshCalls(), refreshConversations()]);
    if (wanted) await select({ kind: wanted.kind, id: wanted.id });
    document.body.dataset.ready = "true";
    if (state.live0) {
      $("#stream-status").textContent = "snapshot";
      $("#stream-status").className = "status";
    } else {
      connect();
    }
  }

  function start() {
    for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
    $("#search-form").addEventListener("submit", (event) => { event.preventDefault(); search(event.target); });
    $("#token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      state.token = $("#token-input").value.trim();
      localStorage.setItem("parley.token", state.token);
      $("#token-form").classList.add("hidden");
      load();
    });
    setInterval(renderCalls, 1000);
    setInterval(refreshCalls, 15000);
    load();
  }

  start();
})();

"""#
}
