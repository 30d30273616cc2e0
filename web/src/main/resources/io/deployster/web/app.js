// The operations page: reads the JSON routes and a job's log events; builds every cell with
// textContent, so no text from Redis (job output, names, reasons) is ever taken as HTML.
'use strict';

const REFRESH_MS = 1000;
let me = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c === null || c === undefined ? '' : c);
  return e;
}
const dash = v => (v === null || v === undefined || v === '') ? '-' : String(v);
const when = t => t ? new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
const seconds = ms => (ms === null || ms === undefined) ? '-' : (ms / 1000).toFixed(1) + ' s';
function ago(t) {
  if (!t) return '-';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(t)) / 1000));
  return s < 120 ? s + ' s' : s < 7200 ? Math.floor(s / 60) + ' min' : s < 172800 ? Math.floor(s / 3600) + ' h' : Math.floor(s / 86400) + ' d';
}
const jobLink = id => el('a', {href: '/ui/job/' + encodeURIComponent(id), 'data-job': id}, id);
const projectLink = p => el('a', {href: '/ui/project/' + encodeURIComponent(p), 'data-project': p}, p);
const statusCell = s => el('span', {class: 'status status-' + s}, s);

function fill(tableId, rows, columns, empty) {
  const body = document.querySelector('#' + tableId + ' tbody');
  const fresh = rows.map(r => el('tr', {}, ...columns.map(c => el('td', {}, c(r)))));
  if (fresh.length === 0) {
    fresh.push(el('tr', {}, el('td', {class: 'empty', colspan: String(columns.length)}, empty)));
  }
  body.replaceChildren(...fresh);
}

async function api(path, options) {
  const r = await fetch('/ui/api/' + path, Object.assign({credentials: 'same-origin', cache: 'no-store'}, options || {}));
  if (r.status === 401) { location.href = '/ui/login?next=' + encodeURIComponent(location.pathname); throw new Error('signed out'); }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
  return body;
}

function stamp() {
  const u = document.getElementById('updated');
  if (u) u.textContent = 'live, updated ' + new Date().toLocaleTimeString();
}

async function overview() {
  const d = await api('overview');
  fill('running', d.running, [r => jobLink(r.id), r => projectLink(r.project), r => r.queue, r => dash(r.worker),
    r => ago(r.startedAt), r => dash(r.submittedBy)], 'nothing running');
  fill('queues', d.queues, [q => q.name, q => q.depth, q => q.pending, q => q.oldestEntryAt ? ago(q.oldestEntryAt) : '-',
    q => q.consumers.length + (q.consumers.length ? ' (' + q.consumers.join(', ') + ')' : ' (none alive)')], 'no queues yet');
  fill('workers', d.workers, [w => w.name, w => el('span', {class: 'state-' + (w.alive ? 'alive' : 'dead')}, w.alive ? 'alive' : 'dead'),
    w => w.busy + '/' + w.slots, w => w.queues.join(', '), w => w.lastHeartbeat ? ago(w.lastHeartbeat) + ' ago' : '-',
    w => el('span', {}, ...w.running.flatMap((id, i) => i ? [' ', jobLink(id)] : [jobLink(id)]))], 'no workers have reported');
  fill('projects', d.projects, [p => projectLink(p.name), p => p.lockHolder ? jobLink(p.lockHolder) : '(free)', p => p.fencingToken,
    p => el('span', {}, String(p.waitingCount), ...p.waiting.slice(0, 5).flatMap(id => [' ', jobLink(id)]))], 'no projects yet');
  fill('recent', d.recent, [r => when(r.endedAt), r => jobLink(r.id), r => projectLink(r.project), r => statusCell(r.status),
    r => dash(r.ref), r => seconds(r.durationMillis), r => dash(r.worker), r => dash(r.reason)], 'no deploys have ended yet');
  stamp();
}

async function project() {
  const name = decodeURIComponent(location.pathname.split('/').pop());
  const d = await api('project/' + encodeURIComponent(name));
  document.getElementById('name').textContent = name;
  document.title = 'Deployster: ' + name;
  const lock = document.getElementById('lock');
  if (d.project.lockHolder) {
    lock.replaceChildren('held by ', jobLink(d.project.lockHolder), d.holder ? ' (' + d.holder.status + (d.holder.worker ? ' on ' + d.holder.worker : '') + ')' : '',
      d.project.lockExpiresInMillis !== null ? ', lease ' + seconds(d.project.lockExpiresInMillis) + ' left' : '');
  } else {
    lock.replaceChildren('free');
  }
  document.getElementById('fence').textContent = d.project.fencingToken;
  fill('waiting', d.waiting.map((j, i) => Object.assign({n: i + 1}, j)), [j => j.n, j => jobLink(j.id), j => statusCell(j.status),
    j => j.queue, j => when(j.submittedAt), j => dash(j.submittedBy)], 'nothing waiting');
  fill('history', d.history, [r => when(r.endedAt), r => jobLink(r.id), r => statusCell(r.status), r => dash(r.ref),
    r => r.commit ? r.commit.substring(0, 12) : '-', r => seconds(r.durationMillis), r => dash(r.worker), r => dash(r.submittedBy),
    r => dash(r.reason)], 'no deploys have ended yet');
  stamp();
}

let jobEnded = false;

async function jobState() {
  const id = decodeURIComponent(location.pathname.split('/').pop());
  const d = await api('job/' + encodeURIComponent(id));
  const j = d.job;
  document.getElementById('id').textContent = j.id;
  document.title = 'Deployster: job ' + j.id;
  const status = document.getElementById('status');
  status.textContent = j.status;
  status.className = 'status status-' + j.status;
  document.getElementById('project').replaceChildren(projectLink(j.project));
  for (const [field, value] of [['queue', j.queue], ['worker', j.worker], ['submitted', when(j.submittedAt) + (j.submittedBy ? ' by ' + j.submittedBy : '')],
    ['started', when(j.startedAt)], ['ended', when(j.endedAt)], ['duration', seconds(j.durationMillis)], ['reason', j.reason]]) {
    document.getElementById(field).textContent = dash(value);
  }
  document.getElementById('cancel').hidden = !d.mayCancel;
  jobEnded = ['succeeded', 'failed', 'cancelled', 'timed_out', 'lost', 'rejected'].includes(j.status);
  return j;
}

function followLog(id) {
  const log = document.getElementById('log');
  const live = document.getElementById('live');
  let partial = null;
  const source = new EventSource('/ui/api/job/' + encodeURIComponent(id) + '/log');
  live.textContent = '(live)';
  source.onmessage = m => {
    const e = JSON.parse(m.data);
    if (e.kind === 'partial') {
      if (!partial) { partial = el('div', {class: 'partial ' + e.stream}); log.append(partial); }
      partial.textContent = e.text;
      return;
    }
    if (partial) { partial.remove(); partial = null; }
    if (e.kind === 'line') {
      log.append(el('div', {class: 'line ' + e.stream}, e.text));
    } else if (e.text) {
      log.append(el('div', {class: 'note'}, e.text));
    }
    log.scrollTop = log.scrollHeight;
    if (e.kind === 'finished') {
      source.close();
      live.textContent = '(ended)';
      jobState();
    }
  };
}

function job() {
  const id = decodeURIComponent(location.pathname.split('/').pop());
  jobState().then(() => followLog(id));
  const timer = setInterval(() => { if (jobEnded) clearInterval(timer); else jobState().catch(() => {}); }, REFRESH_MS);
  document.getElementById('cancel').addEventListener('click', async () => {
    if (!confirm('Cancel job ' + id + '? Its processes are stopped now.')) return;
    const button = document.getElementById('cancel');
    button.disabled = true;
    try {
      const r = await api('job/' + encodeURIComponent(id) + '/cancel', {method: 'POST', headers: {'X-CSRF-Token': me.csrf}});
      document.getElementById('cancel-result').textContent = r.outcome === 'requested' ? 'stopping...' : r.outcome;
    } catch (e) {
      document.getElementById('cancel-result').textContent = e.message;
      button.disabled = false;
    }
  });
}

function every(load) {
  const run = () => load().catch(e => { const u = document.getElementById('updated'); if (u) u.textContent = 'not updated: ' + e.message; });
  run();
  setInterval(run, REFRESH_MS);
}

async function main() {
  const page = document.body.dataset.page;
  if (page === 'login') {
    const q = new URLSearchParams(location.search);
    document.getElementById('failed').hidden = !q.has('failed');
    document.getElementById('next').value = q.get('next') || '/ui/';
    return;
  }
  me = await api('me');
  document.getElementById('who').textContent = me.name + ' (' + me.role + ')';
  if (page === 'overview') every(overview);
  if (page === 'project') every(project);
  if (page === 'job') job();
}

main();
